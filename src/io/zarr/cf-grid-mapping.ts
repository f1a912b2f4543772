/**
 * A CRS from CF grid-mapping attributes alone (`grid_mapping_name: lambert_conformal_conic`,
 * `standard_parallel`, `longitude_of_central_meridian`, ...), as weather models' netCDF output
 * carries it into Zarr without a `crs_wkt`: as a PROJ string, following CF's Appendix F and
 * pyproj's `CRS.from_cf`, which rioxarray uses (the tests compare points with it). A
 * geostationary view's scan-angle coordinates are scaled to metres by {@link cfCoordinateScale}.
 * Mappings tilecast does not read this way give null.
 *
 * Internal to the Zarr reader; for example:
 * ```ts internal
 * cfGridMappingProj({ grid_mapping_name: "polar_stereographic", straight_vertical_longitude_from_pole: -45,
 *   standard_parallel: 70, latitude_of_projection_origin: 90 }, 1);
 * // "+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
 * ```
 */
import type { CrsNames } from "../../grid/crs-names.js";
import { projUnits } from "./length-units.js";

/** A finite number from a CF attribute (a number, a one-element list, or numeric text). */
function num(v: unknown): number | null {
  const x = Array.isArray(v) ? v[0] : v;
  const n = typeof x === "number" ? x : typeof x === "string" && x.trim() !== "" ? Number(x) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

/** "x" or "y" from an axis attribute, else undefined. */
function axisName(v: unknown): "x" | "y" | undefined {
  const t = typeof v === "string" ? v.trim().toLowerCase() : "";
  return t === "x" || t === "y" ? t : undefined;
}

/**
 * What a projected coordinate is multiplied by to be in the mapping's units: a geostationary
 * view's scan angles (radians, as GOES ABI stores x and y; CF's `projection_x_angular_coordinate`)
 * times the perspective point height, as GDAL's netCDF driver and PROJ's `geos` take them; 1 for
 * every other coordinate.
 */
export function cfCoordinateScale(
  mapping: Readonly<Record<string, unknown>>,
  coord: Readonly<Record<string, unknown>>,
): number {
  const name = typeof mapping.grid_mapping_name === "string" ? mapping.grid_mapping_name.trim().toLowerCase() : "";
  const h = num(mapping.perspective_point_height);
  if (name !== "geostationary" || h === null) return 1;
  const units = typeof coord.units === "string" ? coord.units.trim().toLowerCase() : "";
  if (/^(rad|radians?)$/.test(units)) return h;
  if (/^(urad|microradians?)$/.test(units)) return h * 1e-6;
  const angular = /^projection_[xy]_angular_coordinate$/.test(String(coord.standard_name ?? ""));
  return units === "" && angular ? h : 1;
}

/** The ellipsoid terms: a sphere's radius, the axes, or an inverse flattening; WGS 84 otherwise. */
function ellipsoid(a: Readonly<Record<string, unknown>>): string {
  const r = num(a.earth_radius);
  if (r !== null) return `+R=${r}`;
  const major = num(a.semi_major_axis);
  const minor = num(a.semi_minor_axis);
  const rf = num(a.inverse_flattening);
  if (major !== null && minor !== null) return `+a=${major} +b=${minor}`;
  if (major !== null && rf !== null) return rf === 0 ? `+R=${major}` : `+a=${major} +rf=${rf}`;
  if (major !== null) return `+R=${major}`;
  return "+ellps=WGS84";
}

/** The ellipsoid's eccentricity squared (0 for a sphere), from the attributes {@link ellipsoid} reads. */
function eccentricitySquared(a: Readonly<Record<string, unknown>>): number {
  if (num(a.earth_radius) !== null) return 0;
  const major = num(a.semi_major_axis);
  const minor = num(a.semi_minor_axis);
  const rf = num(a.inverse_flattening);
  if (major !== null && minor !== null) return 1 - (minor * minor) / (major * major);
  const f = major !== null ? (rf ? 1 / rf : 0) : 1 / 298.257223563;
  return f * (2 - f);
}

/**
 * The latitude (degrees) where a cylindrical equal-area map's scale is `k`: there
 * `k = cos φ / √(1 - e² sin² φ)`, so `sin² φ = (1 - k²) / (1 - k² e²)`. Null for k outside (0, 1].
 */
function trueScaleLatitude(k: number, es: number): number | null {
  if (!(k > 0 && k <= 1)) return null;
  return (Math.asin(Math.sqrt((1 - k * k) / (1 - k * k * es))) * 180) / Math.PI;
}

/**
 * The PROJ string of a CF grid mapping (its variable's attributes), for projected coordinates in
 * units `metres` long (length-units.ts: 1000 for "km", 0.3048 for "ft"), in which CF gives the
 * false easting and northing too; null for a mapping not read here or missing a parameter it needs.
 */
export function cfGridMappingProj(a: Readonly<Record<string, unknown>>, metres = 1): string | null {
  const name = typeof a.grid_mapping_name === "string" ? a.grid_mapping_name.trim().toLowerCase() : "";
  const p = (key: string, fallback?: number): number | null => num(a[key]) ?? fallback ?? null;
  const parallels = (Array.isArray(a.standard_parallel) ? a.standard_parallel : [a.standard_parallel]).map(num);
  const lat0 = p("latitude_of_projection_origin", 0);
  // CF's false easting and northing are in the coordinates' units; PROJ's +x_0 and +y_0 in metres.
  const offsets = `+x_0=${(p("false_easting", 0) as number) * metres} +y_0=${(p("false_northing", 0) as number) * metres}`;
  const pm = p("longitude_of_prime_meridian");
  const tail = `${ellipsoid(a)}${pm ? ` +pm=${pm}` : ""} ${projUnits(metres)} +no_defs`;
  const lon0 = p("longitude_of_central_meridian") ?? p("longitude_of_projection_origin");
  switch (name) {
    case "latitude_longitude":
      return `+proj=longlat ${ellipsoid(a)} +no_defs`;
    case "lambert_conformal_conic": {
      const [s1, s2 = s1] = parallels;
      if (s1 === null || s1 === undefined || s2 === null || lon0 === null) return null;
      return `+proj=lcc +lat_0=${lat0} +lon_0=${lon0} +lat_1=${s1} +lat_2=${s2} ${offsets} ${tail}`;
    }
    case "albers_conical_equal_area": {
      const [s1, s2 = s1] = parallels;
      if (s1 === null || s1 === undefined || s2 === null || lon0 === null) return null;
      return `+proj=aea +lat_0=${lat0} +lon_0=${lon0} +lat_1=${s1} +lat_2=${s2} ${offsets} ${tail}`;
    }
    case "polar_stereographic": {
      const lon = p("straight_vertical_longitude_from_pole") ?? lon0;
      const ts = parallels[0];
      const k = p("scale_factor_at_projection_origin");
      // By its standard parallel (variant B) the pole is the parallel's, as pyproj's to_cf
      // leaves it out (NSIDC's EPSG:3413, Antarctic EPSG:3031) and its from_cf reads it.
      const hasTs = ts !== null && ts !== undefined && ts !== 0;
      const pole = p("latitude_of_projection_origin") ?? (hasTs ? Math.sign(ts) * 90 : null);
      if (lon === null || (pole !== 90 && pole !== -90)) return null;
      const scale = hasTs ? `+lat_ts=${ts}` : `+k_0=${k ?? 1}`;
      return `+proj=stere +lat_0=${pole} ${scale} +lon_0=${lon} ${offsets} ${tail}`;
    }
    case "stereographic":
      if (lon0 === null) return null;
      return `+proj=stere +lat_0=${lat0} +lon_0=${lon0} +k_0=${p("scale_factor_at_projection_origin", 1)} ${offsets} ${tail}`;
    case "transverse_mercator":
      if (lon0 === null) return null;
      return `+proj=tmerc +lat_0=${lat0} +lon_0=${lon0} +k_0=${p("scale_factor_at_central_meridian", 1)} ${offsets} ${tail}`;
    case "mercator": {
      const ts = parallels[0];
      const scale =
        ts !== null && ts !== undefined ? `+lat_ts=${ts}` : `+k_0=${p("scale_factor_at_projection_origin", 1)}`;
      return `+proj=merc +lon_0=${lon0 ?? 0} ${scale} ${offsets} ${tail}`;
    }
    case "lambert_azimuthal_equal_area":
      if (lon0 === null) return null;
      return `+proj=laea +lat_0=${lat0} +lon_0=${lon0} ${offsets} ${tail}`;
    case "sinusoidal":
      return `+proj=sinu +lon_0=${lon0 ?? 0} ${offsets} ${tail}`;
    case "lambert_cylindrical_equal_area": {
      // EASE-Grid 2.0's global grid (standard parallel 30°); or by a scale factor instead, as the
      // parallel where the scale is 1 (proj4 takes no scale factor for it).
      const k = p("scale_factor_at_projection_origin");
      const ts = k !== null ? trueScaleLatitude(k, eccentricitySquared(a)) : (parallels[0] ?? 0);
      if (ts === null) return null;
      return `+proj=cea +lat_ts=${ts} +lon_0=${p("longitude_of_central_meridian", 0)} ${offsets} ${tail}`;
    }
    case "azimuthal_equidistant":
    case "orthographic": {
      const proj = name === "orthographic" ? "ortho" : "aeqd";
      return `+proj=${proj} +lat_0=${lat0} +lon_0=${p("longitude_of_projection_origin", 0)} ${offsets} ${tail}`;
    }
    case "vertical_perspective": {
      const h = p("perspective_point_height");
      if (h === null) return null;
      return `+proj=nsper +h=${h} +lat_0=${lat0} +lon_0=${p("longitude_of_projection_origin", 0)} ${offsets} ${tail}`;
    }
    case "oblique_mercator": {
      // Hotine's variant B (false origin at the projection centre), the grid not rotated back
      // from the central line's azimuth (gamma 0), as pyproj's `CRS.from_cf` reads CF's.
      const lat = p("latitude_of_projection_origin");
      const lon = p("longitude_of_projection_origin");
      const alpha = p("azimuth_of_central_line");
      if (lat === null || lon === null || alpha === null) return null;
      return `+proj=omerc +lat_0=${lat} +lonc=${lon} +alpha=${alpha} +gamma=0 +k=${p("scale_factor_at_projection_origin", 1)} ${offsets} ${tail}`;
    }
    case "rotated_latitude_longitude": {
      // Coordinates in degrees about the displaced pole, as pyproj's `CRS.from_cf` reads them.
      const poleLat = p("grid_north_pole_latitude");
      const poleLon = p("grid_north_pole_longitude");
      if (poleLat === null || poleLon === null) return null;
      const gridLon = p("north_pole_grid_longitude", 0);
      return `+proj=ob_tran +o_proj=longlat +o_lat_p=${poleLat} +o_lon_p=${gridLon} +lon_0=${180 + poleLon} ${ellipsoid(a)}${pm ? ` +pm=${pm}` : ""} +no_defs`;
    }
    case "geostationary": {
      // The axis the scanner sweeps: GOES sweeps x, Meteosat and Himawari y. CF names one of
      // the two; pyproj refuses a mapping that names neither, and so does this.
      const h = p("perspective_point_height");
      const fixed = axisName(a.fixed_angle_axis);
      const sweep = axisName(a.sweep_angle_axis) ?? (fixed && (fixed === "x" ? "y" : "x"));
      if (h === null || lon0 === null || sweep === undefined) return null;
      return `+proj=geos +h=${h} +lon_0=${lon0} +sweep=${sweep} ${offsets} ${tail}`;
    }
    default:
      return null;
  }
}

/**
 * The names CF 1.8 gives a mapping's parts (`projected_crs_name`, `geographic_crs_name`,
 * `horizontal_datum_name`, `reference_ellipsoid_name`, `prime_meridian_name`, as pyproj's
 * `to_cf` writes them), which GDAL compares: without them the datum is unnamed, and another
 * datum than WGS 84's to GDAL. Undefined where there are none.
 */
export function cfNames(a: Readonly<Record<string, unknown>>): CrsNames | undefined {
  const names: Record<string, string> = {};
  const keys: [keyof CrsNames, string][] = [
    ["crs", "projected_crs_name"],
    ["gcs", "geographic_crs_name"],
    ["datum", "horizontal_datum_name"],
    ["ellipsoid", "reference_ellipsoid_name"],
    ["primem", "prime_meridian_name"],
  ];
  for (const [k, attr] of keys) {
    const v = a[attr];
    if (typeof v === "string" && v.trim()) names[k] = v.trim();
  }
  return Object.keys(names).length ? names : undefined;
}
