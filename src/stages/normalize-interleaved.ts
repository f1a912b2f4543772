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

/**
 * Four bands a pixel at a time; the invalid cells (nodata, NaN) are found again and zeroed. Integer
 * grids (which hold no NaN) and float grids have their own loops, so each compiles for one kind
 * of array and tests only what it can hold.
 */
function scaleFour(
  src: Grid["data"],
  out: Float32Array,
  base: number,
  n: number,
  scaling: readonly Scaling[],
  nodata: number,
): number[] {
  const o = out.subarray(base, base + 4 * n);
  const float = src instanceof Float32Array || src instanceof Float64Array;
  const invalid = float ? fourFloat(src, o, n, scaling, nodata) : fourInt(src, o, n, scaling, nodata);
  const missing: number[] = [];
  if (invalid === 0) return missing;
  for (let q = 0; q < 4 * n; q++) {
    const v = src[q] as number;
    if (v === nodata || v !== v) {
      missing.push(q);
      o[(q % n) * 4 + Math.floor(q / n)] = 0;
    }
  }
  return missing;
}

/** Scale four integer planes into `o` (h, w, 4); returns how many cells equal `nodata`. */
function fourInt(src: Grid["data"], o: Float32Array, n: number, scaling: readonly Scaling[], nodata: number): number {
  const [{ shift: s0, scale: k0 }, { shift: s1, scale: k1 }, { shift: s2, scale: k2 }, { shift: s3, scale: k3 }] =
    scaling as [Scaling, Scaling, Scaling, Scaling];
  const b0 = src.subarray(0, n);
  const b1 = src.subarray(n, 2 * n);
  const b2 = src.subarray(2 * n, 3 * n);
  const b3 = src.subarray(3 * n, 4 * n);
  let invalid = 0;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const v0 = b0[i] as number;
    const v1 = b1[i] as number;
    const v2 = b2[i] as number;
    const v3 = b3[i] as number;
    o[j] = (v0 - s0) * k0;
    o[j + 1] = (v1 - s1) * k1;
    o[j + 2] = (v2 - s2) * k2;
    o[j + 3] = (v3 - s3) * k3;
    invalid += +(v0 === nodata) + +(v1 === nodata) + +(v2 === nodata) + +(v3 === nodata);
  }
  return invalid;
}

/**
 * As {@link fourInt} for float planes, where NaN is invalid too. A near-copy on purpose: each
 * loop compiles for one kind of array and tests only what that kind can hold.
 */
function fourFloat(
  src: Float32Array | Float64Array,
  o: Float32Array,
  n: number,
  scaling: readonly Scaling[],
  nodata: number,
): number {
  const [{ shift: s0, scale: k0 }, { shift: s1, scale: k1 }, { shift: s2, scale: k2 }, { shift: s3, scale: k3 }] =
    scaling as [Scaling, Scaling, Scaling, Scaling];
  const b0 = src.subarray(0, n);
  const b1 = src.subarray(n, 2 * n);
  const b2 = src.subarray(2 * n, 3 * n);
  const b3 = src.subarray(3 * n, 4 * n);
  let invalid = 0;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const v0 = b0[i] as number;
    const v1 = b1[i] as number;
    const v2 = b2[i] as number;
    const v3 = b3[i] as number;
    o[j] = (v0 - s0) * k0;
    o[j + 1] = (v1 - s1) * k1;
    o[j + 2] = (v2 - s2) * k2;
    o[j + 3] = (v3 - s3) * k3;
    if (v0 === nodata || v1 === nodata || v2 === nodata || v3 === nodata) invalid++;
    else if (v0 !== v0 || v1 !== v1 || v2 !== v2 || v3 !== v3) invalid++;
  }
  return invalid;
}
