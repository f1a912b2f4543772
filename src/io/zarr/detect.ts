/** Recognising a local Zarr store: a directory with zarr.json, .zgroup, .zarray or .zmetadata. */
import { stat } from "node:fs/promises";
import { join } from "node:path";

/** True when `path` is a directory that looks like a Zarr store. */
export async function isZarrStore(path: string): Promise<boolean> {
  const s = await stat(path).catch(() => null);
  if (!s?.isDirectory()) return false;
  for (const f of ["zarr.json", ".zgroup", ".zarray", ".zmetadata"]) {
    if (await stat(join(path, f)).catch(() => null)) return true;
  }
  return path.replace(/\/+$/, "").endsWith(".zarr");
}
