/**
 * Blending weights for stitching overlapping tile predictions. A tile's 2-D weight is the outer
 * product of one 1-D window per axis, sampled at pixel centres so it is never exactly zero
 * (a pixel seen by one tile only keeps that tile's value):
 *   hann:    w(i) = sin^2(pi * (i + 0.5) / n)
 *   linear:  w(i) = 1 - |2 * (i + 0.5) / n - 1|      (a triangle, the Bartlett window)
 *   uniform: w(i) = 1                                 (plain averaging)
 * Hann weights fall smoothly to ~0 at a tile's border, where a model sees the least context, so
 * neighbouring predictions hand over without a seam.
 *
 * @example
 * ```ts
 * import { blendWindow } from "tilecast";
 * Array.from(blendWindow("linear", 4)); // [0.25, 0.75, 0.75, 0.25]
 * ```
 */
import { z } from "zod";

/** Blending schemes: `crop` keeps only each tile's core (no blending). */
export const blendWeights = z.enum(["hann", "linear", "uniform", "crop"]);
/** Blending schemes: `crop` keeps only each tile's core (no blending). */
export type BlendWeights = z.infer<typeof blendWeights>;

/** The 1-D window of `n` samples for a scheme (`crop` and `uniform` are all ones). */
export function blendWindow(kind: BlendWeights, n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = (i + 0.5) / n;
    w[i] = kind === "hann" ? Math.sin(Math.PI * t) ** 2 : kind === "linear" ? 1 - Math.abs(2 * t - 1) : 1;
  }
  return w;
}
