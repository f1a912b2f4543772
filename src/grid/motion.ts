/**
 * Motion extrapolation, the classic nowcasting baseline a learned nowcaster must beat: the field's
 * motion between consecutive frames by phase correlation (one displacement for the whole grid),
 * then the last frame moved on by that displacement per lead time.
 *
 * Phase correlation (Kuglin & Hines 1975): with `A`, `B` the 2-D Fourier transforms of two frames,
 * the inverse transform of `B·conj(A) / (|B·conj(A)| + ε)` peaks at the displacement `(dy, dx)` that
 * carries the first frame onto the second (`b(y, x) ≈ a(y − dy, x − dx)`). Frames are zero-padded
 * to a power of two at least twice their size (so shifts do not wrap), missing cells count as 0,
 * and the peak is refined to a fraction of a pixel by a parabola through its neighbours.
 *
 * @example
 * ```ts
 * import { phaseCorrelation } from "tilecast";
 * const a = new Float32Array(32 * 32);
 * const b = new Float32Array(32 * 32);
 * a[10 * 32 + 10] = 1;
 * b[13 * 32 + 8] = 1; // moved 3 down, 2 left
 * console.log(phaseCorrelation(a, b, 32, 32)); // { dy: 3, dx: -2 }
 * ```
 */

/** In-place radix-2 FFT of `n` complex values at stride `step` from `offset`. */
function fft1(re: Float64Array, im: Float64Array, offset: number, step: number, n: number, inverse: boolean): void {
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const a = offset + i * step;
      const b = offset + j * step;
      [re[a], re[b]] = [re[b] as number, re[a] as number];
      [im[a], im[b]] = [im[b] as number, im[a] as number];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = offset + (i + k) * step;
        const b = offset + (i + k + len / 2) * step;
        const tr = (re[b] as number) * cr - (im[b] as number) * ci;
        const ti = (re[b] as number) * ci + (im[b] as number) * cr;
        re[b] = (re[a] as number) - tr;
        im[b] = (im[a] as number) - ti;
        re[a] = (re[a] as number) + tr;
        im[a] = (im[a] as number) + ti;
        [cr, ci] = [cr * wr - ci * wi, cr * wi + ci * wr];
      }
    }
  }
}

/** In-place 2-D FFT of an `n × n` grid (n a power of two), rows then columns. */
export function fft2(re: Float64Array, im: Float64Array, n: number, inverse = false): void {
  for (let r = 0; r < n; r++) fft1(re, im, r * n, 1, n, inverse);
  for (let c = 0; c < n; c++) fft1(re, im, c, n, n, inverse);
}

function padded(f: ArrayLike<number>, h: number, w: number, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = f[y * w + x] as number;
      out[y * n + x] = Number.isFinite(v) ? v : 0;
    }
  return out;
}

/** The displacement from frame `a` to frame `b` (both `h × w`, row-major); see the module documentation. */
export function phaseCorrelation(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  h: number,
  w: number,
): { dy: number; dx: number } {
  let n = 1;
  while (n < 2 * Math.max(h, w)) n <<= 1;
  const ar = padded(a, h, w, n);
  const ai = new Float64Array(n * n);
  const br = padded(b, h, w, n);
  const bi = new Float64Array(n * n);
  fft2(ar, ai, n);
  fft2(br, bi, n);
  // B · conj(A), whitened: divided by its magnitude plus 1 % of the largest, so frequencies with
  // no signal (a smooth field's) are not amplified into noise.
  let top = 0;
  for (let i = 0; i < n * n; i++) {
    const r = (br[i] as number) * (ar[i] as number) + (bi[i] as number) * (ai[i] as number);
    const m = (bi[i] as number) * (ar[i] as number) - (br[i] as number) * (ai[i] as number);
    ar[i] = r;
    ai[i] = m;
    top = Math.max(top, Math.hypot(r, m));
  }
  const eps = 0.01 * top || 1;
  for (let i = 0; i < n * n; i++) {
    const mag = Math.hypot(ar[i] as number, ai[i] as number) + eps;
    ar[i] = (ar[i] as number) / mag;
    ai[i] = (ai[i] as number) / mag;
  }
  fft2(ar, ai, n, true);
  let best = 0;
  for (let i = 1; i < n * n; i++) if ((ar[i] as number) > (ar[best] as number)) best = i;
  const py = Math.floor(best / n);
  const px = best % n;
  const at = (y: number, x: number) => ar[((y + n) % n) * n + ((x + n) % n)] as number;
  const refine = (m: number, c: number, p: number) => {
    const d = m - 2 * c + p;
    return d < 0 ? (0.5 * (m - p)) / d : 0;
  };
  const fy = refine(at(py - 1, px), at(py, px), at(py + 1, px));
  const fx = refine(at(py, px - 1), at(py, px), at(py, px + 1));
  const wrap = (v: number) => (v > n / 2 ? v - n : v);
  return { dy: wrap(py) + fy, dx: wrap(px) + fx };
}

/** `f` moved by `(dy, dx)` pixels (bilinear); cells whose source lies outside or is missing get `fill`. */
export function shiftFrame(f: ArrayLike<number>, h: number, w: number, dy: number, dx: number, fill = 0): Float32Array {
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const sy = y - dy;
      const sx = x - dx;
      const y0 = Math.floor(sy);
      const x0 = Math.floor(sx);
      const ty = sy - y0;
      const tx = sx - x0;
      let v = 0;
      let ok = true;
      for (const [yy, xx, wt] of [
        [y0, x0, (1 - ty) * (1 - tx)],
        [y0 + 1, x0, ty * (1 - tx)],
        [y0, x0 + 1, (1 - ty) * tx],
        [y0 + 1, x0 + 1, ty * tx],
      ] as const) {
        if (wt === 0) continue;
        const s = yy >= 0 && yy < h && xx >= 0 && xx < w ? (f[yy * w + xx] as number) : Number.NaN;
        if (!Number.isFinite(s)) ok = false;
        v += wt * s;
      }
      out[y * w + x] = ok ? v : fill;
    }
  return out;
}

/**
 * Extrapolate `frames` (oldest first, each `h × w`) `leads` steps ahead: the mean displacement of
 * the consecutive pairs, applied `k` times to the last frame for lead `k`.
 */
export function extrapolate(frames: readonly ArrayLike<number>[], h: number, w: number, leads: number): Float32Array[] {
  const last = frames.at(-1);
  if (!last) return [];
  let dy = 0;
  let dx = 0;
  for (let i = 1; i < frames.length; i++) {
    const m = phaseCorrelation(frames[i - 1] as ArrayLike<number>, frames[i] as ArrayLike<number>, h, w);
    dy += m.dy / (frames.length - 1);
    dx += m.dx / (frames.length - 1);
  }
  if (frames.length < 2) [dy, dx] = [0, 0];
  return Array.from({ length: leads }, (_, k) => shiftFrame(last, h, w, dy * (k + 1), dx * (k + 1)));
}
