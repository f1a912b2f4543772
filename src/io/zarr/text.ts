/**
 * Arrays of text: a `band` coordinate of names (`["B02", "B03", "B04"]`, as stackstac and
 * odc-stac stores carry them), ERA5's `expver`, station names. numpy's fixed-width unicode and
 * bytes (`<U3`, `|S3`), its objects of vlen-utf8 text and Zarr v3's `string` all read as strings.
 */
import * as zarr from "zarrita";
import { errorLine, TilecastError } from "../../errors.js";
import { checkBudget } from "../../util/budget.js";
import type { ZarrArrayInfo } from "./dataset.js";
import { boundedQueue } from "./get-queue.js";

/** True for a zarrita dtype of text. */
export function isTextDtype(dtype: string): boolean {
  return dtype.startsWith("v2:U") || dtype.startsWith("v2:S") || dtype === "v2:object" || dtype === "string";
}

/**
 * Values `[start, stop)` (all by default) of a 1-D text array as strings; an error names the
 * array and the store (`where`) when they are not text (numpy objects of another kind).
 */
export async function readText(
  info: ZarrArrayInfo,
  where: string,
  range: readonly [number, number] = [0, info.shape[0] ?? 0],
): Promise<string[]> {
  // Each value at least a few bytes; the budget refuses a lying shape before zarrita walks it.
  checkBudget((range[1] - range[0]) * 16, `reading ${range[1] - range[0]} labels of '${info.name}'`, where);
  let data: Iterable<unknown>;
  try {
    const r = await zarr.get(info.array, [zarr.slice(range[0], range[1])], { createQueue: () => boundedQueue() });
    data = (r as { data: Iterable<unknown> }).data;
  } catch (e) {
    throw new TilecastError("E_CORRUPT", `cannot read text array '${info.name}' (${errorLine(e)})`, {
      path: where,
      cause: e,
    });
  }
  return Array.from(data, (v, i) => {
    if (typeof v !== "string")
      throw new TilecastError(
        "E_UNSUPPORTED",
        `array '${info.name}' holds ${v === null ? "null" : typeof v} at index ${range[0] + i}, not text`,
        { path: where },
      );
    return v;
  });
}
