/**
 * Raw, bands-first batches for a model that normalizes its input itself (ONNX Runtime with the
 * normalization in its graph: `exportOnnx`'s `scaling`). Tiles are `(bands, h, w)` grids already,
 * so stacking is one typed-array copy a tile, `[k, bands, h, w]`, with no interleaving and no
 * arithmetic on the main thread; the model scales the values on its own threads, vectorized.
 *
 * Cells a normalized tile would hold as 0 (nodata, NaN, or masked) are written as their band's
 * shift in float32, which the model's `(x - shift) * scale` turns into exactly 0, and each tile's
 * pixel validity is returned as `normalizeInterleaved` returns it. Values are converted to
 * float32 before the model subtracts the shift: exact for the types {@link planarExact} lists,
 * which is where a pipeline uses this.
 *
 * Internal (used by `batch`).
 */
import type { Stats } from "../grid/band-stats.js";
import type { DType } from "../grid/dtype.js";
import type { Grid } from "../grid/grid.js";
import type { InputScaling } from "../nn/onnx/export.js";
import { bandScaling, type Normalization } from "./normalize.js";

export type { InputScaling };

/** Sample types whose every value float32 holds exactly: raw batches of these lose nothing. */
export function planarExact(dtype: DType): boolean {
  return dtype === "uint8" || dtype === "int8" || dtype === "uint16" || dtype === "int16" || dtype === "float32";
}

/**
 * The shift and scale a model can apply in place of `n` on `bands` bands, or null when a band
 * is transformed first (log1p and the like stay on the host).
 */
export function inputScaling(n: Normalization, bands: number): InputScaling | null {
  const stats: Stats = n.stats;
  if (stats.transforms.slice(0, bands).some((t) => (t ?? "none") !== "none")) return null;
  const scalings = Array.from({ length: bands }, (_, b) => bandScaling(stats, b, n.method));
  return { shift: scalings.map((s) => s.shift), scale: scalings.map((s) => s.scale) };
}

/**
 * Copy grid `g` (bands, h, w) into `out` from `base`, its invalid cells as their band's float32
 * shift; returns the pixel validity (1 where every band is valid), or null when all are. The
 * invalid cells are found with the typed arrays' own searches (`indexOf` for nodata, `includes`
 * before looking for NaN), which run at memory speed where a comparison loop here took longer
 * than the copy.
 */
export function stackRaw(g: Grid, shift: Float32Array, out: Float32Array, base: number): Uint8Array | null {
  const [c, h, w] = g.shape as [number, number, number];
  const n = h * w;
  out.set(g.data, base);
  const float = g.data instanceof Float32Array || g.data instanceof Float64Array;
  if (g.nodata === null && g.mask === null && !float) return null; // integers without nodata are all valid
  let valid: Uint8Array | null = null;
  const invalid = (b: number, i: number) => {
    out[base + b * n + i] = shift[b] as number;
    valid ??= new Uint8Array(n).fill(1);
    valid[i] = 0;
  };
  for (let b = 0; b < c; b++) {
    const band = g.data.subarray(b * n, (b + 1) * n);
    if (g.nodata !== null && !Number.isNaN(g.nodata))
      for (let i = band.indexOf(g.nodata); i >= 0; i = band.indexOf(g.nodata, i + 1)) invalid(b, i);
    if (float && band.includes(Number.NaN))
      for (let i = 0; i < n; i++) if (Number.isNaN(band[i] as number)) invalid(b, i);
    const mask = g.mask?.subarray(b * n, (b + 1) * n);
    if (mask) for (let i = mask.indexOf(0); i >= 0; i = mask.indexOf(0, i + 1)) invalid(b, i);
  }
  return valid;
}
