/**
 * The observations a forecast store is scored against (`tilecast evaluate`): a Zarr store's
 * variable, or any raster whose bands are times, such as the GeoTIFF time series GDAL makes of
 * a netCDF file, which `forecast` and `nowcast` take as input. Packed values are unpacked, as
 * the forecast read them (`io/unpack.ts`). Before, observations had to be a Zarr store, so a
 * nowcast made from a GeoTIFF series could not be scored against it ("not a Zarr store").
 *
 * Internal (used by `evaluate-nowcast.ts` and `evaluate-global.ts`).
 */
import type { TypedArray } from "../grid/dtype.js";
import { detectFormat, openSource } from "../io/registry.js";
import type { GridSource } from "../io/types.js";
import { unpackSource } from "../io/unpack.js";

/** Open `path` as observations of `variable` (a store's variable; other formats have bands only). */
export async function openObservations(path: string, variable: string): Promise<GridSource> {
  const stores = (await detectFormat(path)).variables;
  return unpackSource(await openSource(path, stores ? { variable } : {}));
}

/** A frame's values as float32 (an observation raster may hold integers). */
export function asFloat32(data: TypedArray): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
}
