/**
 * The GeoKeys of a projection method and its parameters (`ProjCoordTrans` and the keys it takes),
 * as GDAL writes them for a PROJ method proj4 has parsed; geokeys.ts reads them back.
 */
import { CT, Key } from "./geokeys.js";
import type { GeoKeyEntry, ProjParams } from "./geokeys-write.js";

const DEG = 180 / Math.PI;

/**
 * The method's keys for proj4's parameters `p` (angles in radians), false easting and northing
 * `fe`, `fn` in the CRS's unit; null for a method GeoKeys have no code for.
 */
export function projectionKeys(p: ProjParams, fe: number, fn: number): GeoKeyEntry[] | null {
  const names = new Set((p.names ?? []).map((n: string) => n.toLowerCase()));
  const has = (n: string) => names.has(n);
  const deg = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v * DEG : 0);
  const numOr = (v: unknown, d: number) => (typeof v === "number" && Number.isFinite(v) ? v : d);
  const d = (key: number, value: number): GeoKeyEntry => ({ key, value, double: true });
  let params: GeoKeyEntry[];
  if (has("tmerc") || has("utm") || has("etmerc")) {
    // South-orientated (x west, y south): its own method to GDAL.
    const south = p.axis === "wsu";
    params = [
      { key: Key.ProjCoordTrans, value: (south ? CT.tmercSouth : CT.tmerc) as number },
      d(Key.ProjNatOriginLat, deg(p.lat0)),
      d(Key.ProjNatOriginLong, deg(p.long0)),
      d(Key.ProjScaleAtNatOrigin, numOr(p.k0, 1)),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else if (has("lcc")) {
    const lat1 = deg(p.lat1);
    const lat2 = p.lat2 === undefined ? lat1 : deg(p.lat2);
    params =
      lat1 !== lat2
        ? [
            { key: Key.ProjCoordTrans, value: CT.lcc2 as number },
            d(Key.ProjStdParallel1, lat1),
            d(Key.ProjStdParallel2, lat2),
            d(Key.ProjFalseOriginLat, deg(p.lat0)),
            d(Key.ProjFalseOriginLong, deg(p.long0)),
            d(Key.ProjFalseOriginEasting, fe),
            d(Key.ProjFalseOriginNorthing, fn),
          ]
        : [
            { key: Key.ProjCoordTrans, value: CT.lcc1 as number },
            d(Key.ProjNatOriginLat, lat1),
            d(Key.ProjNatOriginLong, deg(p.long0)),
            d(Key.ProjScaleAtNatOrigin, numOr(p.k0, 1)),
            d(Key.ProjFalseEasting, fe),
            d(Key.ProjFalseNorthing, fn),
          ];
  } else if (has("aea") || has("eqdc") || has("equidistant_conic")) {
    // Albers and equidistant conic take the same parameters.
    params = [
      { key: Key.ProjCoordTrans, value: (has("aea") ? CT.aea : CT.eqdc) as number },
      d(Key.ProjStdParallel1, deg(p.lat1)),
      d(Key.ProjStdParallel2, deg(p.lat2)),
      d(Key.ProjNatOriginLat, deg(p.lat0)),
      d(Key.ProjNatOriginLong, deg(p.long0)),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else if (has("sterea") || has("oblique_stereographic")) {
    params = [
      { key: Key.ProjCoordTrans, value: CT.sterea as number },
      d(Key.ProjNatOriginLat, deg(p.lat0)),
      d(Key.ProjNatOriginLong, deg(p.long0)),
      d(Key.ProjScaleAtNatOrigin, numOr(p.k0, 1)),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else if (has("aeqd") || has("azimuthal_equidistant")) {
    params = [
      { key: Key.ProjCoordTrans, value: CT.aeqd as number },
      d(Key.ProjCenterLat, deg(p.lat0)),
      d(Key.ProjCenterLong, deg(p.long0)),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else if (has("laea")) {
    params = [
      { key: Key.ProjCoordTrans, value: CT.laea as number },
      d(Key.ProjCenterLat, deg(p.lat0)),
      d(Key.ProjCenterLong, deg(p.long0)),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else if (has("stere") && Math.abs(Math.abs(deg(p.lat0)) - 90) < 1e-9) {
    params = [
      { key: Key.ProjCoordTrans, value: CT.stere as number },
      // Variant B (latitude of true scale) is written as GDAL does: that latitude, scale 1.
      d(Key.ProjNatOriginLat, p.lat_ts === undefined ? deg(p.lat0) : deg(p.lat_ts)),
      d(Key.ProjStraightVertPoleLong, deg(p.long0)),
      d(Key.ProjScaleAtNatOrigin, p.lat_ts === undefined ? numOr(p.k0, 1) : 1),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else if (has("stere")) {
    // Oblique: at its centre, as GDAL writes it (it was GDAL's WKT in a citation, another CRS).
    params = [
      { key: Key.ProjCoordTrans, value: CT.stereOblique as number },
      d(Key.ProjCenterLat, deg(p.lat0)),
      d(Key.ProjCenterLong, deg(p.long0)),
      d(Key.ProjScaleAtNatOrigin, numOr(p.k0, 1)),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else if (has("merc")) {
    // Mercator 2SP (a latitude of true scale) as GDAL writes it, else 1SP with its scale.
    const ts = typeof p.lat_ts === "number" && p.lat_ts !== 0;
    params = [
      { key: Key.ProjCoordTrans, value: CT.merc as number },
      ...(ts ? [d(Key.ProjStdParallel1, deg(p.lat_ts))] : []),
      d(Key.ProjNatOriginLat, 0),
      d(Key.ProjNatOriginLong, deg(p.long0)),
      ...(ts ? [] : [d(Key.ProjScaleAtNatOrigin, numOr(p.k0, 1))]),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else if (has("eqc")) {
    params = [
      { key: Key.ProjCoordTrans, value: CT.eqc as number },
      d(Key.ProjStdParallel1, deg(p.lat_ts)),
      d(Key.ProjNatOriginLat, deg(p.lat0)),
      d(Key.ProjNatOriginLong, deg(p.long0)),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else if (has("omerc") || has("hotine_oblique_mercator")) {
    const alpha = deg(p.alpha);
    params = [
      { key: Key.ProjCoordTrans, value: (p.no_uoff ? CT.omercA : CT.omercB) as number },
      d(Key.ProjCenterLat, deg(p.lat0)),
      d(Key.ProjCenterLong, deg(p.longc)),
      d(Key.ProjAzimuthAngle, alpha),
      d(Key.ProjRectifiedGridAngle, p.rectified_grid_angle === undefined ? alpha : deg(p.rectified_grid_angle)),
      d(Key.ProjScaleAtCenter, numOr(p.k0, 1)),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else if (has("cass") || has("poly")) {
    params = [
      { key: Key.ProjCoordTrans, value: (has("cass") ? CT.cass : CT.poly) as number },
      d(Key.ProjNatOriginLat, deg(p.lat0)),
      d(Key.ProjNatOriginLong, deg(p.long0)),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else if (has("gnom") || has("ortho")) {
    params = [
      { key: Key.ProjCoordTrans, value: (has("gnom") ? CT.gnom : CT.ortho) as number },
      d(Key.ProjCenterLat, deg(p.lat0)),
      d(Key.ProjCenterLong, deg(p.long0)),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else if (has("robin") || has("sinu") || has("vandg")) {
    params = [
      { key: Key.ProjCoordTrans, value: (has("robin") ? CT.robin : has("sinu") ? CT.sinu : CT.vandg) as number },
      d(Key.ProjCenterLong, deg(p.long0)),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else if (has("cea")) {
    params = [
      { key: Key.ProjCoordTrans, value: CT.cea as number },
      d(Key.ProjStdParallel1, deg(p.lat_ts)),
      d(Key.ProjNatOriginLong, deg(p.long0)),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else if (has("mill") && (p.R_A === true || p.sphere === true)) {
    // GDAL's Miller is on the sphere of the ellipsoid's area; without +R_A PROJ takes another.
    params = [
      { key: Key.ProjCoordTrans, value: CT.mill as number },
      d(Key.ProjCenterLat, deg(p.lat0)),
      d(Key.ProjCenterLong, deg(p.long0)),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else if (has("nzmg")) {
    params = [
      { key: Key.ProjCoordTrans, value: CT.nzmg as number },
      d(Key.ProjNatOriginLat, deg(p.lat0)),
      d(Key.ProjNatOriginLong, deg(p.long0)),
      d(Key.ProjFalseEasting, fe),
      d(Key.ProjFalseNorthing, fn),
    ];
  } else return null;
  return params;
}
