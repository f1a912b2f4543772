/**
 * The stitcher's inner loops: one tile's prediction added into one open region. A region one
 * tile covers takes the values as they are; a seam adds `w * v` to its sums and `w` to its
 * weights, where `w = wy[row] * wx[column]` (the tile's blend window). Each kind of region has
 * its own loop over the whole region, with its arrays' types fixed, and pixels are tested for
 * validity only when the tile has a mask, so the loops compile to plain strided copies and
 * multiply-adds. Predictions in a batch's layout (bands interleaved per pixel) are read a pixel
 * at a time, four bands (the common class count) unrolled; planes a band at a time. On the
 * segmentation job's geometry (320 px tiles, 4 classes, 4096² scene), stitching and finalizing
 * went from about 85 ns a pixel to 46 on one core here.
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

/** The tile's blend window: region pixel (x, y) weighs `wy[wy0 + y] * wx[wx0 + x]`. */
interface Blend {
  wx: Float64Array;
  wy: Float64Array;
  wx0: number;
  wy0: number;
}

/** One row's blend weights, reused (grown as needed). */
let rowWeights = new Float64Array(1024);

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
  const pixels = bands === 4 && v.pixelStride === 4 && v.bandStride === 1; // a 4-class batch
  if (r.single) {
    const sum = r.sum as Float32Array;
    const weight = r.weight as Uint8Array;
    if (valid !== null) copyMasked(sum, weight, bands, v, span, valid);
    else if (pixels) copyFour(sum, v, span, weight.length);
    else copyPlanes(sum, bands, v, span, weight.length);
    if (valid === null) weight.fill(1);
    return;
  }
  const sum = r.sum as Float64Array;
  const weight = r.weight as Float64Array;
  const blend = { wx, wy, wx0, wy0 };
  if (valid !== null) addMasked(sum, weight, bands, v, span, blend, valid);
  else if (pixels) addFour(sum, weight, v, span, blend);
  else if (bands === 1) addOne(sum, weight, v, span, blend);
  else addPlanes(sum, weight, bands, v, span, blend);
}

/** A one-tile region, four interleaved bands: a pixel's values at a time. */
function copyFour(sum: Float32Array, v: Values, s: Span, rn: number) {
  const { data, offset } = v;
  const { rw, rh, frameWidth, fx0, fy0 } = s;
  for (let y = 0; y < rh; y++) {
    let q = offset + ((fy0 + y) * frameWidth + fx0) * 4;
    for (let d = y * rw, end = d + rw; d < end; d++, q += 4) {
      sum[d] = data[q] as number;
      sum[d + rn] = data[q + 1] as number;
      sum[d + 2 * rn] = data[q + 2] as number;
      sum[d + 3 * rn] = data[q + 3] as number;
    }
  }
}

/** A one-tile region, any layout: a band's row at a time (a block copy for planes). */
function copyPlanes(sum: Float32Array, bands: number, v: Values, s: Span, rn: number) {
  const { data, offset, bandStride: bs, pixelStride: ps } = v;
  const { rw, rh, frameWidth, fx0, fy0 } = s;
  for (let b = 0; b < bands; b++)
    for (let y = 0; y < rh; y++) {
      const q = offset + b * bs + ((fy0 + y) * frameWidth + fx0) * ps;
      const dst = b * rn + y * rw;
      if (ps === 1) sum.set(data.subarray(q, q + rw), dst);
      else for (let x = 0, j = q; x < rw; x++, j += ps) sum[dst + x] = data[j] as number;
    }
}

/** A one-tile region where the tile has a mask: the valid values, and weight 1 there. */
function copyMasked(sum: Float32Array, weight: Uint8Array, bands: number, v: Values, s: Span, valid: Uint8Array) {
  const { data, bandStride: bs, pixelStride: ps } = v;
  const rn = weight.length;
  for (let y = 0; y < s.rh; y++) {
    const f = (s.fy0 + y) * s.frameWidth + s.fx0; // frame pixel of the row's first region pixel
    const i = y * s.rw;
    for (let b = 0; b < bands; b++) {
      const dst = b * rn + i;
      let q = v.offset + b * bs + f * ps;
      for (let x = 0; x < s.rw; x++, q += ps) if (valid[f + x]) sum[dst + x] = data[q] as number;
    }
    for (let x = 0; x < s.rw; x++) if (valid[f + x]) weight[i + x] = 1;
  }
}

/** Row `y`'s blend weights, `wy[wy0 + y] * wx[wx0 + x]`, in a reused array. */
function blendRow({ wx, wy, wx0, wy0 }: Blend, y: number, rw: number): Float64Array {
  if (rowWeights.length < rw) rowWeights = new Float64Array(rw);
  const w = rowWeights;
  const wRow = wy[wy0 + y] as number;
  for (let x = 0; x < rw; x++) w[x] = wRow * (wx[wx0 + x] as number);
  return w;
}

/** A seam, four interleaved bands: sums += w * value and weights += w, a pixel at a time. */
function addFour(sum: Float64Array, weight: Float64Array, v: Values, s: Span, { wx, wy, wx0, wy0 }: Blend) {
  const { data, offset } = v;
  const { rw, rh, frameWidth, fx0, fy0 } = s;
  const rn = weight.length;
  for (let y = 0; y < rh; y++) {
    const wRow = wy[wy0 + y] as number;
    let q = offset + ((fy0 + y) * frameWidth + fx0) * 4;
    for (let x = 0, d = y * rw; x < rw; x++, d++, q += 4) {
      const k = wRow * (wx[wx0 + x] as number);
      weight[d] = (weight[d] as number) + k;
      sum[d] = (sum[d] as number) + k * (data[q] as number);
      sum[d + rn] = (sum[d + rn] as number) + k * (data[q + 1] as number);
      sum[d + 2 * rn] = (sum[d + 2 * rn] as number) + k * (data[q + 2] as number);
      sum[d + 3 * rn] = (sum[d + 3 * rn] as number) + k * (data[q + 3] as number);
    }
  }
}

/**
 * A seam of one band (the water job's probability): weight and sum in one pass, each pixel's
 * blend weight computed as it is used (3.5 ns a pixel against 5.2 for {@link addPlanes}'s
 * passes on 32 x 32 seams, by hand; the same products in the same order, so the same sums).
 */
function addOne(sum: Float64Array, weight: Float64Array, v: Values, s: Span, { wx, wy, wx0, wy0 }: Blend) {
  const { data, offset, pixelStride: ps } = v;
  const { rw, rh, frameWidth, fx0, fy0 } = s;
  for (let y = 0; y < rh; y++) {
    const wRow = wy[wy0 + y] as number;
    let q = offset + ((fy0 + y) * frameWidth + fx0) * ps;
    for (let x = 0, d = y * rw; x < rw; x++, d++, q += ps) {
      const k = wRow * (wx[wx0 + x] as number);
      weight[d] = (weight[d] as number) + k;
      sum[d] = (sum[d] as number) + k * (data[q] as number);
    }
  }
}

/** A seam, any layout: a band's row at a time. */
function addPlanes(sum: Float64Array, weight: Float64Array, bands: number, v: Values, s: Span, blend: Blend) {
  const { data, offset, bandStride: bs, pixelStride: ps } = v;
  const { rw, rh, frameWidth, fx0, fy0 } = s;
  const rn = weight.length;
  for (let y = 0; y < rh; y++) {
    const w = blendRow(blend, y, rw);
    const i = y * rw;
    for (let x = 0; x < rw; x++) weight[i + x] = (weight[i + x] as number) + (w[x] as number);
    const f = (fy0 + y) * frameWidth + fx0;
    for (let b = 0; b < bands; b++) {
      const dst = b * rn + i;
      for (let x = 0, q = offset + b * bs + f * ps; x < rw; x++, q += ps)
        sum[dst + x] = (sum[dst + x] as number) + (w[x] as number) * (data[q] as number);
    }
  }
}

/** A seam where the tile has a mask: as {@link addPlanes}, skipping the invalid pixels. */
function addMasked(
  sum: Float64Array,
  weight: Float64Array,
  bands: number,
  v: Values,
  s: Span,
  blend: Blend,
  valid: Uint8Array,
) {
  const { data, offset, bandStride: bs, pixelStride: ps } = v;
  const { rw, rh, frameWidth, fx0, fy0 } = s;
  const rn = weight.length;
  for (let y = 0; y < rh; y++) {
    const w = blendRow(blend, y, rw);
    const f = (fy0 + y) * frameWidth + fx0;
    const i = y * rw;
    for (let x = 0; x < rw; x++) if (valid[f + x]) weight[i + x] = (weight[i + x] as number) + (w[x] as number);
    for (let b = 0; b < bands; b++) {
      const dst = b * rn + i;
      for (let x = 0, q = offset + b * bs + f * ps; x < rw; x++, q += ps)
        if (valid[f + x]) sum[dst + x] = (sum[dst + x] as number) + (w[x] as number) * (data[q] as number);
    }
  }
}
