/**
 * Whether two rasters lie on one grid: the same size, both georeferenced or neither, the same
 * transform (to a billionth of each value) and the same CRS. Callers word the difference for their
 * case (labels beside an image, variables stacked as bands).
 *
 * @example
 * ```ts
 * import { gridMismatch } from "tilecast";
 * const g = { width: 4, height: 3, georef: null };
 * gridMismatch(g, { ...g, width: 5 }); // "size"
 * ```
 */
import { sameCrs } from "./crs.js";
import type { Georef } from "./grid.js";

/** What a raster needs for {@link gridMismatch}. */
export interface GridShape {
  readonly width: number;
  readonly height: number;
  readonly georef: Georef | null;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** The first way `b` is off `a`'s grid, or null when it is on it. */
export function gridMismatch(a: GridShape, b: GridShape): "size" | "georef" | "transform" | "crs" | null {
  if (a.width !== b.width || a.height !== b.height) return "size";
  const [ga, gb] = [a.georef, b.georef];
  if (!ga !== !gb) return "georef";
  if (ga && gb && !ga.transform.every((v, i) => close(v, gb.transform[i] as number))) return "transform";
  if (ga && gb && !sameCrs(ga.crs, gb.crs)) return "crs";
  return null;
}
