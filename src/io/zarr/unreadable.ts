/**
 * Arrays of a data type tilecast does not read: complex numbers, raw bytes (`|V8`, v3's `r64`)
 * and structured records. Such an array is set aside when a store opens, not fatal to it: before,
 * one complex variable beside a float one made every variable of the store unreadable ("cannot
 * open array 'c64' (Unsupported or unknown dtype: <c8)", or "dtype.match is not a function" for
 * records), where xarray and GDAL read the others. Asking for it is an error naming its type.
 *
 * Internal (used by dataset.ts, source.ts and inspect.ts).
 */
import type { RawArrayMeta } from "./validate.js";

/** What `meta`'s data type is, where tilecast does not read it; null where it does. */
export function unreadableType(meta: RawArrayMeta | null, format: 2 | 3): string | null {
  const t = format === 2 ? meta?.dtype : meta?.data_type;
  if (Array.isArray(t)) {
    const fields = t.map((f) => (Array.isArray(f) ? String(f[0]) : "?"));
    return `structured records (fields ${fields.join(", ")})`;
  }
  if (typeof t !== "string") return null;
  if (/^[<>|=]?c\d+$/.test(t) || /^complex\d+$/.test(t)) return `complex numbers (${t})`;
  if (/^[<>|=]?V\d+$/.test(t) || /^r\d+$/.test(t)) return `raw bytes (${t})`;
  return null;
}
