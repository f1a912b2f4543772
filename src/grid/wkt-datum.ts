/**
 * A WKT's datum and prime meridian in PROJ's terms (wkt-proj.ts): the ellipsoid, the datum shift
 * the text gives or proj4 knows for the datum, the prime meridian in degrees. Also a geographic
 * CRS as a PROJ string: proj4 reads a WKT 2 datum's name only in a projected CRS, and so dropped
 * the shift of a geographic one (a Carthage or Greek GGRS87 grid 177 m and 324 m off against its
 * own geographic CRS), and knew WKT 1's S-JTSK datum only by the CRS's name (122 m).
 *
 * Internal.
 */
import { crsFromEpsg, proj4 } from "./crs.js";
import { geographicCodes } from "./epsg-names.js";
import { spelledEllipsoid } from "./proj-ellipsoids.js";
import { deep, degrees, factor, first, type WktNode, wktName } from "./wkt-tree.js";

/** The datum of a geographic CRS node, and its ellipsoid's semi-major axis (metres) and inverse flattening. */
function ellipsoidOf(geog: WktNode | undefined) {
  const datum = deep(geog, ["DATUM", "ENSEMBLE", "GEODETICDATUM"]);
  const sph = deep(datum, ["SPHEROID", "ELLIPSOID"]);
  if (!sph) return null;
  return {
    datum,
    a: Number(sph.children[1]) * factor(first(sph, "LENGTHUNIT", "UNIT"), 1),
    rf: Number(sph.children[2]),
  };
}

/**
 * The datum shift proj4 finds for `wkt` where the text gives none: it knows datums by name
 * (ESRI's D_S_JTSK, OSGB 1936) and by their EPSG code, as PROJ finds a transformation for them.
 * Empty where it finds none, or cannot read the text.
 */
function proj4Shift(wkt: string): number[] {
  try {
    const raw = (new (proj4().Proj)(wkt) as unknown as { datum_params?: unknown[] }).datum_params;
    const shift = (raw ?? []).map(Number);
    return (shift.length === 3 || shift.length === 7) && shift.every(Number.isFinite) ? shift : [];
  } catch {
    return [];
  }
}

/**
 * The ellipsoid and datum shift: the TOWGS84 the text gives, else WGS 84 by name, else the shift
 * proj4 knows for the datum (read from `shiftText`, else by the geographic CRS's or datum's name
 * in GDAL's WKT 1 spelling: proj4 looks WKT 2's names up as written, `OSNI 1952` or `CH1903+`,
 * and missed them, 60 m and 165 m off), else the shift of the geographic CRS EPSG knows by its
 * name (Pulkovo 1942(58), NAD27), else the axes alone.
 */
export function datumTerms(root: WktNode, geog: WktNode | undefined, shiftText: string): string | null {
  const e = ellipsoidOf(geog);
  if (!e) return null;
  const { datum, a, rf } = e;
  const towgs84 = (shift: number[]) => `+a=${a} +rf=${rf} +towgs84=${shift.join(",")}`;
  const given = deep(root, ["TOWGS84"])?.children.map(Number);
  if (given?.every(Number.isFinite)) return towgs84(given);
  const wgs84 = /^(worldgeodeticsystem1984(ensemble)?|dwgs1984|wgs1984|wgs84)$/.test(wktName(datum?.children[0]));
  if (wgs84 && a === 6378137 && Math.abs(rf - 298.257223563) < 1e-9) return "+datum=WGS84";
  let shift: number[] | undefined;
  for (const text of [shiftText, ...probes(geog, datum)]) if (!shift?.length) shift = proj4Shift(text);
  if (!shift?.length) shift = epsgShift(String(geog?.children[0] ?? "").replace(/^"|"$/g, ""), a, rf);
  return shift?.length ? towgs84(shift) : plain(a, rf);
}

/** An ellipsoid alone, or a sphere. */
const plain = (a: number, rf: number) => (rf === 0 || !Number.isFinite(rf) ? `+R=${a}` : `+a=${a} +rf=${rf}`);

/**
 * The shift of the geographic CRS EPSG names `name` on the same ellipsoid, as its code reads (an
 * empty list: none); undefined where EPSG has no such CRS. PROJ finds the CRS so.
 */
function epsgShift(name: string, a: number, rf: number): number[] | undefined {
  for (const code of geographicCodes(name)) {
    const def = crsFromEpsg(code).proj4 ?? "";
    const p = new (proj4().Proj)(spelledEllipsoid(def)) as unknown as { a: number; b: number };
    const b = rf === 0 || !Number.isFinite(rf) ? a : a * (1 - 1 / rf);
    if (Math.abs(p.a - a) > 1e-3 || Math.abs(p.b - b) > 1e-3 || /\+nadgrids=/.test(def)) continue;
    return /\+towgs84=(\S+)/.exec(def)?.[1]?.split(",").map(Number) ?? [];
  }
  return undefined;
}

/**
 * A spherical method's figure, its latitudes taken as they are and no datum shift: Web Mercator's
 * sphere of the semi-major axis (PROJ's webmerc), else the ellipsoid the method's `+R_A` makes
 * its sphere of equal area of (EPSG's spherical Lambert azimuthal, as PROJ 9.2 and later read it).
 */
export function sphereTerms(geog: WktNode, webMercator: boolean): string | null {
  const e = ellipsoidOf(geog);
  if (!e || !(e.a > 0)) return null;
  return `${webMercator ? `+R=${e.a}` : plain(e.a, e.rf)} +nadgrids=@null`;
}

/** The meridians a WKT 1 in grads names in degrees (EPSG's longitudes): France's and Madagascar's. */
const GRAD_CRS_MERIDIANS: Readonly<Record<string, number>> = { paris: 2.33722917, parisrgs: 2.33720833333333 };

/**
 * The prime meridian's longitude in degrees: in its own unit, else the geographic CRS's
 * (`angular`, radians). GDAL's WKT 1 gives Paris's in degrees (2.33722917) under a grad unit,
 * and PROJ reads it so, knowing the meridian by name: it was read as 2.337 grads, 0.23° west.
 */
export function primeMeridianDegrees(geog: WktNode, angular: number): number {
  const pm = first(geog, "PRIMEM");
  if (!pm) return 0;
  const v = Number(pm.children[1]);
  const own = first(pm, "ANGLEUNIT", "UNIT");
  const known = GRAD_CRS_MERIDIANS[wktName(pm.children[0])];
  if (!own && known !== undefined && Math.abs(v - known) < 1e-7) return v;
  return degrees(v, factor(own, angular));
}

/** Names as GDAL's WKT 1 spells them (`OSGB 1936` as `OSGB_1936`), which proj4 knows datums by. */
const wkt1Name = (s: unknown) =>
  String(s ?? "")
    .replace(/^"|"$/g, "")
    .replace(/[^A-Za-z0-9+]+/g, "_")
    .replace(/^_|_$/g, "");

/** WKT 1 geographic CRSs naming the datum by the CRS's name, then by its own, for proj4 to look up. */
function probes(geog: WktNode | undefined, datum: WktNode | undefined): string[] {
  const sph = deep(datum, ["SPHEROID", "ELLIPSOID"]);
  const probe = (name: string) =>
    `GEOGCS["g",DATUM["${name}",SPHEROID["s",${sph?.children[1]},${sph?.children[2]}]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]`;
  return [probe(wkt1Name(geog?.children[0])), probe(wkt1Name(datum?.children[0]))];
}

/** A geographic (or geodetic, ellipsoidal) CRS's WKT as a PROJ string; null for other roots. */
export function geographicProj(root: WktNode, wkt: string): string | null {
  if (!["GEOGCS", "GEOGCRS", "GEODCRS", "GEOGRAPHICCRS", "GEODETICCRS"].includes(root.keyword)) return null;
  if (!/^ellipsoidal$/i.test(String(first(root, "CS")?.children[0] ?? "ellipsoidal"))) return null;
  const terms = datumTerms(root, root, wkt);
  if (!terms) return null;
  const unit = first(root, "ANGLEUNIT", "UNIT") ?? deep(first(root, "AXIS"), ["ANGLEUNIT", "UNIT"]);
  const pm = primeMeridianDegrees(root, factor(unit, Math.PI / 180));
  return `+proj=longlat ${terms}${pm ? ` +pm=${pm}` : ""} +no_defs`;
}
