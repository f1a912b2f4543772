/**
 * CF conventions as xarray applies them, in xarray's order: `_Unsigned` (netCDF 3 has no unsigned
 * types, so GOES radiances, say, are uint16 stored as int16 with `_Unsigned = "true"`; the bytes
 * are read as the unsigned type, and a signed type's with `"false"`), then `_FillValue` /
 * `missing_value` as missing cells, then packed values `stored * scale_factor + add_offset`; and
 * time coordinates in "UNITS since DATE" (`cf-time.ts`).
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
import { allocate, fitsDtype, viewOf } from "../../grid/dtype.js";
import { fillNumber } from "./fill-marks.js";

/** How a stored variable decodes. */
export interface CfEncoding {
  /** Stored dtype. */
  stored: DType;
  /** The integer type `_Unsigned` says the stored bytes are (the stored type's other sign), if any. */
  view?: DType;
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
  const view = unsignedView(stored, attrs._Unsigned);
  const read = view ?? stored;
  // Compared as xarray compares them: the attribute's value as it is (a double _FillValue on a
  // float32 variable masks nothing there, unlike GDAL_NODATA text on a float32 GeoTIFF band),
  // taken into the type `_Unsigned` names as xarray takes it (int16 -1 is uint16 65535).
  // Each of a list's values, as xarray takes them (`missing_value: [-999, -9999]`).
  // A v3 store's float `_FillValue` as xarray writes it, base64-encoded, too (fill-marks.ts).
  const all = (v: unknown): number[] =>
    (Array.isArray(v) ? v : [v]).map(fillNumber).filter((n): n is number => n !== null);
  const fills = all(attrs._FillValue);
  const missing = [...(fills.length ? fills : fillValue === null ? [] : [fillValue]), ...all(attrs.missing_value)].map(
    (v) => (view ? sameBits(v, stored, view) : v),
  );
  let decoded: DType = read;
  if (scale !== null || offset !== null) {
    const smallInt = ["int8", "uint8", "int16", "uint16"].includes(read);
    decoded = read === "float32" || smallInt ? "float32" : "float64";
  }
  return { stored, ...(view ? { view } : {}), decoded, scale, offset, missing: [...new Set(missing)] };
}

const OTHER_SIGN: Partial<Record<DType, DType>> = {
  int8: "uint8",
  int16: "uint16",
  int32: "uint32",
  uint8: "int8",
  uint16: "int16",
  uint32: "int32",
};

/**
 * The type an `_Unsigned` attribute says a stored integer type's bytes are: the unsigned type for
 * a signed one with "true", the signed type for an unsigned one with "false"; else undefined
 * (xarray ignores it on other types, and so does this).
 */
function unsignedView(stored: DType, flag: unknown): DType | undefined {
  const f = typeof flag === "string" ? flag.trim().toLowerCase() : typeof flag === "boolean" ? String(flag) : "";
  const signed = stored.startsWith("int");
  if ((f === "true" && signed) || (f === "false" && !signed)) return OTHER_SIGN[stored];
  return undefined;
}

/** A value of integer type `from` as the integer of type `to` with the same bits (0 if not an integer of `from`). */
function sameBits(v: number, from: DType, to: DType): number {
  const a = allocate(from, 1);
  a[0] = v;
  return viewOf(to, a.buffer, 0, 1)[0] as number;
}

/** A packed variable read as stored: the encoding that keeps its values, and what unpacks them. */
export interface KeptPacking {
  /** Reads the stored values as they are (in the type `_Unsigned` names). */
  enc: CfEncoding;
  scale: number;
  offset: number;
  /** The stored value that marks missing cells, or null. */
  nodata: number | null;
}

/**
 * How to read packed variable `e` without unpacking it, so that a copy keeps its stored integers
 * and their packing (as `gdal_translate` keeps a netCDF's); null where it is not packed, or marks
 * missing cells with more than one value or with one its stored type cannot hold (a raster has
 * one nodata value of its own type).
 */
export function keptPacking(e: CfEncoding): KeptPacking | null {
  if (e.scale === null && e.offset === null) return null;
  const read = e.view ?? e.stored;
  const nodata = e.missing[0] ?? null;
  if (e.missing.length > 1 || (nodata !== null && !fitsDtype(nodata, read))) return null;
  const enc: CfEncoding = { ...e, decoded: read, scale: null, offset: null, missing: [] };
  return { enc, scale: e.scale ?? 1, offset: e.offset ?? 0, nodata };
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
export function cfDecode(stored: TypedArray, e: CfEncoding): TypedArray {
  const values = e.view ? viewOf(e.view, stored.buffer, stored.byteOffset, stored.length) : stored;
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
  return cfUnpackInto(stored, e, allocate(e.decoded, values.length));
}

/**
 * Unpack packed values (`e` has a scale or offset) into `out`, an array of `e.decoded`'s type and
 * the values' length: missing cells NaN, the rest `stored * scale + offset` in the decoded
 * precision, as {@link cfDecode} does without allocating.
 */
export function cfUnpackInto(stored: TypedArray, e: CfEncoding, out: TypedArray): TypedArray {
  const values = e.view ? viewOf(e.view, stored.buffer, stored.byteOffset, stored.length) : stored;
  const f32 = e.decoded === "float32";
  const scale = f32 ? Math.fround(e.scale ?? 1) : (e.scale ?? 1);
  const offset = f32 ? Math.fround(e.offset ?? 0) : (e.offset ?? 0);
  const marks = e.missing.filter((v) => !Number.isNaN(v));
  if (f32 && marks.length <= 1) {
    // The common case, one fill value, without a closure per value: a float32 output rounds
    // the sum as numpy's float32 addition does (the stored values are exact in float32).
    const mark = marks[0] ?? Number.NaN;
    const nan = marks.length < e.missing.length;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      out[i] = v === mark || (nan && v !== v) ? Number.NaN : Math.fround(v * scale) + offset;
    }
    return out;
  }
  const isMissing = (v: number) => (v !== v && marks.length < e.missing.length) || marks.includes(v);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (isMissing(v)) out[i] = Number.NaN;
    else if (f32) out[i] = Math.fround(Math.fround(Math.fround(v) * scale) + offset);
    else out[i] = v * scale + offset;
  }
  return out;
}
