/**
 * Affine geotransforms in GDAL order `[x0, dx, rx, y0, ry, dy]`:
 *
 *   X = x0 + col * dx + row * rx
 *   Y = y0 + col * ry + row * dy
 *
 * where (col, row) are pixel-corner coordinates: (0, 0) is the top-left corner of the top-left
 * pixel, (0.5, 0.5) its centre. `rx`/`ry` are the rotation (shear) terms, 0 for north-up grids.
 *
 * @example
 * ```ts
 * import { pixelToWorld, worldToPixel } from "tilecast";
 * const gt = [500000, 10, 0, 4600000, 0, -10] as const;
 * pixelToWorld(gt, 0.5, 0.5); // [500005, 4599995]
 * worldToPixel(gt, 500005, 4599995); // [0.5, 0.5]
 * ```
 */
import { TilecastError } from "../errors.js";
import type { Window } from "./window.js";

/** A GDAL-order affine geotransform. */
export type GeoTransform = readonly [number, number, number, number, number, number];

/** The identity transform GDAL reports for rasters without georeferencing. */
export const IDENTITY_TRANSFORM: GeoTransform = [0, 1, 0, 0, 0, 1];

/** World coordinates of pixel-corner coordinates `(col, row)`. */
export function pixelToWorld(gt: GeoTransform, col: number, row: number): [number, number] {
  return [gt[0] + col * gt[1] + row * gt[2], gt[3] + col * gt[4] + row * gt[5]];
}

/** Pixel-corner coordinates of world point `(X, Y)`; throws when the transform is singular. */
export function worldToPixel(gt: GeoTransform, X: number, Y: number): [number, number] {
  const det = gt[1] * gt[5] - gt[2] * gt[4];
  if (det === 0) throw new TilecastError("E_ARGUMENT", "geotransform is singular (determinant 0)");
  const dx = X - gt[0];
  const dy = Y - gt[3];
  return [(gt[5] * dx - gt[2] * dy) / det, (-gt[4] * dx + gt[1] * dy) / det];
}

/** The transform of a sub-window: the same pixel size, its origin moved to the window's corner. */
export function windowTransform(gt: GeoTransform, w: Pick<Window, "x" | "y">): GeoTransform {
  const [x0, y0] = pixelToWorld(gt, w.x, w.y);
  return [x0, gt[1], gt[2], y0, gt[4], gt[5]];
}

/** `[minX, minY, maxX, maxY]` of a `width x height` raster (all four corners, so rotation counts). */
export function bounds(gt: GeoTransform, width: number, height: number): [number, number, number, number] {
  const corners = [
    pixelToWorld(gt, 0, 0),
    pixelToWorld(gt, width, 0),
    pixelToWorld(gt, 0, height),
    pixelToWorld(gt, width, height),
  ];
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** True when the transform has no rotation terms. */
export function isNorthUp(gt: GeoTransform): boolean {
  return gt[2] === 0 && gt[4] === 0;
}

/**
 * Shift a transform by half a pixel. GDAL reports PixelIsPoint rasters with the transform of
 * pixel corners (the tiepoint, which names a pixel centre, moved half a pixel up-left): this is
 * that shift, `sign = -1` from centre to corner and `+1` back.
 */
export function shiftHalfPixel(gt: GeoTransform, sign: 1 | -1): GeoTransform {
  const [x0, y0] = pixelToWorld(gt, 0.5 * sign, 0.5 * sign);
  return [x0, gt[1], gt[2], y0, gt[4], gt[5]];
}

/**
 * Whether a geotransform's pixel axes are parallel or of zero length: the sine of the angle
 * between them, not the determinant, which underflows for tiny (valid) pixel sizes.
 */
export function isSingular(gt: readonly number[]): boolean {
  const [, a, b, , d, e] = gt as [number, number, number, number, number, number];
  const col = Math.hypot(a, d);
  const row = Math.hypot(b, e);
  return col === 0 || row === 0 || (a / col) * (e / row) - (b / row) * (d / col) === 0;
}
