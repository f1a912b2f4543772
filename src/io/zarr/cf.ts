/**
 * CF conventions as xarray applies them: packed values `stored * scale_factor + add_offset`,
 * `_FillValue` / `missing_value` as missing cells, and time coordinates in "UNITS since DATE".
 *
 * The decoded dtype follows xarray (Debian's 2023.01, which the tests compare against): float32
 * stays float32, integers of up to 16 bits unpack to float32, everything else to float64.
 *
 * @example
 * ```ts
 * import { parseCfTime } from "tilecast";
 * parseCfTime([0, 6], "hours since 2020-01-01 00:00:00").map((d) => d.toISOString());
 * // ["2020-01-01T00:00:00.000Z", "2020-01-01T06:00:00.000Z"]
 * ```
 */
import { TilecastError } from "../../errors.js";
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

const UNIT_MS: Record<string, number> = {
  day: 86_400_000,
  days: 86_400_000,
  d: 86_400_000,
  hour: 3_600_000,
  hours: 3_600_000,
  h: 3_600_000,
  minute: 60_000,
  minutes: 60_000,
  min: 60_000,
  second: 1000,
  seconds: 1000,
  s: 1000,
  millisecond: 1,
  milliseconds: 1,
  ms: 1,
  microseconds: 0.001,
  nanoseconds: 0.000001,
};

/** True when attributes describe a CF time coordinate ("UNITS since DATE"). */
export function isCfTime(attrs: Readonly<Record<string, unknown>>): boolean {
  return typeof attrs.units === "string" && / since /.test(attrs.units);
}

/** Decode CF time values ("hours since 2020-01-01 00:00:00", standard calendars) to Dates. */
export function parseCfTime(values: ArrayLike<number | bigint>, units: string, calendar = "standard"): Date[] {
  // Runs of blanks made one first: a pattern with blanks either side of a lazy group rescans
  // each run at every step, which a hostile attribute of a megabyte of spaces makes hours.
  const m = /^(\w+) since (.+)$/.exec(units.trim().replace(/\s+/g, " "));
  const unit = m ? UNIT_MS[(m[1] ?? "").toLowerCase()] : undefined;
  if (!m || unit === undefined)
    throw new TilecastError("E_UNSUPPORTED", `cannot decode time units '${units.slice(0, 80)}'`);
  if (!["standard", "gregorian", "proleptic_gregorian"].includes(calendar.toLowerCase())) {
    throw new TilecastError("E_UNSUPPORTED", `calendar '${calendar}' is not supported (standard calendars only)`);
  }
  let ref = (m[2] ?? "").trim().replace(" ", "T");
  if (/^\d{4}-\d{1,2}-\d{1,2}$/.test(ref)) ref += "T00:00:00";
  ref = ref.replace(/^(\d{4})-(\d)-/, "$1-0$2-").replace(/-(\d)T/, "-0$1T");
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(ref)) ref += "Z";
  const base = Date.parse(ref);
  if (Number.isNaN(base))
    throw new TilecastError("E_UNSUPPORTED", `cannot parse the reference date in '${units.slice(0, 80)}'`);
  return Array.from(values, (v) => new Date(base + Number(v) * unit));
}
