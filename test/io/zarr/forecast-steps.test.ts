/**
 * Forecast steps as cfgrib gives them (GFS or ECMWF open data read with xarray and written to
 * Zarr): a `step` dimension of hours after the run, and the valid times beside it in
 * `valid_time`, which the variable names in its `coordinates`. Its bands are labelled with the
 * valid times, as GDAL labels a GRIB file's bands (`band-times.test.ts`), so a forecast or a
 * sequence model reads it as a time series. Before, the bands were "0", "6", "12", "18".
 * A forecast archive's runs (`init_time`, `lead_time`, with `valid_time (init_time, lead_time)`,
 * as dynamical.org keeps GFS) read one run at a time with `--index init_time=N`: its bands are
 * labelled with that run's valid times. Before, they were its lead times' numbers.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { frameTimes } from "../../../src/pipeline/forecast.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

describe.skipIf(!hasGdal)("forecast steps", () => {
  it("are labelled with the valid times named beside them; without them, with the steps", async () => {
    const dir = tmp("steps");
    const store = join(dir, "gfs.zarr");
    const bare = join(dir, "bare.zarr");
    const want = py<string[]>(`import xarray as xr
step = np.array([0, 6, 12, 18], dtype="timedelta64[h]").astype("timedelta64[ns]")
t0 = np.datetime64("2024-01-01T12", "ns")
coords = {"step": step, "latitude": [50.0, 49.75, 49.5, 49.25], "longitude": np.arange(5) * 0.25}
ds = xr.Dataset({"t2m": (("step", "latitude", "longitude"), np.arange(80, dtype="f4").reshape(4, 4, 5))},
                coords={**coords, "time": t0, "valid_time": ("step", t0 + step), "heightAboveGround": 2.0})
ds.to_zarr(${JSON.stringify(store)}, mode="w")
ds.drop_vars(["valid_time", "time"]).to_zarr(${JSON.stringify(bare)}, mode="w")
print(json.dumps([np.datetime_as_string(v, unit="ms") + "Z" for v in xr.open_zarr(${JSON.stringify(store)}).valid_time.values]))`);
    expect(want).toStrictEqual([
      "2024-01-01T12:00:00.000Z",
      "2024-01-01T18:00:00.000Z",
      "2024-01-02T00:00:00.000Z",
      "2024-01-02T06:00:00.000Z",
    ]);
    const src = await openZarrSource(store);
    expect(src.meta.attrs.bandNames).toStrictEqual(want);
    expect(frameTimes(src)).toStrictEqual(want.map((t) => Date.parse(t)));
    await src.close();
    const plain = await openZarrSource(bare);
    expect(plain.meta.attrs.bandNames).toStrictEqual(["0", "6", "12", "18"]);
    await plain.close();
    // A Zarr output is a time series xarray reads with those times.
    const out = join(dir, "out.zarr");
    await convertRaster(store, out);
    const back = py<{ times: string[]; sum: number }>(`import xarray as xr
ds = xr.open_zarr(${JSON.stringify(out)})
print(json.dumps({"times": [np.datetime_as_string(v, unit="ms") + "Z" for v in ds.time.values], "sum": float(ds[list(ds.data_vars)[0]].sum())}))`);
    expect(back).toStrictEqual({ times: want, sum: (79 * 80) / 2 });
  });

  it("of one run of a forecast archive are labelled with that run's valid times", async () => {
    const store = join(tmp("archive"), "archive.zarr");
    py(`import xarray as xr, pandas as pd
lead = pd.to_timedelta([0, 3, 6], unit="h")
init = pd.to_datetime(["2024-01-01T00", "2024-01-01T06"])
ds = xr.Dataset({"t2m": (("init_time", "lead_time", "latitude", "longitude"), np.arange(240, dtype="f4").reshape(2, 3, 5, 8))},
                coords={"init_time": init, "lead_time": lead, "latitude": 50 - np.arange(5.0), "longitude": 10 + np.arange(8.0)})
ds.coords["valid_time"] = ds.init_time + ds.lead_time
ds.to_zarr(${JSON.stringify(store)}, mode="w")
print("null")`);
    const src = await openZarrSource(store, { index: { init_time: 1 } });
    expect(src.meta.attrs.bandNames).toStrictEqual([
      "2024-01-01T06:00:00.000Z",
      "2024-01-01T09:00:00.000Z",
      "2024-01-01T12:00:00.000Z",
    ]);
    const g = await src.readWindow({ x: 0, y: 0, width: 1, height: 1 }, { bands: [2] });
    expect(g.data[0]).toBe(200); // run 1, lead 2: (1 * 3 + 2) * 40
    await src.close();
    // inspect gives the lead times their unit, as it gives a variable its own.
    expect(tilecast("inspect", store).stdout).toContain("    lead_time    (lead_time) int64, hours: 0, 3, 6\n");
  });
});
