/**
 * Data types of grid cells, as string literals mapped to typed arrays at compile time, so a
 * `Grid<"uint16">` carries a `Uint16Array`.
 *
 * @example
 * ```ts
 * import { allocate, DTYPE_INFO } from "tilecast";
 * const a = allocate("int16", 4); // Int16Array(4)
 * DTYPE_INFO.int16.bytes; // 2
 * ```
 */

import { checkBudget, memoryBudget } from "../util/budget.js";

/**
 * Every cell data type, smallest first. Plain data, no schema library: every reader imports
 * this module, and zod's 95 modules cost a process about 0.1 s to load (the schema is
 * `dtypeSchema`, in dtype-schema.ts).
 */
export const DTYPES = ["uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "float64"] as const;
/** A cell data type. */
export type DType = (typeof DTYPES)[number];

/** The typed array for each {@link DType}. */
export interface TypedArrayMap {
  uint8: Uint8Array;
  int8: Int8Array;
  uint16: Uint16Array;
  int16: Int16Array;
  uint32: Uint32Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}

/** The typed array carrying cells of dtype `D`. */
export type TypedArray<D extends DType = DType> = TypedArrayMap[D];

/** Size and TIFF encoding of each dtype. `sampleFormat`: 1 unsigned, 2 signed, 3 float. */
export const DTYPE_INFO: Readonly<
  Record<DType, { bytes: 1 | 2 | 4 | 8; sampleFormat: 1 | 2 | 3; min: number; max: number }>
> = {
  uint8: { bytes: 1, sampleFormat: 1, min: 0, max: 255 },
  int8: { bytes: 1, sampleFormat: 2, min: -128, max: 127 },
  uint16: { bytes: 2, sampleFormat: 1, min: 0, max: 65535 },
  int16: { bytes: 2, sampleFormat: 2, min: -32768, max: 32767 },
  uint32: { bytes: 4, sampleFormat: 1, min: 0, max: 4294967295 },
  int32: { bytes: 4, sampleFormat: 2, min: -2147483648, max: 2147483647 },
  float32: { bytes: 4, sampleFormat: 3, min: -3.4028234663852886e38, max: 3.4028234663852886e38 },
  float64: { bytes: 8, sampleFormat: 3, min: -Number.MAX_VALUE, max: Number.MAX_VALUE },
};

/**
 * The value a cell of `dtype` holds when `v` is stored in it (float32 rounding; integers cut
 * toward zero, as a C cast does), or null when `v` lies outside the type's range (or is NaN for
 * an integer type). Nodata sentinels are compared with pixels in this form, as GDAL's mask band
 * and xarray do: a float32 band's `-3.4e38` is the float `-3.3999999521443642e38`, `1.5` on a
 * uint8 band is 1, and `300` on a uint8 band matches no pixel.
 *
 * @example
 * ```ts
 * import { storedValue } from "tilecast/grid";
 * console.log(storedValue("float32", -3.4e38), storedValue("uint8", 300), storedValue("int16", -7)); // -3.3999999521443642e+38 null -7
 * ```
 */
export function storedValue(dtype: DType, v: number): number | null {
  const info = DTYPE_INFO[dtype];
  if (info.sampleFormat === 3) {
    if (dtype === "float64" || !Number.isFinite(v)) return v;
    const r = Math.fround(v);
    return Number.isFinite(r) ? r : null;
  }
  // In range: the C cast GDAL's mask band and numpy apply (toward zero); out of range: nothing.
  return v >= info.min && v <= info.max ? Math.trunc(v) : null;
}

/**
 * `v` rounded half up and clamped to `[min, max]`: how a float becomes an integer cell (GDAL's
 * `floor(v + 0.5)`). NaN stays NaN, which an integer typed array stores as 0. `Math.round`
 * rounds the same way but took 8-10 ns a value in V8 here, which showed when the stitcher packed
 * an 8192² x 4 output (`test/grid/round-clamp.test.ts` checks the two agree). The clamp comes
 * before the floor, on the float (`min` and `max` are integers, so the result is the same): V8
 * compiled the floored double's comparisons with the integer bounds into slower code, and packing
 * a stitched 256² x 4 region into uint8 took 4.3 ns a value that way against 2.8 now.
 */
export function roundClamp(v: number, min: number, max: number): number {
  return Math.floor(Math.min(Math.max(v + 0.5, min), max));
}

const CTORS = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

/** A zero-filled typed array of `length` cells. */
export function allocate<D extends DType>(dtype: D, length: number): TypedArray<D> {
  if (!(Number.isSafeInteger(length) && length >= 0) || length * DTYPE_INFO[dtype].bytes > memoryBudget())
    checkBudget(length * DTYPE_INFO[dtype].bytes, `an array of ${length} ${dtype} values`);
  return new CTORS[dtype](length) as TypedArray<D>;
}

/** True when `a` is the typed array that carries `dtype` (e.g. a Float32Array for "float32"). */
export function isTypedArrayOf<D extends DType>(dtype: D, a: unknown): a is TypedArray<D> {
  return a instanceof CTORS[dtype];
}

/** A typed-array view of `dtype` over bytes (no copy; `byteOffset` must be aligned). */
export function viewOf<D extends DType>(
  dtype: D,
  buffer: ArrayBufferLike,
  byteOffset = 0,
  length?: number,
): TypedArray<D> {
  const n = length ?? (buffer.byteLength - byteOffset) / DTYPE_INFO[dtype].bytes;
  return new CTORS[dtype](buffer as ArrayBuffer, byteOffset, n) as TypedArray<D>;
}

/** The dtype of a TIFF sample given its SampleFormat (1/2/3) and BitsPerSample, or null. */
export function dtypeFromTiff(sampleFormat: number, bitsPerSample: number): DType | null {
  for (const d of DTYPES) {
    const info = DTYPE_INFO[d];
    if (info.sampleFormat === sampleFormat && info.bytes * 8 === bitsPerSample) return d;
  }
  return null;
}

/** True when `value` is representable in `dtype` (NaN only in float dtypes). */
export function fitsDtype(value: number, dtype: DType): boolean {
  const info = DTYPE_INFO[dtype];
  if (Number.isNaN(value)) return info.sampleFormat === 3;
  if (info.sampleFormat !== 3 && !Number.isInteger(value)) return false;
  return value >= info.min && value <= info.max;
}

/** Type guard: is `s` one of the {@link DType} names? */
export function isDType(s: string): s is DType {
  return s in DTYPE_INFO;
}
