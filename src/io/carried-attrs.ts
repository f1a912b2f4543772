/**
 * Which of a grid's attributes a writer carries into another file as descriptive metadata (a
 * GeoTIFF's GDAL metadata items, a Zarr variable's attributes): text, numbers and booleans that
 * describe the data (`units`, `long_name`, `standard_name`, a GRIB parameter), not tilecast's own
 * typed attributes, which each format writes in its own place, and not the keys by which a CF or
 * Zarr file encodes its structure, which the writer sets itself or which would point at
 * variables the output does not have.
 *
 * Internal (used by the GeoTIFF and Zarr writers).
 */
import type { GridAttrs } from "../grid/grid.js";

type Text = string | number | boolean;

/**
 * tilecast's typed attributes (`GridAttrs`), written by each format in its own way. A file's own
 * item or attribute of one of these names is not read into them (`withoutTypedNames`).
 */
export const TYPED_ATTRS: ReadonlySet<string> = new Set([
  "bandNames",
  "scale",
  "offset",
  "colorTable",
  "categoryNames",
  "bandUnits",
  "bandMetadata",
  "bandVariables",
  "metadataDomains",
  "AREA_OR_POINT", // the GeoKeys' raster type
]);

/** CF and Zarr keys that encode a variable's storage or links, not what it holds. */
const STRUCTURE = new Set([
  "_ARRAY_DIMENSIONS",
  "_FillValue",
  "missing_value",
  "scale_factor",
  "add_offset",
  "_Unsigned",
  "dtype",
  "grid_mapping",
  "coordinates",
  "bounds",
  "_CRS",
  "band_names",
  "dimension_names",
  // CF puts these in the stored (packed) values; tilecast reads packed data unpacked.
  "valid_range",
  "valid_min",
  "valid_max",
]);

/** A finite number, text or a boolean. */
const isText = (v: unknown): v is Text =>
  typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));

/**
 * The descriptive attributes of `attrs` in their order: text, numbers and booleans, and with
 * `lists` (a Zarr writer) lists of them too (CF's `flag_values` beside its `flag_meanings`).
 */
export function carriedAttrs(attrs: GridAttrs | undefined, lists = false): [string, Text | Text[]][] {
  const out: [string, Text | Text[]][] = [];
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (TYPED_ATTRS.has(k) || STRUCTURE.has(k)) continue;
    if (isText(v)) out.push([k, v]);
    else if (lists && Array.isArray(v) && v.length && v.every(isText)) out.push([k, [...v]]);
  }
  return out;
}

/**
 * Each band's unit: the bands' own (a GeoTIFF's unit types), else a Zarr variable's `units` for
 * every band, else null.
 */
export function bandUnitsOf(attrs: GridAttrs | undefined, bands: number): (string | null)[] | null {
  if (attrs?.bandUnits?.some((u) => u)) return Array.from({ length: bands }, (_, b) => attrs.bandUnits?.[b] ?? null);
  return typeof attrs?.units === "string" && attrs.units ? Array(bands).fill(attrs.units) : null;
}

/** The one unit all `bands` share, or null where they have none or differ. */
export function commonUnit(attrs: GridAttrs | undefined, bands: number): string | null {
  const u = bandUnitsOf(attrs, bands);
  return u?.every((x) => x && x === u[0]) ? (u[0] as string) : null;
}

/**
 * A file's attributes without those named as tilecast's typed ones: a Zarr attribute or GDAL item
 * called `scale` or `bandNames` is the file's own, and read as one it would stand in for a list
 * the readers and writers rely on.
 */
export function withoutTypedNames(attrs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attrs).filter(([k]) => !TYPED_ATTRS.has(k)));
}
