/**
 * A class variable's names in a Zarr store, as CF writes them: `flag_values` (0, 1, ...) beside
 * `flag_meanings` (one word each, blank-separated), which cf_xarray, Panoply and CF checkers read.
 * tilecast's class rasters name their classes (GridAttrs `categoryNames`, GDAL's category names in
 * a GeoTIFF); a Zarr output wrote them as a list under tilecast's own key. A store's flags whose
 * values are 0 to n-1 in order are read back as the names (words keep their underscores).
 *
 * Internal (used by variable-attrs.ts and source.ts).
 */

/** CF's flag attributes for category names: a name's blanks become `_`, an empty name `value_I`. */
export function flagAttrs(names: readonly string[]): { flag_values: number[]; flag_meanings: string } {
  const words = names.map((n, i) => n.trim().replace(/\s+/g, "_") || `value_${i}`);
  return { flag_values: names.map((_, i) => i), flag_meanings: words.join(" ") };
}

/** The category names a variable's flags give value by value from 0, or null where they do not. */
export function categoryNamesOf(attrs: Readonly<Record<string, unknown>>): string[] | null {
  const meanings = attrs.flag_meanings;
  const values = typeof attrs.flag_values === "number" ? [attrs.flag_values] : attrs.flag_values;
  if (typeof meanings !== "string" || !Array.isArray(values)) return null;
  const words = meanings.trim().split(/\s+/);
  if (words.length !== values.length || !values.every((v, i) => v === i)) return null;
  return words;
}
