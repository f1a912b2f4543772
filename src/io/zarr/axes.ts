/**
 * Uneven 1-D coordinates on the way to a Zarr output (`Georef.axes`): a Gaussian grid's latitudes,
 * placed by a transform that approximates them, or a stretched grid's, placed by GCPs that sample
 * them. An output written from a window of such a raster takes the window's part of them, so
 * xarray reads back the source's coordinates, not the transform's even spacing.
 *
 * They are written only where they still describe the raster: long enough for its window, each
 * cell within a twentieth of a step of where the transform puts it (a transform changed on the
 * way, such as a resampling, drops them), or at every GCP exactly.
 *
 * Internal to the Zarr writer; for example:
 * ```ts internal
 * exactAxes(georef, 192, 96)?.y; // the 96 Gaussian latitudes, north first
 * ```
 */
import { type Georef, placingTransform } from "../../grid/grid.js";

/** How far, in steps, a coordinate may be from where the transform puts its cell (as georef.ts). */
const NEAR = 0.05;

/** A raster's own part of its georef's axes, as they are written; null where they do not fit it. */
export function exactAxes(
  g: Georef | null | undefined,
  width: number,
  height: number,
): { x: Float64Array; y: Float64Array } | null {
  const a = g?.axes;
  if (!a || a.x0 < 0 || a.y0 < 0 || a.x0 + width > a.x.length || a.y0 + height > a.y.length) return null;
  const x = a.x.subarray(a.x0, a.x0 + width);
  const y = a.y.subarray(a.y0, a.y0 + height);
  const gt = placingTransform(g);
  if (gt) {
    if (gt[2] !== 0 || gt[4] !== 0) return null;
    const fits = (v: Float64Array, origin: number, step: number) =>
      v.every((c, i) => Math.abs(c - (origin + (i + 0.5) * step)) <= Math.abs(step) * NEAR);
    return fits(x, gt[0], gt[1]) && fits(y, gt[3], gt[5]) ? { x, y } : null;
  }
  // The GCPs inside the raster (a window keeps its source's others, off its edges).
  const inside = (g?.gcps ?? []).filter((p) => p.pixel > 0 && p.line > 0 && p.pixel < width && p.line < height);
  const on = inside.every((p) => x[p.pixel - 0.5] === p.x && y[p.line - 0.5] === p.y);
  return inside.length > 0 && on ? { x, y } : null;
}
