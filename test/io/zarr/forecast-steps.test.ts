/**
 * Forecast steps as cfgrib gives them (GFS or ECMWF open data read with xarray and written to
 * Zarr): a `step` dimension of hours after the run, and the valid times beside it in
 * `valid_time`, which the variable names in its `coordinates`. Its bands are labelled with the
 * valid times, as GDAL labels a GRIB file's bands (`band-times.test.ts`), so a forecast or a
 * sequence model reads it as a time series. Before, the bands were "0", "6", "12", "18".
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { frameTimes } from "../../../src/pipeline/forecast.js";
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
});
