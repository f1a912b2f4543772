/**
 * CF conventions as xarray applies them: packed values `stored * scale_factor + add_offset`,
 * `_FillValue` / `missing_value` as missing cells, and time coordinates in "UNITS since DATE" (`cf-time.ts`).
 *
 * The decoded dtype follows xarray (Debian's 2023.01, which the tests compare against): float32
 * stays float32, integers of up to 16 bits unpack to float32, everything else to float64.
 *
 * @example
 * ```ts
 * import { cfEncoding } from "tilecast";
 * cfEncoding("int16", { scale_factor: 0.01, add_offset: 273.15 }, -32768).decoded; // "float32"
 * ```
 */
import type { DType, TypedArray } from "../../grid/dtype.js";
import { allocate } from "../../grid/dtype.js";

/** How a stored variable decodes. */
export interface CfEncoding {
  /** Stored dtype. */
  stored: DType;
  /** Decoded dtype. */
  decoded: DType;
  scale: number | null;
  offset: number | null;
  /** Values that mark missing cells in the stored data. */
  missing: number[];
}

const num = (v: unknown): number | null =>
  typeof v === "number" ? v : Array.isArray(v) && typeof v[0] === "number" ? v[0] : null;

/** Read a variable's CF encoding from its attributes and the array's fill value. */
export function cfEncoding(
  stored: DType,
  attrs: Readonly<Record<string, unknown>>,
  fillValue: number | null,
): CfEncoding {
  const scale = num(attrs.scale_factor);
  const offset = num(attrs.add_offset);
  // Compared as xarray compares them: the attribute's value as it is (a double _FillValue on a
  // float32 variable masks nothing there, unlike GDAL_NODATA text on a float32 GeoTIFF band).
  const missing = [num(attrs._FillValue) ?? fillValue, num(attrs.missing_value)].filter((v): v is number => v !== null);
  let decoded: DType = stored;
  if (scale !== null || offset !== null) {
    const smallInt = ["int8", "uint8", "int16", "uint16"].includes(stored);
    decoded = stored === "float32" || smallInt ? "float32" : "float64";
  }
  return { stored, decoded, scale, offset, missing: [...new Set(missing)] };
}

/** The nodata value of decoded data: NaN for floats, else the first missing value (or null). */
export function decodedNodata(e: CfEncoding): number | null {
  if (e.decoded === "float32" || e.decoded === "float64")
    return e.missing.length || e.scale !== null || e.offset !== null ? Number.NaN : null;
  return e.missing[0] ?? null;
}

/**
 * Decode stored values: missing cells become NaN (floats) or stay the fill value (integers);
 * packed values are unpacked in the decoded dtype's precision, as numpy does.
 */
export function cfDecode(values: TypedArray, e: CfEncoding): TypedArray {
  const isMissing = e.missing.some(Number.isNaN)
    ? (v: number) => Number.isNaN(v) || e.missing.includes(v)
    : (v: number) => e.missing.includes(v);
  const floatOut = e.decoded === "float32" || e.decoded === "float64";
  if (e.scale === null && e.offset === null) {
    if (!floatOut || e.missing.length === 0) return values;
    if (e.missing.every(Number.isNaN) && e.stored === e.decoded) return values; // NaN stays NaN
    if (e.stored === e.decoded) {
      // A copy of the bytes, then NaN where missing: a value copied through JavaScript would lose
      // a signalling NaN's payload (float-bits.ts).
      const out = values.slice();
      for (let i = 0; i < values.length; i++) if (isMissing(values[i] as number)) out[i] = Number.NaN;
      return out;
    }
    const out = allocate(e.decoded, values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      out[i] = isMissing(v) ? Number.NaN : v;
    }
    return out;
  }
  const out = allocate(e.decoded, values.length);
  const f32 = e.decoded === "float32";
  const scale = f32 ? Math.fround(e.scale ?? 1) : (e.scale ?? 1);
  const offset = f32 ? Math.fround(e.offset ?? 0) : (e.offset ?? 0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (isMissing(v)) out[i] = Number.NaN;
    else if (f32) out[i] = Math.fround(Math.fround(Math.fround(v) * scale) + offset);
    else out[i] = v * scale + offset;
  }
  return out;
}
