/**
 * The stitcher's inner loops: one tile's prediction added into one open region. A region one
 * tile covers takes the values as they are; a seam adds `w * v` to its sums and `w` to its
 * weights, where `w = wy[row] * wx[column]` (the tile's blend window). Each kind of region has
 * its own loop over the whole region, with its arrays' types fixed, and pixels are tested for
 * validity only when the tile has a mask, so the loops compile to plain strided copies and
 * multiply-adds.
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

/** The part of a tile one region takes: frame pixel (fx0 + x, fy0 + y) for region pixel (x, y). */
interface Span {
  rw: number;
  rh: number;
  frameWidth: number;
  fx0: number;
  fy0: number;
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
  const span = { rw: r.window.width, rh: r.window.height, frameWidth, fx0, fy0 };
  if (r.single) copyTile(r.sum as Float32Array, r.weight as Uint8Array, bands, v, span, valid);
  else addTile(r.sum as Float64Array, r.weight as Float64Array, bands, v, span, valid, wx, wy, wx0, wy0);
}

/** A one-tile region: the values, and weight 1 where valid. */
function copyTile(sum: Float32Array, weight: Uint8Array, bands: number, v: Values, s: Span, valid: Uint8Array | null) {
  const { data, bandStride: bs, pixelStride: ps } = v;
  const rn = weight.length;
  for (let y = 0; y < s.rh; y++) {
    const f = (s.fy0 + y) * s.frameWidth + s.fx0; // frame pixel of the row's first region pixel
    const i = y * s.rw;
    for (let b = 0; b < bands; b++) {
      const dst = b * rn + i;
      let q = v.offset + b * bs + f * ps;
      if (valid === null) for (let x = 0; x < s.rw; x++, q += ps) sum[dst + x] = data[q] as number;
      else for (let x = 0; x < s.rw; x++, q += ps) if (valid[f + x]) sum[dst + x] = data[q] as number;
    }
    if (valid === null) weight.fill(1, i, i + s.rw);
    else for (let x = 0; x < s.rw; x++) if (valid[f + x]) weight[i + x] = 1;
  }
}

/** A seam: sums += w * value and weights += w, with w = wy[wy0 + y] * wx[wx0 + x]. */
function addTile(
  sum: Float64Array,
  weight: Float64Array,
  bands: number,
  v: Values,
  s: Span,
  valid: Uint8Array | null,
  wx: Float64Array,
  wy: Float64Array,
  wx0: number,
  wy0: number,
) {
  const { data, bandStride: bs, pixelStride: ps } = v;
  const rn = weight.length;
  for (let y = 0; y < s.rh; y++) {
    const f = (s.fy0 + y) * s.frameWidth + s.fx0;
    const i = y * s.rw;
    const wRow = wy[wy0 + y] as number;
    for (let x = 0; x < s.rw; x++) {
      if (valid !== null && !valid[f + x]) continue;
      weight[i + x] = (weight[i + x] as number) + wRow * (wx[wx0 + x] as number);
    }
    for (let b = 0; b < bands; b++) {
      const dst = b * rn + i;
      let q = v.offset + b * bs + f * ps;
      for (let x = 0; x < s.rw; x++, q += ps) {
        if (valid !== null && !valid[f + x]) continue;
        sum[dst + x] = (sum[dst + x] as number) + wRow * (wx[wx0 + x] as number) * (data[q] as number);
      }
    }
  }
}
