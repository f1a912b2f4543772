/**
 * Class rasters from model outputs: one probability band is class 1 where p ≥ `threshold` (else
 * 0); several bands give the index of the largest. Cells with a missing (NaN, nodata or masked)
 * probability in any band get `nodata` (default 255), so a class raster keeps the input's gaps.
 *
 * @example
 * ```ts
 * import { classify, createGrid } from "tilecast";
 * const p = createGrid("float32", [2, 1, 3], { data: Float32Array.from([0.9, 0.2, Number.NaN, 0.1, 0.8, 0.5]) });
 * console.log(Array.from(classify(p).data)); // [0, 1, 255]
 * ```
 */
import { createGrid, type Grid, isNodata } from "./grid.js";

/** The class of each cell of a `(bands, h, w)` probability grid; see the module documentation. */
export function classify(g: Grid, options: { threshold?: number; nodata?: number } = {}): Grid<"uint8"> {
  const [bands, h, w] = g.shape as [number, number, number];
  const n = h * w;
  const nodata = options.nodata ?? 255;
  const threshold = options.threshold ?? 0.5;
  const out = new Uint8Array(n);
  const missing = (k: number) => {
    const v = g.data[k] as number;
    return Number.isNaN(v) || isNodata(v, g.nodata) || (g.mask !== null && !g.mask[k]);
  };
  for (let i = 0; i < n; i++) {
    let gap = false;
    for (let b = 0; b < bands && !gap; b++) gap = missing(b * n + i);
    if (gap) {
      out[i] = nodata;
      continue;
    }
    if (bands === 1) {
      out[i] = (g.data[i] as number) >= threshold ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let b = 1; b < bands; b++) if ((g.data[b * n + i] as number) > (g.data[best * n + i] as number)) best = b;
    out[i] = best;
  }
  return createGrid("uint8", [1, h, w], { data: out, nodata, georef: g.georef });
}
