/**
 * numpy's datetime64 and timedelta64 arrays in Zarr v2 (`"<M8[ns]"`, `"<m8[h]"`), which
 * zarr-python writes for such coordinates when xarray is not encoding them and which zarrita
 * cannot open: read as the int64 counts they store, with the CF units those counts are in
 * (`nanoseconds since 1970-01-01` for a datetime, `hours` for a timedelta), so a datetime
 * coordinate decodes as times, as xarray reads it. Units of months or years, or multiples such
 * as `[10ms]`, are left for zarrita to refuse.
 */

/** numpy's time units and their CF names. */
const UNITS: Record<string, string> = {
  W: "weeks",
  D: "days",
  h: "hours",
  m: "minutes",
  s: "seconds",
  ms: "milliseconds",
  us: "microseconds",
  ns: "nanoseconds",
};

/**
 * Turn one v2 array's datetime64/timedelta64 dtype into int64; the CF units of its counts, or
 * null when the dtype is not such a type.
 */
export function rewriteDatetime(m: Record<string, unknown>): string | null {
  const d = typeof m.dtype === "string" ? /^([<>|])([Mm])8\[(\w+)\]$/.exec(m.dtype) : null;
  const unit = d ? UNITS[d[3] as string] : undefined;
  if (!d || !unit) return null;
  m.dtype = `${d[1] === ">" ? ">" : "<"}i8`;
  if (typeof m.fill_value === "string") m.fill_value = null; // "NaT"
  return d[2] === "M" ? `${unit} since 1970-01-01 00:00:00` : unit;
}
