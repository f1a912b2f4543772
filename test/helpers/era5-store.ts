/**
 * An ERA5-like store written by xarray: `t2m` in K and `tp` packed as int16 in m (`scale_factor`
 * 0.001), both `(time, latitude, longitude)` on 2 x 4 x 5 cells at 0.25 degrees, with a shared
 * `GRIB_centre` and a `long_name` each.
 */
import { join } from "node:path";
import { py } from "./gdal.js";

/** Write the store in `dir` and return its path. */
export function era5Store(dir: string): string {
  const store = join(dir, "era5.zarr");
  py(`import xarray as xr
lat = 50 - 0.25 * np.arange(4); lon = 0.25 * np.arange(5)
t2m = (280 + np.arange(40).reshape(2, 4, 5) / 4).astype("f4")
tp = 0.001 * np.arange(40).reshape(2, 4, 5)
ds = xr.Dataset({
  "t2m": (("time", "latitude", "longitude"), t2m, {"units": "K", "long_name": "2 metre temperature", "GRIB_centre": "ecmf"}),
  "tp": (("time", "latitude", "longitude"), tp, {"units": "m", "long_name": "Total precipitation", "GRIB_centre": "ecmf"}),
}, coords={"latitude": lat, "longitude": lon, "time": ("time", [0, 6], {"units": "hours since 2024-01-01"})})
ds.to_zarr(${JSON.stringify(store)}, encoding={"tp": {"dtype": "i2", "scale_factor": 0.001, "_FillValue": -32767}})
print("null")`);
  return store;
}
