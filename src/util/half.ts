/**
 * IEEE 754 half-precision (float16) values and their 16-bit patterns, for formats that store
 * halves where the runtime has no Float16Array (Node 20).
 */

/** The number a 16-bit half pattern holds (subnormals, infinities and NaN included). */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * The float32 bit pattern of a half, exact, NaN payload and sign kept (as numpy's and GDAL's
 * conversions keep them), for writing halves into a Uint32Array view of float32 values.
 */
export function halfToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  let frac = h & 0x3ff;
  if (exp === 31) return (sign | 0x7f800000 | (frac << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (frac << 13)) >>> 0;
  if (frac === 0) return sign >>> 0;
  let e = 113; // a subnormal: shift the fraction up to a leading one
  while ((frac & 0x400) === 0) {
    frac <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((frac & 0x3ff) << 13)) >>> 0;
}

/** The 16-bit pattern of the half nearest `x` (ties to even; past 65504 infinity; NaN 0x7e00). */
export function numberToHalf(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00; // 65504 + half its last step rounds up to infinity
  if (a < 2 ** -14) return sign | roundEven(a / 2 ** -24); // subnormal (may round up to the smallest normal)
  let exp = Math.floor(Math.log2(a));
  if (2 ** exp > a) exp--; // log2 rounding near powers of two
  if (2 ** (exp + 1) <= a) exp++;
  const m = roundEven((a / 2 ** exp - 1) * 1024);
  return m === 1024 ? sign | ((exp + 16) << 10) : sign | ((exp + 15) << 10) | m;
}

function roundEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}
