/**
 * GDAL's GDAL_NODATA TIFF tag (42113, ASCII number, "nan" allowed). Its GDAL_METADATA tag is
 * `gdal-metadata.ts`'s.
 */

/** Parse GDAL_NODATA text ("nan", "-3.4028234663852886e+38", "0"). */
export function parseNodata(text: string | undefined | null): number | null {
  if (text === undefined || text === null) return null;
  const t = text.replace(/\0/g, "").trim().toLowerCase();
  if (t === "") return null;
  if (t === "nan" || t === "-nan") return Number.NaN;
  if (t === "inf" || t === "+inf") return Number.POSITIVE_INFINITY;
  if (t === "-inf") return Number.NEGATIVE_INFINITY;
  const v = Number(t);
  return Number.isNaN(v) ? null : v;
}

/** Format a nodata value as GDAL does (shortest round-trip text; "nan" for NaN). */
export function formatNodata(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Number.POSITIVE_INFINITY) return "inf";
  if (v === Number.NEGATIVE_INFINITY) return "-inf";
  return String(v);
}
