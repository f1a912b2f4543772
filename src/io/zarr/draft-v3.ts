/**
 * The draft of Zarr v3 that GDAL 3.4-3.7 (`-co FORMAT=ZARR_V3`) and zarr-python 2's experimental
 * v3 wrote: its root `zarr.json` names the core protocol by URL, and its arrays lie under `meta/`
 * and `data/`. No final v3 reader reads it; tilecast refuses it by name (it read as "store holds
 * no arrays").
 *
 * Internal (used by dataset.ts).
 */
import { TilecastError } from "../../errors.js";

/** Refuse a store whose root `zarr.json` (`rootDoc`) is the draft's. */
export function refuseDraftV3(rootDoc: Uint8Array | undefined, path: string): void {
  let format: unknown;
  try {
    format = rootDoc && (JSON.parse(new TextDecoder().decode(rootDoc)) as { zarr_format?: unknown }).zarr_format;
  } catch {
    return; // malformed metadata is named where the arrays are read
  }
  if (typeof format === "string" && format.includes("/protocol/core/3"))
    throw new TilecastError(
      "E_UNSUPPORTED",
      "a store in the draft of Zarr v3 (meta/ and data/, as GDAL 3.4-3.7 and zarr-python 2 wrote it), which tilecast does not read: write it as Zarr v2 or final v3 (GDAL 3.8 or later, zarr-python 3)",
      { path },
    );
}
