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
import { createGrid, type Grid } from "./grid.js";

/** The class of each cell of a `(bands, h, w)` probability grid; see the module documentation. */
export function classify(g: Grid, options: { threshold?: number; nodata?: number } = {}): Grid<"uint8"> {
  const [bands, h, w] = g.shape as [number, number, number];
  const n = h * w;
  const nodata = options.nodata ?? 255;
  const out = new Uint8Array(n);
  // NaN is missing whatever the nodata value; a NaN nodata adds nothing, a null one never matches.
  const nd = g.nodata === null ? Number.NaN : g.nodata;
  if (bands === 1) threshold1(g.data, out, n, options.threshold ?? 0.5, nd, g.mask, nodata);
  else if (g.mask === null && bands <= 4) argmaxFew(g.data, out, n, bands, nd, nodata);
  else argmax(g.data, out, n, bands, nd, g.mask, nodata);
  return createGrid("uint8", [1, h, w], { data: out, nodata, georef: g.georef });
}

/** One band: 1 where p >= threshold, else 0; `gap` where p is missing. */
function threshold1(
  d: Grid["data"],
  out: Uint8Array,
  n: number,
  threshold: number,
  nd: number,
  mask: Uint8Array | null,
  gap: number,
): void {
  for (let i = 0; i < n; i++) {
    const v = d[i] as number;
    if (v !== v || v === nd || (mask !== null && !mask[i])) out[i] = gap;
    else out[i] = v >= threshold ? 1 : 0;
  }
}

/**
 * Two to four bands without a mask: pairs compared without branching on the values (model
 * outputs are noisy near class edges, where a branch per comparison mispredicts), band views
 * instead of offsets. Same answer as {@link argmax}: ties go to the first band.
 */
function argmaxFew(d: Grid["data"], out: Uint8Array, n: number, bands: number, nd: number, gap: number): void {
  const b0 = d.subarray(0, n);
  const b1 = d.subarray(n, 2 * n);
  // Missing bands 2 and 3 read as band 1 again: never larger, never more missing.
  const b2 = bands > 2 ? d.subarray(2 * n, 3 * n) : b1;
  const b3 = bands > 3 ? d.subarray(3 * n, 4 * n) : b2;
  const c2 = bands > 2 ? 2 : 1;
  const c3 = bands > 3 ? 3 : c2;
  for (let i = 0; i < n; i++) {
    const v0 = b0[i] as number;
    const v1 = b1[i] as number;
    const v2 = b2[i] as number;
    const v3 = b3[i] as number;
    const lo = v1 > v0 ? 1 : 0;
    const hi = v3 > v2 ? c3 : c2;
    const best = Math.max(v2, v3) > Math.max(v0, v1) ? hi : lo;
    const nan = v0 !== v0 || v1 !== v1 || v2 !== v2 || v3 !== v3;
    out[i] = nan || v0 === nd || v1 === nd || v2 === nd || v3 === nd ? gap : best;
  }
}

/** Several bands: the index of the largest (the first of equals); `gap` where any is missing. */
function argmax(
  d: Grid["data"],
  out: Uint8Array,
  n: number,
  bands: number,
  nd: number,
  mask: Uint8Array | null,
  gap: number,
): void {
  for (let i = 0; i < n; i++) {
    let best = 0;
    let top = d[i] as number;
    let missing = top !== top || top === nd || (mask !== null && !mask[i]);
    for (let b = 1, k = n + i; b < bands; b++, k += n) {
      const v = d[k] as number;
      if (v !== v || v === nd || (mask !== null && !mask[k])) missing = true;
      else if (v > top) {
        top = v;
        best = b;
      }
    }
    out[i] = missing ? gap : best;
  }
}
