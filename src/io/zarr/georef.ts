/**
 * Georeferencing a Zarr variable from its coordinate variables, as GDAL expects it:
 * - regular 1-D latitude/longitude give an EPSG:4326 transform of pixel edges (centre minus half
 *   a step); ascending latitude is flagged so readers flip rows to north-up;
 * - a grid whose longitudes span 360 degrees is periodic in x;
 * - projected x/y with a CRS (`grid_mapping` -> `crs_wkt`/`spatial_ref`, as rioxarray writes)
 *   give a projected transform;
 * - without x/y coordinates, the grid mapping's `GeoTransform` (rioxarray's, GDAL order) gives it,
 *   as rioxarray reads it; a CRS with neither is a CRS without a transform.
 *
 * @example
 * ```ts
 * import { georefFromCoords } from "tilecast";
 * const g = georefFromCoords({ name: "lat", values: [90, 80, 70] }, { name: "lon", values: [0, 10, 20] }, null);
 * g?.georef.transform; // [-5, 10, 0, 95, 0, -10]
 * ```
 */

import { TilecastError } from "../../errors.js";
import { type Crs, crsFromEpsg, parseCrs } from "../../grid/crs.js";
import { isSingular } from "../../grid/geotransform.js";
import { type Georef, unplacedGeoref } from "../../grid/grid.js";

/** A 1-D coordinate: its name and values. */
export interface Coord {
  name: string;
  values: ArrayLike<number>;
}

/** Georeferencing derived from coordinates. */
export interface CoordGeoref {
  georef: Georef;
  /** Rows must be reversed to be north-up (ascending y coordinate). */
  flipY: boolean;
  periodicX: boolean;
}

const LAT = /^(lat|latitude|y_lat|nav_lat)$/i;
const LON = /^(lon|long|longitude|x_lon|nav_lon)$/i;

/** The step of a regular coordinate, or null when it is irregular (or shorter than 2). */
export function regularStep(v: ArrayLike<number>): number | null {
  if (v.length < 2) return null;
  const step = ((v[v.length - 1] as number) - (v[0] as number)) / (v.length - 1);
  if (step === 0 || !Number.isFinite(step)) return null;
  for (let i = 1; i < v.length; i++) {
    // Written so that a NaN step between two values is irregular too.
    if (!(Math.abs((v[i] as number) - (v[i - 1] as number) - step) <= Math.abs(step) * 1e-6)) return null;
  }
  return step;
}

/**
 * How far, in steps, a coordinate's values may stray from even spacing and still be placed by a
 * transform: a Gaussian grid's latitudes (CMIP models at T63, ECMWF's regular Gaussian grids)
 * stray 1 to 1.5 % of a step; GDAL's netCDF driver places latitudes whose spacing varies by up
 * to 0.1 degrees the same way.
 */
const NEAR = 0.05;

/**
 * The step of a monotonic coordinate whose every value lies within {@link NEAR} of a step of even
 * spacing from its first value to its last, as GDAL places a Gaussian grid; else null.
 */
export function nearRegularStep(v: ArrayLike<number>): number | null {
  if (v.length < 3) return null;
  const first = v[0] as number;
  const step = ((v[v.length - 1] as number) - first) / (v.length - 1);
  if (step === 0 || !Number.isFinite(step)) return null;
  for (let i = 1; i < v.length; i++) {
    const d = (v[i] as number) - (v[i - 1] as number);
    if (!(d * step > 0 && Math.abs((v[i] as number) - (first + i * step)) <= Math.abs(step) * NEAR)) return null;
  }
  return step;
}

/**
 * Longitudes of a regional grid that crosses the prime meridian in 0-360 form (350 ... 357.5,
 * 0 ... 40) or the antimeridian in -180-180 form (170 ... 180, -177.5 ...), made monotonic: 360
 * added (or taken, for a descending axis) where they jump back, then the whole taken down by 360
 * where it starts past 180, so Europe lies at -10 ... 40 and the Pacific at 170 ... 190. Values
 * that never jump back are returned as they are. (GDAL 3.6's netCDF driver places the first with
 * a transform 42.5 degrees wide per cell, and the second not at all.)
 */
export function unwrapLongitudes(v: Float64Array): Float64Array {
  const dir = Math.sign((v[1] ?? 0) - (v[0] ?? 0));
  if (v.length < 3 || dir === 0) return v;
  const out = Float64Array.from(v);
  let shift = 0;
  for (let i = 1; i < out.length; i++) {
    const d = (v[i] as number) + shift - (out[i - 1] as number);
    if (d * dir < 0 && Math.abs(d) > 180) shift += 360 * dir;
    out[i] = (v[i] as number) + shift;
  }
  if (shift === 0) return v;
  const start = Math.min(out[0] as number, out[out.length - 1] as number);
  return start >= 180 ? out.map((x) => x - 360) : out;
}

/** CF's spellings of latitude units (degrees_north, degree_north, degree_N, degrees_N, degreeN, degreesN). */
export const LAT_UNITS = /^degrees?_?n(orth)?$/i;
/** CF's spellings of longitude units (degrees_east, degree_east, degree_E, degrees_E, degreeE, degreesE). */
export const LON_UNITS = /^degrees?_?e(ast)?$/i;

/**
 * Is this pair of dims geographic (latitude, longitude), by name, or by their coordinates'
 * `standard_name` or units in any spelling CF allows (section 4.1: `degree_N`, `degreesN`, ...;
 * GDAL 3.6's netCDF driver takes `degrees_north` alone, and leaves the others unplaced)?
 */
export function isLatLon(
  y: string,
  x: string,
  yAttrs: Readonly<Record<string, unknown>> = {},
  xAttrs: Readonly<Record<string, unknown>> = {},
): boolean {
  const lat = LAT.test(y) || LAT_UNITS.test(String(yAttrs.units ?? "").trim()) || yAttrs.standard_name === "latitude";
  const lon = LON.test(x) || LON_UNITS.test(String(xAttrs.units ?? "").trim()) || xAttrs.standard_name === "longitude";
  return lat && lon;
}

/** The CRS coordinates are in: the grid mapping's text, else EPSG:4326 for latitude/longitude. */
export function coordCrs(crsText: string | null, latlon: boolean): Crs | null {
  if (crsText) return parseCrs(crsText);
  return latlon ? crsFromEpsg(4326) : null;
}

/**
 * Georef from y and x coordinates (pixel centres) and an optional CRS text: evenly spaced, or
 * nearly ({@link nearRegularStep}: placed from the first to the last value, as GDAL places them).
 * Returns null when a coordinate is irregular. `geoTransform`: the grid mapping's, whose exact
 * numbers are taken where they agree ({@link exactTransform}).
 */
export function georefFromCoords(
  y: Coord,
  x: Coord,
  crsText: string | null,
  geographic?: boolean,
  geoTransform?: unknown,
): CoordGeoref | null {
  const dy = regularStep(y.values) ?? nearRegularStep(y.values);
  const dx = regularStep(x.values) ?? nearRegularStep(x.values);
  if (dy === null || dx === null) return null;
  const latlon = geographic ?? isLatLon(y.name, x.name);
  const crs = coordCrs(crsText, latlon);
  const flipY = dy > 0;
  const top = flipY ? (y.values[y.values.length - 1] as number) : (y.values[0] as number);
  const x0 = (x.values[0] as number) - dx / 2;
  const y0 = top + Math.abs(dy) / 2;
  const periodicX = latlon && Math.abs(Math.abs(dx) * x.values.length - 360) < Math.abs(dx) * 1e-6;
  const georef: Georef = { transform: [x0, dx, 0, y0, 0, -Math.abs(dy)], crs, rasterType: "area" };
  return { georef: exactTransform(georef, geoTransform), flipY, periodicX };
}

/** A `GeoTransform` attribute's six finite numbers (GDAL order), or null. */
function sixNumbers(text: string): [number, number, number, number, number, number] | null {
  const v = text
    .trim()
    .split(/[\s,]+/)
    .map(Number);
  return v.length === 6 && v.every(Number.isFinite) ? (v as [number, number, number, number, number, number]) : null;
}

/**
 * Georef of a variable with no x/y coordinates: its grid mapping's `GeoTransform` text (six
 * numbers, GDAL order) and CRS; the CRS alone without one; null with neither. A GeoTransform that
 * is not six finite numbers, or whose pixels have no area, is an error naming the store.
 */
export function georefWithoutCoords(geoTransform: unknown, crsText: string | null, path: string): Georef | null {
  const crs = crsText ? parseCrs(crsText) : null;
  if (geoTransform === undefined || geoTransform === null) {
    return crs ? unplacedGeoref(crs) : null;
  }
  const gt = sixNumbers(String(geoTransform));
  if (!gt || isSingular(gt))
    throw new TilecastError(
      "E_FORMAT",
      `its grid mapping's GeoTransform is not six finite numbers of a transform with area ('${String(geoTransform).slice(0, 60)}')`,
      { path },
    );
  return { transform: gt, crs, rasterType: "area" };
}

/**
 * A transform from coordinates with the grid mapping's `GeoTransform` numbers where they agree
 * (to a millionth of a cell): a cell-centre coordinate such as 2.225 holds its step only to
 * float64's rounding, so a 0.01-degree grid written by tilecast or rioxarray read back 0.010000000000000004
 * wide, and a copy to GeoTIFF was not on the original's grid to GDAL. A `GeoTransform` that
 * disagrees (left behind when the coordinates were sliced) is ignored, as is one not of six numbers.
 */
export function exactTransform(georef: Georef, geoTransform: unknown): Georef {
  const t = georef.transform;
  const v = typeof geoTransform === "string" ? sixNumbers(geoTransform) : null;
  if (!t || !v) return georef;
  const cell = Math.max(Math.abs(t[1]), Math.abs(t[5]));
  const near = (i: number, tol: number) => Math.abs((v[i] as number) - (t[i] as number)) <= tol;
  const steps = [1, 2, 4, 5].every((i) => near(i, cell * 1e-9));
  const origin = [0, 3].every((i) => near(i, cell * 1e-6));
  return steps && origin ? { ...georef, transform: v } : georef;
}
