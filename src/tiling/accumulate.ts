/**
 * The stitcher's inner loops: one tile's prediction added into one open region, a row at a time.
 * A region one tile covers takes the values as they are; a seam adds `w * v` to its sums and `w`
 * to its weights, where `w = wy[row] * wx[column]` (the tile's blend window). Each kind of
 * region has its own loop, and pixels are tested for validity only when the tile has a mask, so
 * the loops compile to plain strided copies and multiply-adds.
 *
 * Internal to the stitcher; for example:
 * ```ts internal
 * accumulate(region, 1, { data, offset: 0, bandStride: 1, pixelStride: 1 }, 96, 16, 16, null, wx, wy, 16, 16);
 * ```
 */
import type { OpenRegion } from "./region.js";

/** Where a tile's prediction lies (see `TileValues` in stitcher.ts). */
interface Values {
  data: Float32Array;
  offset: number;
  bandStride: number;
  pixelStride: number;
}

/**
 * Add a tile to region `r`: region pixel (x, y) takes frame pixel (fx0 + x, fy0 + y) of `v`
 * (frames `frameWidth` wide) with weight `wy[wy0 + y] * wx[wx0 + x]`; `valid` (one byte per frame
 * pixel, null: all valid) skips the invalid ones.
 */
export function accumulate(
  r: OpenRegion,
  bands: number,
  v: Values,
  frameWidth: number,
  fx0: number,
  fy0: number,
  valid: Uint8Array | null,
  wx: Float64Array,
  wy: Float64Array,
  wx0: number,
  wy0: number,
): void {
  const { width: rw, height: rh } = r.window;
  for (let y = 0; y < rh; y++) {
    const f = (fy0 + y) * frameWidth + fx0; // frame pixel of the row's first region pixel
    const i = y * rw;
    if (r.single) copyRow(r, bands, v, f, i, rw, valid);
    else addRow(r, bands, v, f, i, rw, valid, wx, wx0, wy[wy0 + y] as number);
  }
}

/** One row of a single-tile region: the values, and weight 1 where valid. */
function copyRow(r: OpenRegion, bands: number, v: Values, f: number, i: number, n: number, valid: Uint8Array | null) {
  const { data, bandStride: bs, pixelStride: ps } = v;
  const sum = r.sum;
  const weight = r.weight;
  const rn = weight.length;
  for (let b = 0; b < bands; b++) {
    const src = v.offset + b * bs + f * ps;
    const dst = b * rn + i;
    if (valid === null) for (let x = 0, s = src; x < n; x++, s += ps) sum[dst + x] = data[s] as number;
    else for (let x = 0, s = src; x < n; x++, s += ps) if (valid[f + x]) sum[dst + x] = data[s] as number;
  }
  if (valid === null) weight.fill(1, i, i + n);
  else for (let x = 0; x < n; x++) if (valid[f + x]) weight[i + x] = 1;
}

/** One row of a seam: sums += w * value and weights += w, with w = wRow * wx[wx0 + x]. */
function addRow(
  r: OpenRegion,
  bands: number,
  v: Values,
  f: number,
  i: number,
  n: number,
  valid: Uint8Array | null,
  wx: Float64Array,
  wx0: number,
  wRow: number,
) {
  const { data, bandStride: bs, pixelStride: ps } = v;
  const sum = r.sum;
  const weight = r.weight;
  const rn = weight.length;
  for (let x = 0; x < n; x++) {
    if (valid !== null && !valid[f + x]) continue;
    weight[i + x] = (weight[i + x] as number) + wRow * (wx[wx0 + x] as number);
  }
  for (let b = 0; b < bands; b++) {
    const src = v.offset + b * bs + f * ps;
    const dst = b * rn + i;
    for (let x = 0, s = src; x < n; x++, s += ps) {
      if (valid !== null && !valid[f + x]) continue;
      sum[dst + x] = (sum[dst + x] as number) + wRow * (wx[wx0 + x] as number) * (data[s] as number);
    }
  }
}
