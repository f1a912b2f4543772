/**
 * GeoKeys of a user-defined CRS's geographic part, from proj4's parameters: a GCS code for a
 * named datum on Greenwich, else the datum user-defined with its ellipsoid (an EPSG code where
 * its axes are one's and the source names none, as GDAL writes it; else the axes), a datum shift
 * and a prime meridian.
 */
import { ELLIPSOIDS } from "../../grid/ellipsoids.js";
import { inverseFlattening } from "../../grid/proj-wkt1.js";
import { Key, NAMED_DATUMS, USER_DEFINED } from "./geokeys.js";
import type { GeoKeyEntry, ProjParams } from "./geokeys-write.js";

const DEG = 180 / Math.PI;

/** The EPSG code of the ellipsoid with these axes, or undefined. */
function epsgEllipsoid(p: ProjParams): number | undefined {
  const a = Number(p.a);
  const rf = inverseFlattening(p);
  // The classic 70xx codes first: CGCS2000's ellipsoid (1024) has GRS 1980's axes.
  const all = Object.entries(ELLIPSOIDS).sort(([x], [y]) => (Number(x) < 7000 ? 1 : 0) - (Number(y) < 7000 ? 1 : 0));
  const hit = all.find(([, [, ea, erf]]) => ea === a && Math.abs(erf - rf) < 1e-8);
  return hit ? Number(hit[0]) : undefined;
}

/**
 * Keys of the geographic part. An ellipsoid the source does not name (`named` false) that is an
 * EPSG one goes by its code, as GDAL writes it; else by its axes, named in the citation.
 */
export function ellipsoidKeys(p: ProjParams, named = false): GeoKeyEntry[] {
  const datum = String(p.datumCode ?? "").toLowerCase();
  const gcs = Object.entries(NAMED_DATUMS).find(([, name]) => name.toLowerCase() === datum);
  // A prime meridian other than Greenwich's needs the user-defined form (an EPSG datum's GCS has Greenwich's).
  const pm = typeof p.from_greenwich === "number" && Number.isFinite(p.from_greenwich) ? p.from_greenwich * DEG : 0;
  const meridian: GeoKeyEntry[] =
    pm === 0
      ? []
      : [
          { key: Key.GeogPrimeMeridian, value: USER_DEFINED },
          { key: Key.GeogPrimeMeridianLong, value: pm, double: true },
        ];
  if (gcs && pm === 0) return [{ key: Key.GeographicType, value: Number(gcs[0]) }];
  const a = Number(p.a);
  const rf = p.rf !== undefined ? Number(p.rf) : Number.NaN;
  const b = p.b !== undefined ? Number(p.b) : Number.NaN;
  const code = named ? undefined : epsgEllipsoid(p);
  const keys: GeoKeyEntry[] = [
    { key: Key.GeographicType, value: USER_DEFINED },
    { key: Key.GeogGeodeticDatum, value: USER_DEFINED },
    { key: Key.GeogEllipsoid, value: code ?? USER_DEFINED },
    { key: Key.GeogAngularUnits, value: 9102 },
  ];
  if (code === undefined) {
    keys.push({ key: Key.GeogSemiMajorAxis, value: a, double: true });
    if (Number.isFinite(rf) && rf !== 0) keys.push({ key: Key.GeogInvFlattening, value: rf, double: true });
    else keys.push({ key: Key.GeogSemiMinorAxis, value: Number.isFinite(b) ? b : a, double: true });
  }
  // A datum shift to WGS 84 (`+towgs84`), in GDAL's key for it, as GDAL writes it.
  const shift = p.datum_params;
  if (Array.isArray(shift) && (shift.length === 3 || shift.length === 7) && shift.every(Number.isFinite))
    keys.push({ key: Key.GeogTOWGS84, value: shift as number[], double: true });
  return [...keys, ...meridian];
}
