/**
 * The grid mapping a Zarr variable names in `grid_mapping`, and the CRS text it gives: its
 * `crs_wkt`, else `spatial_ref` (rioxarray's and GDAL's), else its CF parameters
 * (cf-grid-mapping.ts), as the EPSG code its CF names name where that is the same CRS
 * (epsg-names.ts). CF 1.7's extended form names a mapping per set of coordinates
 * (`"crsOSGB: x y crsWGS84: lat lon"`); the one listed for the variable's x or y is taken, as
 * GDAL's netCDF driver takes it.
 *
 * A mapping that gives no CRS (its variable is not in the store, its `grid_mapping_name` is not
 * one CF defines, a parameter the mapping needs is missing, its WKT is cut short) is an error
 * naming the store and the mapping: read on, the variable's outputs would have no CRS, or a
 * broken one, and land nowhere in GIS.
 *
 * Internal (used by `source.ts`).
 */
import { TilecastError } from "../../errors.js";
import { isGeographic, parseCrs } from "../../grid/crs.js";
import type { CrsNames } from "../../grid/crs-names.js";
import { metresPerUnit } from "../../grid/crs-units.js";
import { namedEpsg } from "../../grid/epsg-names.js";
import type { Georef } from "../../grid/grid.js";
import { cfCoordinateScale, cfGridMappingProj, cfNames } from "./cf-grid-mapping.js";
import type { ZarrArrayInfo } from "./dataset.js";
import { sameUnit, unitMetres } from "./length-units.js";

/** The grid mappings CF defines (CF 1.11, appendix F), all of which cf-grid-mapping.ts reads. */
const CF_MAPPINGS = new Set([
  "albers_conical_equal_area",
  "azimuthal_equidistant",
  "geostationary",
  "lambert_azimuthal_equal_area",
  "lambert_conformal_conic",
  "lambert_cylindrical_equal_area",
  "latitude_longitude",
  "mercator",
  "oblique_mercator",
  "orthographic",
  "polar_stereographic",
  "rotated_latitude_longitude",
  "sinusoidal",
  "stereographic",
  "transverse_mercator",
  "vertical_perspective",
]);

export interface GridMapping {
  /** The mapping variable's name and attributes (its `GeoTransform`, its geostationary height). */
  name: string;
  attrs: Readonly<Record<string, unknown>>;
  /** The CRS it gives, as `parseCrs` reads it. */
  crsText: string;
  /** Its parts' CF names, where the CRS is its CF parameters (a WKT names its own). */
  names?: CrsNames;
}

/**
 * The mapping name `grid_mapping` gives for a variable whose spatial dimensions are `xDim` and
 * `yDim`: the whole text in the short form; in the extended form, the mapping whose coordinates
 * include either; null where none does (its mappings are for other coordinates).
 */
export function mappingName(ref: string, xDim: string, yDim: string): string | null {
  if (!ref.includes(":")) return ref.trim() || null;
  let current: string | null = null;
  for (const token of ref.replace(/\s+:/g, ":").split(/\s+/).filter(Boolean)) {
    if (token.endsWith(":")) current = token.slice(0, -1);
    else if (current && (token === xDim || token === yDim)) return current;
  }
  return null;
}

/** The first of the mapping's CRS texts that parses, with the problem of the first that did not. */
function wktText(attrs: Readonly<Record<string, unknown>>): { text: string | null; problem: string | null } {
  let problem: string | null = null;
  for (const key of ["crs_wkt", "spatial_ref"]) {
    const v = attrs[key];
    if (typeof v !== "string" || !v.trim()) continue;
    try {
      parseCrs(v);
      return { text: v, problem: null };
    } catch (e) {
      problem ??= `a ${key} that is not WKT (${e instanceof Error ? e.message : String(e)})`;
    }
  }
  return { text: null, problem };
}

/**
 * The grid mapping variable `variable` (spatial dimensions `xDim`, `yDim`) names, and its CRS
 * text for projected coordinates in km or metres; null where it names none. An error naming the
 * store (`path`) where the mapping gives no CRS.
 */
export function gridMappingOf(
  arrays: ReadonlyMap<string, ZarrArrayInfo>,
  variable: string,
  info: ZarrArrayInfo,
  dims: { x: string; y: string; metres: number },
  path: string,
): GridMapping | null {
  const ref = info.attrs.grid_mapping;
  if (typeof ref !== "string") return null;
  const name = mappingName(ref, dims.x, dims.y);
  if (name === null) return null;
  const fail = (what: string) => new TilecastError("E_FORMAT", what, { path });
  // A CF 1.8 path ("/crs", "../crs") is looked up by its last name, as the group's view sees
  // the groups above it (groups.ts).
  const gm = arrays.get(name) ?? arrays.get(name.split("/").pop() ?? name);
  if (!gm) throw fail(`variable '${variable}' names grid mapping '${name}', which is not in the store`);
  const { attrs } = gm;
  const of = `grid mapping '${name}' of '${variable}'`;
  const wkt = wktText(attrs);
  if (wkt.text !== null) return { name, attrs, crsText: wkt.text };
  const cf = cfGridMappingProj(attrs, dims.metres);
  if (cf !== null) {
    // The EPSG code its names name, where that is its CRS (as pyproj's to_cf writes one).
    const names = cfNames(attrs);
    const code = names?.crs || names?.gcs ? namedEpsg(parseCrs(cf), names) : null;
    if (code !== null) return { name, attrs, crsText: `EPSG:${code}` };
    return { name, attrs, crsText: cf, ...(names ? { names } : {}) };
  }
  if (wkt.problem) throw fail(`${of} has ${wkt.problem}`);
  const gmn = typeof attrs.grid_mapping_name === "string" ? attrs.grid_mapping_name.trim() : "";
  if (!gmn) throw fail(`${of} has no crs_wkt, spatial_ref or grid_mapping_name`);
  if (CF_MAPPINGS.has(gmn.toLowerCase())) throw fail(`${of} (${gmn}) lacks a parameter CF requires of it`);
  throw fail(`${of} has no crs_wkt or spatial_ref, and grid_mapping_name '${gmn}' is not one CF defines`);
}

/** `georef` with the mapping's CF names on its CRS, where that CRS is the mapping's parameters. */
export function withMappingNames(georef: Georef | null, gm: GridMapping | null): Georef | null {
  const crs = georef?.crs;
  if (!georef || !crs || !gm?.names || crs.proj4 !== gm.crsText || crs.wkt !== null) return georef;
  return { ...georef, crs: { ...crs, names: gm.names } };
}

/**
 * What a projected coordinate is multiplied by to be in its CRS's units: a geostationary view's
 * scan angles by its height (cf-grid-mapping.ts); a coordinate CF labels in other units than its
 * CRS's (a `crs_wkt` or `_CRS` beside it), kilometres or feet on a CRS in metres, by the ratio
 * of the units (GDAL's netCDF driver scales kilometres alone, and places feet as metres).
 */
export function coordinateScale(
  gm: GridMapping | null,
  crsText: string | null,
  coord: Readonly<Record<string, unknown>>,
): number {
  const k = gm ? cfCoordinateScale(gm.attrs, coord) : 1;
  const metres = unitMetres(coord.units);
  if (k !== 1 || !crsText || metres === null) return k;
  const crs = parseCrs(crsText);
  if (isGeographic(crs)) return 1;
  const own = metresPerUnit(crs);
  return sameUnit(metres, own) ? 1 : metres / own;
}
