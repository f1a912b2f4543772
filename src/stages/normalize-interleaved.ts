/**
 * `normalizeInterleaved`: a tile normalized straight into a batch buffer with its bands
 * interleaved per pixel (h, w, bands), as `normalizeGrid` and then stacking would, without the
 * normalized grid in between: one pass and no float32 copy of the tile (`batch`'s `normalize`
 * option). Each band goes through `normalize.ts`'s `scaleRange`, writing every `bands`-th cell;
 * four bands without transforms or a mask (RGB + NIR, the common scene) are written a pixel at a
 * time.
 *
 * Internal (used by `batch`).
 */
import type { Stats } from "../grid/band-stats.js";
import type { Grid } from "../grid/grid.js";
import { bandScaling, type NormalizeMethod, scaleRange } from "./normalize.js";

type Scaling = ReturnType<typeof bandScaling>;

/**
 * Normalize `g` (bands, h, w) into `out` from `base` as (h, w, bands); `out`'s cells there must
 * be 0, and invalid cells stay so. Returns each pixel's validity (1 where every band is valid),
 * or null when the grid has no mask and every cell is valid.
 */
export function normalizeInterleaved(
  g: Grid,
  stats: Stats,
  method: NormalizeMethod,
  out: Float32Array,
  base: number,
): Uint8Array | null {
  const [c, h, w] = g.shape as [number, number, number];
  const n = h * w;
  const nodata = g.nodata ?? Number.NaN;
  const scaling = Array.from({ length: c }, (_, b) => bandScaling(stats, b, method));
  const plain = g.mask === null && scaling.every((_, b) => (stats.transforms[b] ?? "none") === "none");
  const missing =
    c === 4 && plain
      ? [scaleFour(g.data, out, base, n, scaling, nodata)]
      : scaling.map(({ shift, scale }, b) =>
          scaleRange(
            g.data,
            out,
            b * n,
            (b + 1) * n,
            shift,
            scale,
            stats.transforms[b] ?? "none",
            nodata,
            g.mask,
            base + b,
            c,
          ),
        );
  if (g.mask === null && missing.every((m) => m.length === 0)) return null;
  const valid = new Uint8Array(n).fill(1);
  for (const m of missing) for (const q of m) valid[q % n] = 0;
  return valid;
}

/** Four bands a pixel at a time; the invalid cells (nodata, NaN) are found again and zeroed. */
function scaleFour(
  src: Grid["data"],
  out: Float32Array,
  base: number,
  n: number,
  scaling: readonly Scaling[],
  nodata: number,
): number[] {
  const [{ shift: s0, scale: k0 }, { shift: s1, scale: k1 }, { shift: s2, scale: k2 }, { shift: s3, scale: k3 }] =
    scaling as [Scaling, Scaling, Scaling, Scaling];
  let invalid = 0;
  for (let i = 0, j = base; i < n; i++, j += 4) {
    const v0 = src[i] as number;
    const v1 = src[i + n] as number;
    const v2 = src[i + 2 * n] as number;
    const v3 = src[i + 3 * n] as number;
    out[j] = (v0 - s0) * k0;
    out[j + 1] = (v1 - s1) * k1;
    out[j + 2] = (v2 - s2) * k2;
    out[j + 3] = (v3 - s3) * k3;
    if (v0 === nodata || v0 !== v0 || v1 === nodata || v1 !== v1) invalid++;
    else if (v2 === nodata || v2 !== v2 || v3 === nodata || v3 !== v3) invalid++;
  }
  const missing: number[] = [];
  if (invalid === 0) return missing;
  for (let q = 0; q < 4 * n; q++) {
    const v = src[q] as number;
    if (v === nodata || v !== v) {
      missing.push(q);
      out[base + (q % n) * 4 + Math.floor(q / n)] = 0;
    }
  }
  return missing;
}
