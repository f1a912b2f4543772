/**
 * A global forecast on a climate model's calendar: an emulator rolled out over a `noleap` series
 * (CMIP's usual calendar). Forecasts refused such input ("forecast cycles are real times"). Now
 * cycles are dates of the input's calendar, the product store's `time` is written in it (xarray
 * reads cftime noleap dates back), and scores are computed on it.
 *
 * The values are checked against the same 48 frames dated in the Gregorian calendar: the cycle at
 * noleap 2000-03-01T00 is frame 36, which in the Gregorian dating is 2000-02-29T00, so the two
 * forecasts (and their scores) must be equal, while their labels differ by the day noleap lacks.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openZarrSource } from "../../src/io/zarr/source.js";
import { loadPipeline } from "../../src/pipeline/config.js";
import { evaluateGlobal } from "../../src/pipeline/evaluate-global.js";
import { runForecast } from "../../src/pipeline/forecast.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { redatedTracer } from "../helpers/tracer.js";
import { tmp } from "../helpers/write.js";

/** The tracer fixture's first 48 steps, dated from 2000-02-20 every 6 hours in `calendar`. */
function series(path: string, calendar: string): void {
  redatedTracer(path, { start: "2000-02-20", periods: 48, freq: "6H", calendar, units: "hours since 2000-01-01" });
}

/** Every cycle's forecast (time, lead, y, x) as plain numbers. */
async function slots(store: string, n: number): Promise<number[][]> {
  const out: number[][] = [];
  for (let s = 0; s < n; s++) {
    const src = await openZarrSource(store, { variable: "t", index: { time: s } });
    const w = { x: 0, y: 0, width: src.meta.width, height: src.meta.height };
    out.push(Array.from((await src.readWindow(w)).data));
    await src.close();
  }
  return out;
}

describe.skipIf(!hasGdal)("forecasts on a model calendar", () => {
  it("cycles, the product store and the scores are in the input's noleap calendar", async () => {
    const dir = tmp("fc-cal");
    const [noleap, gregorian] = [join(dir, "noleap.zarr"), join(dir, "gregorian.zarr")];
    series(noleap, "noleap");
    series(gregorian, "standard");
    const run = async (input: string, out: string, cycle: string, until: string) =>
      runForecast(await loadPipeline("pipelines/global-forecast.yaml", [`input.path=${input}`, `output.path=${out}`]), {
        cycle,
        until,
      });
    const [fcNoleap, fcGregorian] = [join(dir, "fc-noleap.zarr"), join(dir, "fc-gregorian.zarr")];
    const a = await run(noleap, fcNoleap, "2000-02-28T12:00Z", "2000-03-01T00:00Z");
    // February 28 18:00 to March 1 00:00 is one step in noleap.
    expect(a.cycles).toStrictEqual([
      "2000-02-28T12:00:00.000Z (noleap)",
      "2000-02-28T18:00:00.000Z (noleap)",
      "2000-03-01T00:00:00.000Z (noleap)",
    ]);
    const b = await run(gregorian, fcGregorian, "2000-02-28T12:00Z", "2000-02-29T00:00Z");
    expect(b.cycles).toStrictEqual([
      "2000-02-28T12:00:00.000Z",
      "2000-02-28T18:00:00.000Z",
      "2000-02-29T00:00:00.000Z",
    ]);
    // The same frames in, the same forecasts out.
    const [fa, fb] = [await slots(fcNoleap, 3), await slots(fcGregorian, 3)];
    expect(fa).toStrictEqual(fb);
    expect(fa[2]?.every(Number.isFinite)).toBe(true);

    // xarray reads the product store's reference times as the noleap dates, and its valid times
    // (time + lead_time) across the day Gregorian time would have.
    const seen = py<{ calendar: string; times: string[]; valid: string }>(`import xarray as xr
ds = xr.open_zarr(${JSON.stringify(fcNoleap)})
print(json.dumps({"calendar": ds.time.encoding["calendar"], "times": [t.isoformat() for t in ds.time.values],
  "valid": (ds.time.values[1] + ds.lead_time.values[0].astype("timedelta64[s]").item()).isoformat()}))`);
    expect(seen).toStrictEqual({
      calendar: "noleap",
      times: ["2000-02-28T12:00:00", "2000-02-28T18:00:00", "2000-03-01T00:00:00"],
      valid: "2000-03-01T00:00:00",
    });

    // Scores on the noleap store equal those on the Gregorian one, labelled in noleap.
    const [sa, sb] = [await evaluateGlobal(fcNoleap, noleap), await evaluateGlobal(fcGregorian, gregorian)];
    expect(sa.methods).toStrictEqual(sb.methods);
    expect(sa.methods.model.rmse.every(Number.isFinite)).toBe(true);
    expect(sa.climatology).toStrictEqual({
      from: "2000-02-20T00:00:00.000Z (noleap)",
      until: "2000-02-28T06:00:00.000Z (noleap)",
      steps: 34,
    });
    const cut = await evaluateGlobal(fcNoleap, noleap, { climatologyUntil: "2000-02-25" });
    expect(cut.climatology.steps).toBe(20);
    await expect(evaluateGlobal(fcNoleap, noleap, { climatologyUntil: "2000-02-29" })).rejects.toThrow(
      "--climatology-until: not a time of the noleap calendar (2000-02-29)",
    );

    // A date noleap lacks is refused by name; cycles do not mix calendars in one store; scores
    // do not mix a noleap forecast with Gregorian observations.
    await expect(run(noleap, join(dir, "x.zarr"), "2000-02-29T00:00Z", "2000-02-29T00:00Z")).rejects.toThrow(
      "--cycle '2000-02-29T00:00Z' is not a date of the input's noleap calendar",
    );
    await expect(run(noleap, join(dir, "y.zarr"), "2000-02-28T00:00Z", "2000-02-30T00:00Z")).rejects.toThrow(
      "--until '2000-02-30T00:00Z' is not a date of the input's noleap calendar",
    );
    await expect(run(noleap, fcGregorian, "2000-03-01T00:00Z", "2000-03-01T00:00Z")).rejects.toThrow(
      "the store's cycles are dates of the proleptic_gregorian calendar, this forecast's of noleap",
    );
    await expect(evaluateGlobal(fcNoleap, gregorian)).rejects.toThrow(
      "the forecast's cycle 2000-02-28T12:00:00.000Z (noleap) is not a time of the observations' proleptic_gregorian calendar",
    );
  }, 180_000); // two forecasts, three evaluations and xarray: 63 s in a fresh-clone CI run beside other suites
});
