/**
 * Cropping a raster grid `(band, y, x)` to a sub-window.
 *
 * @example
 * ```ts
 * import { createGrid, cropGrid } from "tilecast";
 * const g = createGrid("uint8", [1, 4, 4], { data: Uint8Array.from({ length: 16 }, (_, i) => i) });
 * Array.from(cropGrid(g, { x: 0, y: 0, width: 4, height: 4 }, { x: 1, y: 1, width: 2, height: 2 }).data);
 * // [5, 6, 9, 10]
 * ```
 */
import { TilecastError } from "../errors.js";
import { allocate } from "./dtype.js";
import { createGrid, type Grid, windowGeoref } from "./grid.js";
import { contains, relativeTo, type Window } from "./window.js";

/** Crop `g`, which covers `frame`, to `target` (a window inside `frame`, same pixel space). */
export function cropGrid<G extends Grid>(g: G, frame: Window, target: Window): G {
  if (!contains(frame, target)) throw new TilecastError("E_ARGUMENT", "crop target lies outside the grid");
  const [bands, h, w] = g.shape as [number, number, number];
  if (h !== frame.height || w !== frame.width)
    throw new TilecastError("E_ARGUMENT", "grid shape differs from its frame");
  const r = relativeTo(target, frame);
  const n = target.width * target.height;
  const data = allocate(g.dtype, bands * n);
  const mask = g.mask ? new Uint8Array(bands * n) : null;
  for (let b = 0; b < bands; b++) {
    for (let y = 0; y < target.height; y++) {
      const s = b * h * w + (r.y + y) * w + r.x;
      const d = b * n + y * target.width;
      data.set(g.data.subarray(s, s + target.width) as never, d);
      if (mask && g.mask) mask.set(g.mask.subarray(s, s + target.width), d);
    }
  }
  return createGrid(g.dtype, [bands, target.height, target.width], {
    data,
    dims: g.dims,
    georef: g.georef ? windowGeoref(g.georef, r) : null,
    nodata: g.nodata,
    mask,
    attrs: g.attrs,
  }) as G;
}
