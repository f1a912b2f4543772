/**
 * Climate models' calendars (CMIP's `noleap` and `360_day`, `all_leap`, and `julian`): time
 * coordinates decode to cftime's dates, labelled with their calendar, value by value against
 * cftime; a store of them reads, converts to Zarr and GeoTIFF and back with its calendar kept
 * (xarray reads the outputs as the same cftime dates), and trains sequence models on steps that
 * are regular in the model's calendar. Before, every such store was refused.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { TilecastError } from "../../../src/errors.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { decodeCfTime } from "../../../src/io/zarr/cf-time.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { selectBackend } from "../../../src/nn/backend.js";
import { loadPipeline } from "../../../src/pipeline/config.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { frameTimes } from "../../../src/pipeline/forecast.js";
import { normalizeStats, openInput, planFor } from "../../../src/pipeline/input.js";
import { trainPipeline } from "../../../src/pipeline/train.js";
import { stateData } from "../../../src/pipeline/train-state.js";
import { checkRegular, timeSplit } from "../../../src/train/sequences.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { redatedTracer } from "../../helpers/tracer.js";
import { tmp } from "../../helpers/write.js";

const UNITS = [
  "days since 2000-01-01",
  "hours since 1999-12-31 18:00 +06:00",
  "days since 0000-01-01",
  "months since 2000-01-15",
  "common_years since 2000-01-01",
  "seconds since 1970-1-1",
  "days since 2000-02-29",
  "days since 2000-02-30",
  "minutes since 1850-01-01 00:00:00",
  "days since 1-1-1",
  "hours since 1582-10-10",
];
const CALENDARS = ["noleap", "365_day", "all_leap", "366_day", "360_day", "julian"];
/** Steps either side of month ends and February 29, a quarter day, a third of one, a century. */
const VALUES = [0, 1, 58, 59, 60, 365, 1460.25, -1, 36524, 0.5, 1 / 3];

/** Python: cftime's dates of a coordinate as tilecast's labels. */
const LABEL = `CANON = {"365_day": "noleap", "366_day": "all_leap"}
def label(v, c): return f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{round(v.microsecond / 1000):03d}Z ({CANON.get(c, c)})"
`;

describe.skipIf(!hasGdal)("climate model calendars, as cftime decodes them", () => {
  beforeAll(async () => {
    await selectBackend({ prefer: "wasm" });
  });

  it("decode to cftime's dates in every calendar CF names, or are refused where cftime refuses", () => {
    const want = py<Record<string, string[] | string>>(`import cftime, warnings
warnings.simplefilter("ignore")
${LABEL}
out = {}
for u in ${JSON.stringify(UNITS)}:
    for c in ${JSON.stringify(CALENDARS)}:
        try: out[u + "|" + c] = [label(v, c) for v in cftime.num2date(${JSON.stringify(VALUES)}, u, c)]
        except Exception as e: out[u + "|" + c] = "error: " + str(e)[:60]
print(json.dumps(out))`);
    let decoded = 0;
    for (const u of UNITS)
      for (const c of CALENDARS) {
        const key = `${u}|${c}`;
        const ref = want[key];
        let got: string[] | string;
        try {
          got = decodeCfTime(VALUES, u, c);
        } catch (e) {
          if (!(e instanceof TilecastError)) throw e;
          got = e.message;
        }
        if (typeof ref === "string") expect(got, `${key}: cftime ${ref}`).toBeTypeOf("string");
        else if (typeof got === "string")
          // Refused only where cftime gives a year outside 0-9999 (labels have four digits).
          expect(
            ref.some((l) => !/^\d{4}-/.test(l)),
            `${key}: ${got}`,
          ).toBe(true);
        else {
          expect(got, key).toStrictEqual(ref);
          decoded++;
        }
      }
    // Cases that prove the point: 360_day's February 30, a noleap year of 365 days from year 0,
    // cftime's months (360_day) and common years (noleap), a Julian February 29 of 1900.
    expect(decoded).toBeGreaterThanOrEqual(30);
    expect(decodeCfTime([59], "days since 2000-01-01", "360_day")).toStrictEqual([
      "2000-02-30T00:00:00.000Z (360_day)",
    ]);
    expect(decodeCfTime([59], "days since 2000-01-01", "noleap")).toStrictEqual(["2000-03-01T00:00:00.000Z (noleap)"]);
    expect(decodeCfTime([59], "days since 1900-01-01", "julian")).toStrictEqual(["1900-02-29T00:00:00.000Z (julian)"]);
    expect(() => decodeCfTime([1], "months since 2000-01-01", "noleap")).toThrow(
      "cannot decode time units 'months since 2000-01-01': months are a unit of the 360_day calendar only",
    );
  });

  /** A noleap 6-hourly series across February and a 360_day daily one, written by xarray. */
  function stores(dir: string): { noleap: string; d360: string; want: Record<string, string[]> } {
    mkdirSync(dir, { recursive: true });
    const noleap = join(dir, "noleap.zarr");
    const d360 = join(dir, "d360.zarr");
    const want = py<Record<string, string[]>>(`import xarray as xr, warnings
warnings.simplefilter("ignore")
${LABEL}
def write(path, times, calendar, units):
    ds = xr.Dataset({"tas": (("time", "lat", "lon"), np.arange(len(times) * 12, dtype="float32").reshape(len(times), 3, 4))},
                    coords={"time": times, "lat": [10.0, 5.0, 0.0], "lon": [0.0, 5.0, 10.0, 15.0]})
    ds.time.encoding.update({"units": units, "calendar": calendar})
    ds.to_zarr(path, mode="w")
    back = xr.open_zarr(path).time.values
    return [label(v, calendar) for v in back]
print(json.dumps({
    "noleap": write(${JSON.stringify(noleap)}, xr.cftime_range("2000-02-27T12", periods=8, freq="6H", calendar="noleap"), "noleap", "hours since 1850-01-01"),
    "d360": write(${JSON.stringify(d360)}, xr.cftime_range("2001-02-27", periods=6, freq="D", calendar="360_day"), "360_day", "days since 2001-01-01"),
}))`);
    return { noleap, d360, want };
  }

  it("a store reads with cftime's dates, and steps regular in its calendar train", async () => {
    const { noleap, d360, want } = stores(tmp("cal-stores"));
    const a = await openZarrSource(noleap);
    expect(a.meta.attrs.bandNames).toStrictEqual(want.noleap);
    // 2000-02-28T18 to 2000-03-01T00 is one 6-hour step in a model year without February 29.
    expect(want.noleap?.slice(5, 7)).toStrictEqual([
      "2000-02-28T18:00:00.000Z (noleap)",
      "2000-03-01T00:00:00.000Z (noleap)",
    ]);
    expect(checkRegular(a.meta.attrs.bandNames as string[])).toStrictEqual({
      stepMs: 6 * 3_600_000,
      gaps: [],
      cadence: "fixed",
    });
    // As Gregorian instants the same dates would have a 30-hour hole there.
    expect(() => checkRegular((want.noleap ?? []).map((l) => l.replace(" (noleap)", "")))).toThrow(
      "time steps are 360 min apart but 2000-02-28T18:00:00.000Z is followed by 2000-03-01T00:00:00.000Z",
    );
    expect(Array.from((await a.readWindow({ x: 0, y: 0, width: 4, height: 1 }, { bands: [3] })).data)).toStrictEqual([
      36, 37, 38, 39,
    ]);
    // A nowcast and its scores run on real time: refused by name, with the way out.
    expect(() => frameTimes(a)).toThrow(
      "the input's times are dates of the noleap calendar, not instants: nowcasts run on real times",
    );
    await a.close();

    const b = await openZarrSource(d360);
    const times = b.meta.attrs.bandNames as string[];
    expect(times.slice(2, 4)).toStrictEqual([
      "2001-02-29T00:00:00.000Z (360_day)",
      "2001-02-30T00:00:00.000Z (360_day)",
    ]);
    expect(checkRegular(times).gaps).toStrictEqual([]);
    // The split date is a date of the model's calendar: 2001-02-30 exists there.
    expect(timeSplit(times, 2, 1, "2001-02-30")).toStrictEqual({ train: [0], validation: [3], straddling: 2 });
    expect(() => timeSplit(times, 2, 1, "2001-02-31")).toThrow(
      "train.sequence.until: '2001-02-31' is not a time of the input's 360_day calendar",
    );
    await b.close();
  });

  it("converts to Zarr and to GeoTIFF and back with its calendar: xarray reads the same dates", async () => {
    const dir = tmp("cal-convert");
    const { noleap, d360, want } = stores(dir);
    for (const [name, store] of [
      ["noleap", noleap],
      ["d360", d360],
    ] as const) {
      const zarr = join(dir, `${name}.out.zarr`);
      const tif = join(dir, `${name}.tif`);
      const again = join(dir, `${name}.again.zarr`);
      await convertRaster(store, zarr);
      await convertRaster(store, tif);
      await convertRaster(tif, again);
      const tiff = await openGeoTiff(tif);
      expect(tiff.meta.attrs.bandNames, name).toStrictEqual(want[name]);
      await tiff.close();
      const calendar = name === "noleap" ? "noleap" : "360_day";
      const back = py<Record<string, { times: string[]; calendar: string; sum: number }>>(`import xarray as xr, warnings
warnings.simplefilter("ignore")
${LABEL}
out = {}
for p in ${JSON.stringify([zarr, again])}:
    ds = xr.open_zarr(p)
    v = ds[list(ds.data_vars)[0]]
    out[p] = {"times": [label(t, ${JSON.stringify(calendar)}) for t in ds.time.values], "calendar": ds.time.encoding["calendar"], "sum": float(v.sum())}
print(json.dumps(out))`);
      const n = want[name]?.length ?? 0;
      for (const p of [zarr, again]) {
        expect(back[p]?.times, p).toStrictEqual(want[name]);
        expect(back[p]?.calendar, p).toBe(calendar);
        expect(back[p]?.sum, p).toBe(((n * 12 - 1) * n * 12) / 2);
      }
    }
  });

  it("a global model trains on a noleap store: February 28 to March 1 is one 6-hour step", async () => {
    const dir = tmp("cal-train");
    mkdirSync(dir, { recursive: true });
    const store = join(dir, "tracer-noleap.zarr");
    // The tracer fixture's first 48 steps, re-dated from 2000-02-20 in a model calendar without
    // February 29 (2000 is a Gregorian leap year, so read as instants the series would have a hole).
    redatedTracer(store, {
      start: "2000-02-20",
      periods: 48,
      freq: "6H",
      calendar: "noleap",
      units: "hours since 2000-01-01",
    });
    const p = await loadPipeline("pipelines/global-forecast-train.yaml", [
      `input.path=${store}`,
      `train.output=${join(dir, "m")}`,
      `train.checkpoints=${join(dir, "m.train")}`,
      "train.epochs=1",
      "train.onnx=false",
      'train.sequence.until="2000-03-01T00:00:00Z"',
      "model.blocks=1",
      "model.filters=4",
    ]);
    const src = await openInput(p);
    const stats = await normalizeStats(p.normalize as NonNullable<typeof p.normalize>, p, src, planFor(p, src));
    const t = p.train as NonNullable<typeof p.train>;
    // March 1 is step 36 (nine model days): pairs (s, s+1 -> s+2) end before it for s <= 33,
    // start at or after it for s >= 36; two straddle it.
    expect(stateData({ p, t, src, stats }).counts).toStrictEqual({
      unit: "pairs",
      train: 34,
      validation: 10,
      dropped: 2,
    });
    await src.close();
    const r = await trainPipeline(p, { force: true });
    expect(r.history).toHaveLength(1);
    expect(Number.isFinite(r.history[0]?.loss)).toBe(true);
    // The card records the step (6 h) and cell size it learned at, which a forecast checks its
    // input against.
    expect(JSON.parse(readFileSync(join(dir, "m", "card.json"), "utf8")).frames).toStrictEqual({
      input: 2,
      output: 1,
      stepMinutes: 360,
      cell: { x: 5.625, y: 5.625, units: "degree" },
    });
  });
});
