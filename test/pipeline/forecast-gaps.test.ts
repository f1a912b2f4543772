/**
 * A forecast cycle over an archive with a frame missing (a radar outage, a file not yet arrived).
 * The nowcaster read the `T` bands before the cycle's, whatever their times: with 00:40 missing,
 * the 00:50 cycle fed it 00:30, 00:35, 00:45 and 00:50 as four frames five minutes apart and
 * wrote a nowcast from them. The cycle is now refused with the missing time named (as "inputs
 * missing", which a scheduled cycle waits for), and the scores' extrapolation baseline measures
 * motion only over frames one step apart.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCrs } from "../../src/grid/crs.js";
import { openZarrSource } from "../../src/io/zarr/source.js";
import { loadPipeline } from "../../src/pipeline/config.js";
import { evaluateNowcast } from "../../src/pipeline/evaluate-nowcast.js";
import { runForecast } from "../../src/pipeline/forecast.js";
import { cellSize } from "../../src/pipeline/trained-frames.js";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { redatedTracer } from "../helpers/tracer.js";
import { tmp } from "../helpers/write.js";

const RADAR = "fixtures/radar-knmi/knmi-20100826.rain-4km.zarr";

/**
 * The radar fixture's first 16 frames (00:00 to 01:15), less those at `drop` (indices), over
 * 64 x 64 cells with rain.
 */
function without(path: string, drop: number[]): void {
  frames(
    path,
    Array.from({ length: 16 }, (_, i) => i).filter((i) => !drop.includes(i)),
  );
}

/** The radar fixture's frames at `order` (indices, repeats and reversals as given), 64 x 64 cells. */
function frames(path: string, order: number[]): void {
  py(`import xarray as xr
ds = xr.open_zarr(${JSON.stringify(RADAR)})
ds = ds.isel(time=${JSON.stringify(order)}, y=slice(64, 128), x=slice(64, 128)).load()
for v in ds.variables.values(): v.encoding = {}
ds.to_zarr(${JSON.stringify(path)}, mode="w")
print("null")`);
}

const nowcast = async (input: string, output: string, cycle: string, until?: string) =>
  runForecast(await loadPipeline("pipelines/radar-nowcast.yaml", [`input.path=${input}`, `output.path=${output}`]), {
    cycle,
    ...(until ? { until } : {}),
  });

/** A store's forecast for its slot `s`, all leads. */
async function slot(store: string, s: number): Promise<number[]> {
  const src = await openZarrSource(store, { variable: "rain_rate", index: { time: s } });
  const g = await src.readWindow({ x: 0, y: 0, width: src.meta.width, height: src.meta.height });
  await src.close();
  return Array.from(g.data);
}

describe.skipIf(!hasGdal)("a forecast over an archive with a frame missing", () => {
  it("refuses a cycle whose frames are not all there, naming the missing time; runs one whose are", async () => {
    const dir = tmp("fc-gap");
    const [full, gap] = [join(dir, "full.zarr"), join(dir, "gap.zarr")];
    without(full, []);
    without(gap, [8]); // 00:40
    const e = await nowcast(gap, join(dir, "a.zarr"), "2010-08-26T00:50Z").catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: "E_NOT_FOUND",
      message: `${gap}: 4 frames end at 2010-08-26T00:50:00.000Z, but 2010-08-26T00:40:00.000Z is missing from the input`,
    });
    // 00:45 to 01:00 are all there: the same nowcast as from the whole archive.
    await nowcast(gap, join(dir, "b.zarr"), "2010-08-26T01:00Z");
    await nowcast(full, join(dir, "c.zarr"), "2010-08-26T01:00Z");
    expect(await slot(join(dir, "b.zarr"), 0)).toStrictEqual(await slot(join(dir, "c.zarr"), 0));
  });

  it("a run over many cycles goes on past those whose frames are missing and names them; the command exits 1", async () => {
    const dir = tmp("fc-gap-run");
    const gap = join(dir, "gap.zarr");
    without(gap, [8]); // 00:40: that cycle has no frame, and 00:45 to 00:55 need it
    const pipe = [
      "pipelines/radar-nowcast.yaml",
      "--set",
      `input.path=${gap}`,
      "--set",
      `output.path=${join(dir, "o.zarr")}`,
    ];
    const r = spawnSync(
      process.execPath,
      ["bin/tilecast.js", "forecast", ...pipe, "--cycle", "2010-08-26T00:35Z", "--until", "2010-08-26T01:00Z", "-q"],
      { encoding: "utf8" },
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("wrote 2 cycles (2010-08-26T00:35:00.000Z to 2010-08-26T01:00:00.000Z)");
    const missing = "4 frames end at 2010-08-26T00:MM:00.000Z, but 2010-08-26T00:40:00.000Z is missing from the input";
    expect(r.stderr.trimEnd().split("\n")).toStrictEqual([
      "  skipped   2010-08-26T00:40:00.000Z: no frame at 2010-08-26T00:40:00.000Z (the input has 2010-08-26T00:00:00.000Z to 2010-08-26T01:15:00.000Z)",
      ...["45", "50", "55"].map((m) => `  skipped   2010-08-26T00:${m}:00.000Z: ${missing.replace("MM", m)}`),
      `tilecast: ${gap}: 4 cycles skipped: their frames are missing (listed above)`,
    ]);
    // The store holds the two cycles that ran, and no slot for the others.
    const times = py<string[]>(`import xarray as xr
print(json.dumps([str(t)[:16] for t in xr.open_zarr(${JSON.stringify(join(dir, "o.zarr"))}).time.values]))`);
    expect(times).toStrictEqual(["2010-08-26T00:35", "2010-08-26T01:00"]);
    // With --json the summary (and the skipped cycles) is one object on stdout; still exit 1.
    const j = spawnSync(
      process.execPath,
      [
        "bin/tilecast.js",
        "forecast",
        ...pipe,
        "--cycle",
        "2010-08-26T00:35Z",
        "--until",
        "2010-08-26T00:45Z",
        "--json",
        "-q",
      ],
      { encoding: "utf8" },
    );
    expect(j.status).toBe(1);
    const summary = JSON.parse(j.stdout);
    expect(summary.cycles).toStrictEqual(["2010-08-26T00:35:00.000Z"]);
    expect(summary.skipped.map((k: { cycle: string }) => k.cycle)).toStrictEqual([
      "2010-08-26T00:40:00.000Z",
      "2010-08-26T00:45:00.000Z",
    ]);
    expect(j.stderr).toBe(`tilecast: ${gap}: 2 cycles skipped: their frames are missing (in the summary's skipped)\n`);
    // Where no cycle has its frames, the run is refused.
    await expect(nowcast(gap, join(dir, "none.zarr"), "2010-08-26T00:45Z", "2010-08-26T00:55Z")).rejects.toThrow(
      "no cycle from 2010-08-26T00:45Z to 2010-08-26T00:55Z has its frames: 4 frames end at 2010-08-26T00:45:00.000Z",
    );
  });

  it("the extrapolation baseline stops at a missing frame instead of bridging it", async () => {
    const dir = tmp("fc-gap-score");
    const [full, gap, shorter] = [join(dir, "full.zarr"), join(dir, "gap.zarr"), join(dir, "shorter.zarr")];
    without(full, []);
    without(gap, [8]); // 00:40: the frames before 00:50 are 00:35, (none), 00:45
    without(shorter, [7, 8]); // 00:35 and 00:40: only 00:45 and 00:50 one step apart
    const fc = join(dir, "fc.zarr");
    await nowcast(full, fc, "2010-08-26T00:50Z");
    const score = (obs: string) => evaluateNowcast(fc, obs, { thresholds: [0.1, 1] });
    const [a, b, c] = [await score(gap), await score(shorter), await score(full)];
    // Over 00:45 and 00:50 alone in both; over the whole of 00:35 to 00:50 where nothing is missing.
    expect(a.methods.extrapolation).toStrictEqual(b.methods.extrapolation);
    expect(a.methods.extrapolation).not.toStrictEqual(c.methods.extrapolation);
  });

  it("input of another step than the model learned from is refused, naming both", async () => {
    const dir = tmp("fc-step");
    const every10 = join(dir, "every10.zarr");
    without(every10, [1, 3, 5, 7, 9, 11, 13, 15]); // 00:00, 00:10, ... 01:10
    await expect(nowcast(every10, join(dir, "o.zarr"), "2010-08-26T01:00Z")).rejects.toThrow(
      /the model in .*models\/radar-nowcast was trained on frames 5 min apart; the input's are 10 min apart \(resample the input, or train on its step\)$/,
    );
  });

  it("input on cells of another size than the model learned on is refused, naming both", async () => {
    const dir = tmp("fc-cell");
    const coarse = join(dir, "coarse.zarr");
    py(`import xarray as xr
ds = xr.open_zarr(${JSON.stringify(RADAR)}).isel(time=slice(0, 16), y=slice(0, 128), x=slice(0, 128))
ds = ds.coarsen(y=2, x=2).mean().load()
ds["spatial_ref"] = xr.open_zarr(${JSON.stringify(RADAR)}).spatial_ref
for v in ds.variables.values(): v.encoding = {}
ds.to_zarr(${JSON.stringify(coarse)}, mode="w")
print("null")`);
    await expect(nowcast(coarse, join(dir, "o.zarr"), "2010-08-26T01:00Z")).rejects.toThrow(
      /the model in .*models\/radar-nowcast was trained on cells of 4000 x 4000 m; the input's are 8000 x 8000 m \(regrid the input, or train on its grid\)$/,
    );
    // Cell sizes in a CRS of kilometres are metres on the card.
    const km = cellSize({
      transform: [0, 4, 0, 0, 0, -4],
      crs: parseCrs("+proj=lcc +lat_1=30 +lat_2=60 +lat_0=45 +lon_0=10 +units=km +datum=WGS84"),
      rasterType: "area",
    });
    expect(km).toStrictEqual({ x: 4000, y: 4000, units: "m" });
  });

  it("a series stepping by calendar months is refused: leads are fixed steps", async () => {
    const store = join(tmp("fc-monthly"), "monthly.zarr");
    redatedTracer(store, {
      start: "2000-01-01",
      periods: 12,
      freq: "MS",
      calendar: "noleap",
      units: "days since 2000-01-01",
    });
    const p = await loadPipeline("pipelines/global-forecast.yaml", [
      `input.path=${store}`,
      `output.path=${join(store, "..", "o.zarr")}`,
    ]);
    await expect(runForecast(p, { cycle: "2000-06-01" })).rejects.toThrow(
      "the input steps by calendar months: a forecast's leads are fixed steps (hours, days)",
    );
  });
  it("a frame written twice or out of order is refused naming the store, by forecasts and training", async () => {
    const dir = tmp("fc-order");
    const twice = join(dir, "twice.zarr");
    const swapped = join(dir, "swapped.zarr");
    frames(twice, [0, 1, 2, 3, 4, 5, 5, 6, 7, 8, 9]);
    frames(swapped, [0, 1, 2, 3, 4, 6, 5, 7, 8, 9, 10]);
    const e = await nowcast(twice, join(dir, "t.zarr"), "2010-08-26T00:45Z").catch((x: unknown) => x);
    expect(e).toMatchObject({
      message: `${twice}: time steps must increase, but 2010-08-26T00:25:00.000Z is followed by 2010-08-26T00:25:00.000Z`,
    });
    const train = tilecast(
      "train",
      "pipelines/radar-nowcast-train.yaml",
      "--set",
      `input.path=${swapped}`,
      "--set",
      `train.output=${join(dir, "model")}`,
      "--set",
      `train.checkpoints=${join(dir, "ckpt")}`,
    );
    expect(train.code).not.toBe(0);
    expect(train.stderr).toBe(
      `tilecast: ${swapped}: time steps must increase, but 2010-08-26T00:30:00.000Z is followed by 2010-08-26T00:25:00.000Z\n`,
    );
  });
});
