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
 * The geographic CRSs of the datums proj4's table names, by the shift it gives them: their shift
 * is taken as EPSG's, which PROJ uses: proj4's Belgian datum (rnb72) has its signs reversed, 188 m
 * off. OSNI 1952 and Ireland 1965 share a shift.
 */
const PROJ4_DATUMS: Readonly<Record<string, readonly number[]>> = {
  "674.374,15.056,405.346": [4149],
  "-199.87,74.79,246.62": [4121],
  "598.1,73.7,418.2,0.202,0.045,-2.455,6.7": [4314],
  "-263,6,431": [4223],
  "577.326,90.129,463.919,5.137,1.474,5.297,2.4232": [4312],
  "482.53,-130.596,564.557,-1.042,-0.214,-0.631,8.15": [4188, 4299],
  "-133.63,-157.5,-158.62": [4153],
  "59.47,-5.04,187.44,0.47,-0.1,1.024,-4.5993": [4272],
  "446.448,-125.157,542.06,0.1502,0.247,0.8421,-20.4894": [4277],
  "589,76,480": [4156],
  "-106,-87,188": [4213],
  "-403,684,41": [4613],
  "106.869,-52.2978,103.724,-0.33657,0.456955,-1.84218,1": [4313],
};

/**
 * The datum shift proj4 finds for `wkt` where the text gives none: it knows datums by name
 * (ESRI's D_S_JTSK, OSGB 1936) and by their EPSG code, as PROJ finds a transformation for them;
 * a datum of its table takes EPSG's shift (`PROJ4_DATUMS`). Empty where it finds none, or cannot
 * read the text.
 */
function proj4Shift(wkt: string, a: number, rf: number): number[] {
  let shift: number[];
  try {
    const raw = (new (proj4().Proj)(wkt) as unknown as { datum_params?: unknown[] }).datum_params;
    shift = (raw ?? []).map(Number);
  } catch {
    return [];
  }
  if ((shift.length !== 3 && shift.length !== 7) || !shift.every(Number.isFinite)) return [];
  const codes = PROJ4_DATUMS[shift.join(",")];
  return (codes && epsgShift(codes, a, rf)) ?? shift;
}

/**
 * The ellipsoid and datum shift: the TOWGS84 the text gives, else WGS 84 by name, else the shift
 * PROJ uses for the geographic CRS EPSG names so (datum-shifts.ts; Pulkovo 1942(58), ESRI's
 * `GCS_Amersfoort`), else the shift proj4 knows for the datum (read from `shiftText`, else by the
 * geographic CRS's or datum's name in GDAL's WKT 1 spelling: proj4 looks WKT 2's names up as
 * written, `OSNI 1952` or `CH1903+`), else the axes alone. EPSG's come first: proj4's table has
 * Belgium's with its signs reversed (188 m). One shift for the CRS's whole area, as its code
 * reads; PROJ picks a regional one for each point where EPSG has several (NAD27 state by state).
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
  let shift = epsgShift(geographicCodes(String(geog?.children[0] ?? "").replace(/^"|"$/g, "")), a, rf);
  if (shift === undefined)
    for (const text of [shiftText, ...probes(geog, datum)]) if (!shift?.length) shift = proj4Shift(text, a, rf);
  return shift?.length ? towgs84(shift) : plain(a, rf);
}

/** An ellipsoid alone, or a sphere. */
const plain = (a: number, rf: number) => (rf === 0 || !Number.isFinite(rf) ? `+R=${a}` : `+a=${a} +rf=${rf}`);

/**
 * The shift of the first of `codes` on the same ellipsoid, as its code reads (an empty list:
 * none); undefined where none is. PROJ finds the CRS by its name so.
 */
function epsgShift(codes: readonly number[], a: number, rf: number): number[] | undefined {
  for (const code of codes) {
    const def = crsFromEpsg(code).proj4 ?? "";
    if (!def) continue;
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
