/**
 * CF grid-mapping attributes for a CRS (`grid_mapping_name`, its parameters and the ellipsoid),
 * written beside `crs_wkt` on a Zarr output's `spatial_ref`, as rioxarray writes them (pyproj's
 * `CRS.to_cf`): netCDF tools that read no WKT (CDO, ncview, Panoply, MetPy's own reading) place
 * the grid by them. The inverse of `cf-grid-mapping.ts`; the tests read each back with pyproj's
 * `CRS.from_cf` and with tilecast. A projection CF has no mapping for (Krovak, oblique Mercator,
 * Lambert conformal with a scale factor, a south-orientated grid) gives null: `crs_wkt` alone
 * describes it.
 *
 * Internal to the Zarr writer; for example:
 * ```ts internal
 * cfGridMappingAttrs(crsFromEpsg(32633));
 * // { grid_mapping_name: "transverse_mercator", longitude_of_central_meridian: 15,
 * //   latitude_of_projection_origin: 0, scale_factor_at_central_meridian: 0.9996,
 * //   false_easting: 500000, false_northing: 0, semi_major_axis: 6378137, inverse_flattening: 298.257223563 }
 * ```
 */
import { type Crs, proj4, proj4Definition } from "../../grid/crs.js";

const DEG = 180 / Math.PI;

/** The parameters proj4 derives from a definition (angles in radians). */
type ProjParams = Record<string, unknown> & { names?: string[] };

/** A number, rounded off the radians-to-degrees noise (15 significant digits). */
function clean(v: number): number {
  return Number(v.toPrecision(15));
}

/** The ellipsoid, prime meridian and datum shift terms. */
function ellipsoidAttrs(p: ProjParams): Record<string, number | number[]> {
  const a = Number(p.a);
  const b = Number(p.b);
  const rf = p.rf !== undefined ? Number(p.rf) : Number.NaN;
  const out: Record<string, number | number[]> =
    p.sphere === true || a === b
      ? { earth_radius: a }
      : Number.isFinite(rf) && rf !== 0
        ? { semi_major_axis: a, inverse_flattening: rf }
        : { semi_major_axis: a, semi_minor_axis: b };
  const pm = typeof p.from_greenwich === "number" ? p.from_greenwich * DEG : 0;
  if (pm) out.longitude_of_prime_meridian = clean(pm);
  const shift = p.datum_params;
  if (Array.isArray(shift) && (shift.length === 3 || shift.length === 7) && shift.some((v) => Number(v) !== 0))
    out.towgs84 = shift.map(Number);
  return out;
}

/** CF grid-mapping attributes for `crs`, or null where CF has no mapping for it (see the module note). */
export function cfGridMappingAttrs(crs: Crs): Record<string, string | number | number[]> | null {
  let p: ProjParams;
  try {
    p = new (proj4().Proj)(proj4Definition(crs)) as unknown as ProjParams;
  } catch {
    return null;
  }
  const names = new Set((p.names ?? []).map((n) => n.toLowerCase()));
  const has = (n: string) => names.has(n);
  const deg = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? clean(v * DEG) : 0);
  const num = (v: unknown, d: number) => (typeof v === "number" && Number.isFinite(v) ? v : d);
  // In the coordinates' units (PROJ's are metres), as CF says and pyproj's to_cf and GDAL write them.
  const unit = num(p.to_meter, 1);
  const offsets = { false_easting: clean(num(p.x0, 0) / unit), false_northing: clean(num(p.y0, 0) / unit) };
  const lat0 = deg(p.lat0);
  const lon0 = deg(p.long0);
  // Polar stereographic and Mercator: the latitude of true scale, else the scale factor.
  const trueScale: Record<string, number> =
    p.lat_ts === undefined ? { scale_factor_at_projection_origin: num(p.k0, 1) } : { standard_parallel: deg(p.lat_ts) };
  // CF's mappings point x east and y north: a south-orientated grid has none.
  if (p.axis !== undefined && p.axis !== "enu") return null;
  let m: Record<string, string | number | number[]>;
  if (has("longlat") || has("identity")) m = { grid_mapping_name: "latitude_longitude" };
  else if (has("ob_tran") && /^(longlat|latlong|lonlat|latlon)$/.test(String(p.o_proj ?? "")))
    m = {
      grid_mapping_name: "rotated_latitude_longitude",
      grid_north_pole_latitude: deg(p.oLatP),
      grid_north_pole_longitude: clean(lon0 - 180),
      north_pole_grid_longitude: deg(p.oLongP),
    };
  else if (has("tmerc") || has("utm") || has("etmerc"))
    m = {
      grid_mapping_name: "transverse_mercator",
      longitude_of_central_meridian: lon0,
      latitude_of_projection_origin: lat0,
      scale_factor_at_central_meridian: num(p.k0, 1),
      ...offsets,
    };
  else if (has("lcc")) {
    if (num(p.k0, 1) !== 1) return null; // CF's Lambert conformal has no scale factor
    const lat1 = deg(p.lat1);
    const lat2 = p.lat2 === undefined ? lat1 : deg(p.lat2);
    m = {
      grid_mapping_name: "lambert_conformal_conic",
      standard_parallel: lat1 === lat2 ? lat1 : [lat1, lat2],
      longitude_of_central_meridian: lon0,
      latitude_of_projection_origin: lat0,
      ...offsets,
    };
  } else if (has("aea"))
    m = {
      grid_mapping_name: "albers_conical_equal_area",
      standard_parallel: [deg(p.lat1), deg(p.lat2)],
      longitude_of_central_meridian: lon0,
      latitude_of_projection_origin: lat0,
      ...offsets,
    };
  else if (has("laea"))
    m = {
      grid_mapping_name: "lambert_azimuthal_equal_area",
      longitude_of_projection_origin: lon0,
      latitude_of_projection_origin: lat0,
      ...offsets,
    };
  else if (has("stere") && Math.abs(Math.abs(lat0) - 90) < 1e-9)
    m = {
      grid_mapping_name: "polar_stereographic",
      straight_vertical_longitude_from_pole: lon0,
      latitude_of_projection_origin: lat0,
      ...trueScale,
      ...offsets,
    };
  else if (has("stere"))
    m = {
      grid_mapping_name: "stereographic",
      longitude_of_projection_origin: lon0,
      latitude_of_projection_origin: lat0,
      scale_factor_at_projection_origin: num(p.k0, 1),
      ...offsets,
    };
  else if (has("merc"))
    m = {
      grid_mapping_name: "mercator",
      longitude_of_projection_origin: lon0,
      ...trueScale,
      ...offsets,
    };
  else if (has("sinu")) m = { grid_mapping_name: "sinusoidal", longitude_of_central_meridian: lon0, ...offsets };
  else if (has("cea"))
    m = {
      grid_mapping_name: "lambert_cylindrical_equal_area",
      standard_parallel: deg(p.lat_ts),
      longitude_of_central_meridian: lon0,
      ...offsets,
    };
  else if (has("aeqd") || has("ortho"))
    m = {
      grid_mapping_name: has("ortho") ? "orthographic" : "azimuthal_equidistant",
      longitude_of_projection_origin: lon0,
      latitude_of_projection_origin: lat0,
      ...offsets,
    };
  else if (has("geos"))
    m = {
      grid_mapping_name: "geostationary",
      perspective_point_height: num(p.h, 0),
      longitude_of_projection_origin: lon0,
      latitude_of_projection_origin: 0,
      sweep_angle_axis: p.sweep === "x" ? "x" : "y",
      ...offsets,
    };
  else return null;
  return { ...m, ...ellipsoidAttrs(p) };
}
