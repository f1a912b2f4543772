/**
 * Which value marks a variable's missing cells. In a v2 store it is the array's `fill_value`
 * (xarray writes `_FillValue` there). A v3 array must name a fill value, and zarr-python gives
 * every array that names none 0 (xarray 2025 wrote float variables so, `fill_value: 0.0`), so
 * xarray reads a v3 store's missing cells from the `_FillValue` attribute instead, a float one
 * base64-encoded (`"AAAAAAAA+H8="` is NaN). Here a v3 array's `_FillValue` attribute says it;
 * without one, its `fill_value` does unless it is 0, the value that says nothing (a GDAL-made
 * store's nodata is its fill value). A v3 output carries its nodata as the attribute too.
 *
 * Internal (used by dataset.ts, cf.ts and sink.ts).
 */
import type { DType } from "../../grid/dtype.js";

/** The fill value of an array of `format` that marks missing cells (see the module documentation), or null. */
export function missingFill(
  fill: number | null,
  format: 2 | 3,
  attrs: Readonly<Record<string, unknown>>,
): number | null {
  if (format === 2 || fill === null || Number.isNaN(fill) || "_FillValue" in attrs) return fill;
  return fill === 0 ? null : fill;
}

const NAMED: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
};

/**
 * A `_FillValue` or `missing_value` item as a number: a number; the names Zarr gives NaN and the
 * infinities; a float64 base64-encoded little-endian, as xarray writes a float one in a v3 store;
 * else null.
 */
export function fillNumber(v: unknown): number | null {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return null;
  if (v in NAMED) return NAMED[v] as number;
  if (!/^[A-Za-z0-9+/]{11}=$/.test(v)) return null;
  return Buffer.from(v, "base64").readDoubleLE(0);
}

/** The `_FillValue` attribute a v3 output writes for nodata `v` of `dtype`, as xarray encodes it. */
export function fillAttr(v: number, dtype: DType): number | string {
  if (!dtype.startsWith("float")) return v;
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return b.toString("base64");
}
