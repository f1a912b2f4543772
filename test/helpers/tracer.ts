/**
 * The global tracer fixture's first steps re-dated by xarray in a calendar of choice (a climate
 * model's `noleap`, say), written as a Zarr store: input for the calendar tests of training,
 * forecasts and their scores.
 */
import { py } from "./gdal.js";

/** What the re-dating takes: xarray's `cftime_range` arguments and the time units to encode. */
export interface Redating {
  start: string;
  periods: number;
  /** A pandas frequency: `6H`, `D`, `MS`. */
  freq: string;
  /** A CF calendar name (`standard`, `noleap`, `360_day`). */
  calendar: string;
  units: string;
}

/** Write the tracer fixture's first `periods` steps to `path`, dated as `r` says. */
export function redatedTracer(path: string, r: Redating): void {
  py(`import xarray as xr, warnings
warnings.simplefilter("ignore")
ds = xr.open_zarr("fixtures/global-tracer/tracer-5.625deg-6h.zarr").isel(time=slice(0, ${r.periods})).load()
for v in ds.variables.values(): v.encoding = {}
ds = ds.assign_coords(time=xr.cftime_range(${JSON.stringify(r.start)}, periods=${r.periods}, freq=${JSON.stringify(r.freq)}, calendar=${JSON.stringify(r.calendar)}))
ds.time.encoding.update({"units": ${JSON.stringify(r.units)}, "calendar": ${JSON.stringify(r.calendar)}})
ds.to_zarr(${JSON.stringify(path)}, mode="w")
print("null")`);
}
