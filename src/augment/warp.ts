/**
 * Exact and resampled geometric transforms of a {@link Sample}. Flips, 90-degree rotations and
 * crops only move pixels. Affine maps (rotation, scaling, shear, translation about the tile
 * centre) and elastic displacement fields map each output pixel back into the input (inverse
 * mapping) and sample it: bilinear for the image, nearest for the label. A pixel that maps
 * outside the tile, or whose bilinear neighbours include an invalid pixel, is marked invalid:
 * new pixels are never invented.
 */
import { TilecastError } from "../errors.js";
import type { Sample } from "./sample.js";

/** Move pixels: output pixel `(x, y)` of a `w x h` result takes input pixel `src(x, y)`. */
function permute(s: Sample, w: number, h: number, src: (x: number, y: number) => number): Sample {
  const n = w * h;
  const on = s.w * s.h;
  const image = new Float32Array(s.bands * n);
  const valid = new Uint8Array(n);
  const label = s.label ? new Float32Array(s.label.bands * n) : null;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const j = src(x, y);
      valid[i] = s.valid[j] as number;
      for (let b = 0; b < s.bands; b++) image[b * n + i] = s.image[b * on + j] as number;
      if (label && s.label)
        for (let b = 0; b < s.label.bands; b++) label[b * n + i] = s.label.data[b * on + j] as number;
    }
  return { ...s, w, h, image, valid, label: s.label && label ? { ...s.label, data: label } : null };
}

/** Mirror left-right. */
export const flipH = (s: Sample) => permute(s, s.w, s.h, (x, y) => y * s.w + (s.w - 1 - x));
/** Mirror top-bottom. */
export const flipV = (s: Sample) => permute(s, s.w, s.h, (x, y) => (s.h - 1 - y) * s.w + x);

/** Rotate by `k` quarter turns counter-clockwise (as numpy's `rot90`). */
export function rot90(s: Sample, k: number): Sample {
  const q = ((k % 4) + 4) % 4;
  if (q === 0) return s;
  if (q === 2) return permute(s, s.w, s.h, (x, y) => (s.h - 1 - y) * s.w + (s.w - 1 - x));
  if (q === 1) return permute(s, s.h, s.w, (x, y) => x * s.w + (s.w - 1 - y));
  return permute(s, s.h, s.w, (x, y) => (s.h - 1 - x) * s.w + y);
}

/** The `size x size` window at `(x0, y0)`. */
export function cropSample(s: Sample, x0: number, y0: number, size: number): Sample {
  return permute(s, size, size, (x, y) => (y + y0) * s.w + (x + x0));
}

/**
 * Resample: output pixel `(x, y)` takes the input at `at(x, y) = [sx, sy]` (pixel-centre
 * coordinates): bilinear for the image, nearest for the label.
 */
export function resample(s: Sample, at: (x: number, y: number, out: Float64Array) => void): Sample {
  const { w, h } = s;
  const n = w * h;
  const image = new Float32Array(s.bands * n);
  const valid = new Uint8Array(n);
  const label = s.label ? new Float32Array(s.label.bands * n).fill(Number.NaN) : null;
  const p = new Float64Array(2);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      at(x, y, p);
      const sx = p[0] as number;
      const sy = p[1] as number;
      const i = y * w + x;
      if (!(sx > -0.5 && sx < w - 0.5 && sy > -0.5 && sy < h - 0.5)) {
        for (let b = 0; b < s.bands; b++) image[b * n + i] = 0;
        continue; // outside the tile: invalid, label NaN
      }
      if (label && s.label) {
        const j = Math.round(sy) * w + Math.round(sx);
        for (let b = 0; b < s.label.bands; b++) label[b * n + i] = s.label.data[b * n + j] as number;
      }
      const x0 = Math.min(Math.max(Math.floor(sx), 0), w - 1);
      const y0 = Math.min(Math.max(Math.floor(sy), 0), h - 1);
      const x1 = Math.min(x0 + 1, w - 1);
      const y1 = Math.min(y0 + 1, h - 1);
      const fx = Math.min(Math.max(sx - x0, 0), 1);
      const fy = Math.min(Math.max(sy - y0, 0), 1);
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      const k00 = y0 * w + x0;
      const k10 = y0 * w + x1;
      const k01 = y1 * w + x0;
      const k11 = y1 * w + x1;
      const ok =
        (w00 === 0 || s.valid[k00]) &&
        (w10 === 0 || s.valid[k10]) &&
        (w01 === 0 || s.valid[k01]) &&
        (w11 === 0 || s.valid[k11]);
      valid[i] = ok ? 1 : 0;
      for (let b = 0; b < s.bands; b++) {
        const o = b * n;
        image[o + i] =
          w00 * (s.image[o + k00] as number) +
          w10 * (s.image[o + k10] as number) +
          w01 * (s.image[o + k01] as number) +
          w11 * (s.image[o + k11] as number);
      }
    }
  return { ...s, image, valid, label: s.label && label ? { ...s.label, data: label } : null };
}

/** A 2-D affine map about the tile centre: `out = A * in + t`, `A = [a, b; c, d]`. */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  tx: number;
  ty: number;
}

/** Compose: apply `first`, then `second`. */
export function composeAffine(first: Affine, second: Affine): Affine {
  return {
    a: second.a * first.a + second.b * first.c,
    b: second.a * first.b + second.b * first.d,
    c: second.c * first.a + second.d * first.c,
    d: second.c * first.b + second.d * first.d,
    tx: second.a * first.tx + second.b * first.ty + second.tx,
    ty: second.c * first.tx + second.d * first.ty + second.ty,
  };
}

/** Rotation by `deg` degrees (counter-clockwise as seen on a north-up map; y points down). */
export function rotation(deg: number): Affine {
  const r = (deg * Math.PI) / 180;
  const cos = Math.cos(r);
  const sin = Math.sin(r);
  return { a: cos, b: sin, c: -sin, d: cos, tx: 0, ty: 0 };
}

/** Apply an affine map about the tile centre by inverse mapping. */
export function warpAffine(s: Sample, m: Affine): Sample {
  const det = m.a * m.d - m.b * m.c;
  if (Math.abs(det) < 1e-12) throw new TilecastError("E_ARGUMENT", "affine map is singular");
  const cx = (s.w - 1) / 2;
  const cy = (s.h - 1) / 2;
  return resample(s, (x, y, out) => {
    const u = x - cx - m.tx;
    const v = y - cy - m.ty;
    out[0] = (m.d * u - m.b * v) / det + cx;
    out[1] = (-m.c * u + m.a * v) / det + cy;
  });
}

/** Separable Gaussian blur of a `w x h` field (edges clamped). */
function blur(f: Float64Array, w: number, h: number, sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = Float64Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const ks = k.reduce((a, b) => a + b, 0);
  const tmp = new Float64Array(w * h);
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++)
        acc += (k[i + r] as number) * (f[y * w + Math.min(w - 1, Math.max(0, x + i))] as number);
      tmp[y * w + x] = acc / ks;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++)
        acc += (k[i + r] as number) * (tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x] as number);
      out[y * w + x] = acc / ks;
    }
  return out;
}

/**
 * Elastic distortion (Simard et al. 2003): uniform random displacements in [-1, 1], smoothed by
 * a Gaussian of `sigma` pixels and scaled by `alpha` pixels.
 */
export function elasticWarp(s: Sample, alpha: number, sigma: number, random: () => number): Sample {
  const n = s.w * s.h;
  const dx = blur(
    Float64Array.from({ length: n }, () => 2 * random() - 1),
    s.w,
    s.h,
    sigma,
  );
  const dy = blur(
    Float64Array.from({ length: n }, () => 2 * random() - 1),
    s.w,
    s.h,
    sigma,
  );
  return resample(s, (x, y, out) => {
    out[0] = x + alpha * (dx[y * s.w + x] as number);
    out[1] = y + alpha * (dy[y * s.w + x] as number);
  });
}
