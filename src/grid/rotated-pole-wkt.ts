/**
 * The PROJ string of a rotated pole given as WKT 2 (a `GEOGCRS` with a `DERIVINGCONVERSION`, as
 * pyproj's `to_cf` writes into a COSMO or ICON store's `crs_wkt`): proj4 read that WKT as plain
 * longitude and latitude on its base CRS, so every point was off by the rotation with no error.
 * PROJ's three methods are read: CF's (the grid's north pole), GRIB's (its south pole and an axis
 * rotation) and its own `ob_tran`, each as PROJ writes it as `ob_tran`.
 *
 * @example
 * ```ts
 * import { parseCrs, transformPoint } from "tilecast";
 * const deg = 'ANGLEUNIT["degree",0.0174532925199433]';
 * const rotated = parseCrs(
 *   `GEOGCRS["rotated",BASEGEOGCRS["WGS 84",DATUM["WGS 84",ELLIPSOID["WGS 84",6378137,298.257223563]]],` +
 *     `DERIVINGCONVERSION["Pole rotation (netCDF CF convention)",METHOD["Pole rotation (netCDF CF convention)"],` +
 *     `PARAMETER["Grid north pole latitude (netCDF CF convention)",40,${deg}],` +
 *     `PARAMETER["Grid north pole longitude (netCDF CF convention)",-170,${deg}]],` +
 *     `CS[ellipsoidal,2],AXIS["lon",east,ORDER[1],${deg}],AXIS["lat",north,ORDER[2],${deg}]]`,
 * );
 * transformPoint(parseCrs("EPSG:4326"), rotated, [10, 50]); // ≈ [0, 0]: the grid's centre
 * ```
 */
import { deep, degrees, elements, factor, first, wktName, wktTree } from "./wkt-tree.js";

/** The rotated pole's PROJ string, or null where `wkt` is no rotated pole read here. */
export function rotatedPoleProj(wkt: string): string | null {
  const root = wktTree(wkt);
  const conversion = first(root, "DERIVINGCONVERSION");
  const ellipsoid = deep(first(root, "BASEGEOGCRS"), ["ELLIPSOID", "SPHEROID"]);
  if (root?.keyword !== "GEOGCRS" || !conversion || !ellipsoid) return null;
  // Parameters by name, in degrees (WKT 2 gives each its ANGLEUNIT).
  const params = elements(conversion, "PARAMETER").map((q) => {
    const radians = factor(first(q, "ANGLEUNIT", "UNIT"), Math.PI / 180);
    return [wktName(q.children[0]), degrees(Number(q.children[1]), radians)] as const;
  });
  const get = (name: string) => params.find(([k]) => k.startsWith(name))?.[1];
  const method = wktName(first(conversion, "METHOD")?.children[0]);
  let pole: string | null = null;
  if (method === "polerotationnetcdfcfconvention") {
    const [lat, lon] = [get("gridnorthpolelatitude"), get("gridnorthpolelongitude")];
    if (lat !== undefined && lon !== undefined)
      pole = `+o_lat_p=${lat} +o_lon_p=${get("northpolegridlongitude") ?? 0} +lon_0=${180 + lon}`;
  } else if (method === "projobtranoprojlonglat") {
    // PROJ's own method, as pyproj writes a rotated pole it was given as a PROJ string.
    const [lat, lon] = [get("olatp"), get("lon0")];
    if (lat !== undefined && lon !== undefined) pole = `+o_lat_p=${lat} +o_lon_p=${get("olonp") ?? 0} +lon_0=${lon}`;
  } else if (method === "polerotationgribconvention") {
    const [lat, lon] = [get("latitudeofthesouthernpole"), get("longitudeofthesouthernpole")];
    if (lat !== undefined && lon !== undefined)
      pole = `+o_lat_p=${-lat} +o_lon_p=${-(get("axisrotation") ?? 0)} +lon_0=${lon}`;
  }
  if (!pole) return null;
  const [a, rf] = [Number(ellipsoid.children[1]), Number(ellipsoid.children[2])];
  const shape = rf === 0 ? `+R=${a}` : `+a=${a} +rf=${rf}`;
  return `+proj=ob_tran +o_proj=longlat ${pole} ${shape} +no_defs`;
}
