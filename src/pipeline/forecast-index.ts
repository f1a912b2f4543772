/**
 * What a forecast product store holds ({@link writeForecastSlot}'s layout): its cycles (ISO
 * reference times), lead times in minutes and the forecast variable (the first with four dims
 * unless named). Scoring reads it before reading any forecast.
 */
import { TilecastError } from "../errors.js";
import { openZarr } from "../io/zarr/dataset.js";
import { coordLabels } from "../io/zarr/variables.js";

/** The store's cycles, leads and variable; an error naming the store when it is not one. */
export async function forecastIndex(
  path: string,
  variable?: string,
): Promise<{ cycles: string[]; leads: number[]; variable: string }> {
  const ds = await openZarr(path, { cacheBytes: 0 });
  const timeArr = ds.arrays.get("time");
  const leadArr = ds.arrays.get("lead_time");
  if (!timeArr || !leadArr)
    throw new TilecastError("E_FORMAT", "not a forecast store: no time and lead_time coordinates", { path });
  const name = variable ?? [...ds.arrays.values()].find((a) => a.dims.length === 4)?.name;
  if (!name) throw new TilecastError("E_FORMAT", "no (time, lead_time, y, x) variable", { path });
  const cycles = await coordLabels(timeArr, path);
  if (cycles.length === 0) throw new TilecastError("E_ARGUMENT", "the store holds no cycles", { path });
  return { cycles, leads: (await coordLabels(leadArr, path)).map(Number), variable: name };
}
