/**
 * Output regions of the stitcher: an open region accumulates its covering tiles' predictions
 * (values where one tile covers it, weighted sums and weight sums at seams), and is finalized
 * into a grid of the output dtype once its last tile has arrived: sums divided by weights,
 * integers rounded and clamped, uncovered or invalid cells nodata (or masked when there is none).
 *
 * Internal to the stitcher (exported for it); for example:
 * ```ts internal
 * finalizeRegion(open, "float32", Number.NaN); // { window, grid }
 * ```
 */
import { allocate, DTYPE_INFO, type DType } from "../grid/dtype.js";
import { createGrid, type Grid } from "../grid/grid.js";
import type { Window } from "../grid/window.js";

/** A finished piece of the output. */
export interface Region {
  readonly window: Window;
  readonly grid: Grid;
}

/** A region still receiving tiles. */
export interface OpenRegion {
  window: Window;
  remaining: number;
  single: boolean;
  /** single: the values; seams: weighted sums (`bands * n`). */
  sum: Float32Array | Float64Array;
  /** single: 1 where valid; seams: weight sums (`n`). */
  weight: Uint8Array | Float64Array;
}

/** The region's grid; see the module documentation. */
export function finalizeRegion(r: OpenRegion, dtype: DType, nodata: number | null): Region {
  const n = r.window.width * r.window.height;
  const bands = r.sum.length / Math.max(n, 1);
  const out = allocate(dtype, bands * n);
  const int = !dtype.startsWith("float");
  const { min, max } = DTYPE_INFO[dtype];
  let mask: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const w = r.weight[i] as number;
    for (let b = 0; b < bands; b++) {
      const k = b * n + i;
      if (w === 0) {
        if (nodata === null) {
          mask ??= new Uint8Array(bands * n).fill(1);
          mask[k] = 0;
        } else out[k] = nodata;
        continue;
      }
      let v = r.single ? (r.sum[k] as number) : (r.sum[k] as number) / w;
      if (int) v = Math.min(max, Math.max(min, Math.round(v)));
      out[k] = v;
    }
  }
  return {
    window: r.window,
    grid: createGrid(dtype, [bands, r.window.height, r.window.width], { data: out, nodata, mask }),
  };
}
