/**
 * The PROJ string of a projected WKT (1, 2 or ESRI's) whose method proj4 reads wrongly or not at
 * all, as PROJ reads it: Mercator by its standard parallel (ESRI's and WKT 1's 2SP: proj4 dropped
 * the parallel, 1600 km off at 41°S), equidistant cylindrical (ESRI's standard parallel dropped),
 * cylindrical equal-area and Behrmann, the geostationary view, oblique stereographic (WKT 2's
 * `Stereographic`), Hotine oblique Mercator, the south-orientated transverse Mercator, azimuthal
 * equidistant, orthographic, vertical perspective, ESRI's polar stereographic (proj4 put
 * NSIDC's north polar grid 2200 km off), WKT 2's Web Mercator (27 km off at 40°N: proj4 made
 * it ellipsoidal) and Krovak, whose south-west orientation proj4 read as east-north (2482 km
 * off). Other methods stay with proj4's own reading.
 *
 * @example
 * ```ts
 * import { parseCrs, proj4Definition } from "tilecast";
 * const esri =
 *   'PROJCS["x",GEOGCS["g",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],' +
 *   'PRIMEM["Greenwich",0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator"],' +
 *   'PARAMETER["Central_Meridian",100],PARAMETER["Standard_Parallel_1",-41],UNIT["Meter",1]]';
 * proj4Definition(parseCrs(esri));
 * // "+proj=merc +lat_ts=-41 +lon_0=100 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
 * ```
 */
import { proj4 } from "./crs.js";
import { rotatedPoleProj } from "./rotated-pole-wkt.js";
import { deep, degrees, elements, factor, first, type WktNode, wktName, wktTree } from "./wkt-tree.js";

/**
 * The PROJ string in a WKT's `EXTENSION["PROJ4", ...]` (GDAL writes one where WKT 1 has no name
 * for the projection: a geostationary view, a rotated pole), else a WKT 2 rotated pole's, or null.
 */
export function extensionProj4(wkt: string): string | null {
  const ext = /EXTENSION\["PROJ4",\s*"([^"]+)"\]/.exec(wkt);
  return ext ? (ext[1] as string) : rotatedPoleProj(wkt);
}

/** Parameters by role, angles in degrees, lengths in metres. */
type Params = Partial<
  Record<
    | "lat0"
    | "lon0"
    | "k0"
    | "x0"
    | "y0"
    | "lat1"
    | "alpha"
    | "gamma"
    | "h"
    | "option"
    | "pseudo"
    | "xScale"
    | "yScale"
    | "rotation",
    number
  >
>;

const ROLES: Readonly<Record<string, keyof Params>> = {
  latitudeofnaturalorigin: "lat0",
  latitudeoforigin: "lat0",
  latitudeoffalseorigin: "lat0",
  latitudeofprojectioncentre: "lat0",
  latitudeofcenter: "lat0",
  latitudeofcentre: "lat0",
  latitudeoftopocentricorigin: "lat0",
  longitudeofnaturalorigin: "lon0",
  centralmeridian: "lon0",
  longitudeoffalseorigin: "lon0",
  longitudeoforigin: "lon0",
  longitudeofcenter: "lon0",
  longitudeofcentre: "lon0",
  longitudeofprojectioncentre: "lon0",
  longitudeoftopocentricorigin: "lon0",
  scalefactoratnaturalorigin: "k0",
  scalefactor: "k0",
  scalefactoroninitialline: "k0",
  falseeasting: "x0",
  eastingatfalseorigin: "x0",
  eastingatprojectioncentre: "x0",
  falsenorthing: "y0",
  northingatfalseorigin: "y0",
  northingatprojectioncentre: "y0",
  latitudeof1ststandardparallel: "lat1",
  standardparallel1: "lat1",
  latitudeofstandardparallel: "lat1",
  azimuthofinitialline: "alpha",
  azimuth: "alpha",
  anglefromrectifiedtoskewgrid: "gamma",
  rectifiedgridangle: "gamma",
  satelliteheight: "h",
  height: "h",
  viewpointheight: "h",
  option: "option",
  colatitudeofconeaxis: "alpha",
  latitudeofpseudostandardparallel: "pseudo",
  pseudostandardparallel1: "pseudo",
  scalefactoronpseudostandardparallel: "k0",
  xscale: "xScale",
  yscale: "yScale",
  xyplanerotation: "rotation",
};

const LINEAR = new Set<keyof Params>(["x0", "y0", "h"]);
const UNITLESS = new Set<keyof Params>(["k0", "option", "xScale", "yScale"]);
const f = (v: number | undefined, d = 0) => v ?? d;
const offsets = (p: Params) => `+x_0=${f(p.x0)} +y_0=${f(p.y0)}`;
/** Hotine oblique Mercator; variant B at right angles is PROJ's Swiss oblique Mercator, as PROJ reads it. */
function omerc(p: Params, uoff: string): string | null {
  if (p.alpha === undefined) return null;
  const gamma = f(p.gamma, p.alpha);
  if (!uoff && p.alpha === 90 && gamma === 90)
    return `+proj=somerc +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} +k_0=${f(p.k0, 1)} ${offsets(p)}`;
  return `+proj=omerc${uoff} +lat_0=${f(p.lat0)} +lonc=${f(p.lon0)} +alpha=${p.alpha} +gamma=${gamma} +k=${f(p.k0, 1)} ${offsets(p)}`;
}

const merc = (p: Params) => `+proj=merc +lat_ts=${f(p.lat1)} +lon_0=${f(p.lon0)} ${offsets(p)}`;
const eqc = (p: Params) => `+proj=eqc +lat_ts=${f(p.lat1)} +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} ${offsets(p)}`;
const cea = (p: Params) => `+proj=cea +lat_ts=${f(p.lat1)} +lon_0=${f(p.lon0)} ${offsets(p)}`;
const geos = (sweep: (p: Params) => string) => (p: Params) =>
  `+proj=geos +h=${p.h} +lon_0=${f(p.lon0)} +sweep=${sweep(p)} ${offsets(p)}`;
const hotineA = (p: Params) => omerc(p, " +no_uoff");
const hotineB = (p: Params) => omerc(p, "");
const aeqd = (p: Params) => `+proj=aeqd +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} ${offsets(p)}`;
const polar = (pole: number, p: Params) =>
  `+proj=stere +lat_0=${pole} +lat_ts=${f(p.lat1, pole)} +lon_0=${f(p.lon0)} +k_0=${f(p.k0, 1)} ${offsets(p)}`;
/**
 * Krovak, oriented as ESRI's X_Scale and XY_Plane_Rotation say: (1, 0) south and west, as
 * EPSG's method 9819 points its axes; (-1, 90) east and north (method 1041, EPSG:5514).
 */
function krovak(p: Params): string | null {
  const southWest = p.xScale === 1 && f(p.rotation) === 0;
  if (!southWest && !(p.xScale === -1 && p.rotation === 90)) return null;
  const axis = southWest ? " +axis=swu" : "";
  return `+proj=krovak +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} +alpha=${p.alpha} +lat_ts=${f(p.pseudo, 78.5)} +k=${f(p.k0, 1)} ${offsets(p)}${axis}`;
}

/**
 * Where WKT 1 or 2 says no X_Scale: WKT 2's method 9819 is south-west; WKT 1 is as its axes
 * point. Without axes, PROJ (and so GDAL) reads GDAL's WKT 1, which names its parts' codes, east
 * and north, and a WKT 1 naming no code south-west, as EPSG's method.
 */
function krovakAxes(root: WktNode, wkt2: boolean): Params {
  const axis = first(root, "AXIS")?.children[1];
  const south = wkt2 || axis === "SOUTH" || (axis === undefined && !deep(root, ["AUTHORITY"]));
  return south ? { xScale: 1, rotation: 0 } : { xScale: -1, rotation: 90 };
}

const nsper = (p: Params) => `+proj=nsper +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} +h=${p.h} ${offsets(p)}`;

/** Each method (its name as {@link wktName} gives it) as a PROJ string's projection part. */
const METHODS: Readonly<Record<string, (p: Params) => string | null>> = {
  mercatorvariantb: merc,
  mercator2sp: merc,
  // ESRI's, by its Standard_Parallel_1; an older WKT 1's by its scale factor.
  mercator: (p) =>
    p.lat1 === undefined && p.k0 !== undefined ? `+proj=merc +k_0=${p.k0} +lon_0=${f(p.lon0)} ${offsets(p)}` : merc(p),
  equidistantcylindrical: eqc,
  equidistantcylindricalspherical: eqc,
  equirectangular: eqc,
  platecarree: eqc,
  lambertcylindricalequalarea: cea,
  lambertcylindricalequalareaspherical: cea,
  cylindricalequalarea: cea,
  behrmann: (p) => cea({ lat1: 30, ...p }),
  // On the sphere of the ellipsoid's area, as PROJ reads EPSG's spherical method.
  lambertazimuthalequalareaspherical: (p) => `+proj=laea +R_A +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} ${offsets(p)}`,
  geostationarysatellitesweepx: geos(() => "x"),
  geostationarysatellitesweepy: geos(() => "y"),
  // ESRI's and GDAL's WKT 1: ESRI's Option 1 sweeps x, as GOES does; otherwise y, as Meteosat does.
  geostationarysatellite: geos((p) => (p.option === 1 ? "x" : "y")),
  stereographic: (p) => `+proj=stere +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} +k_0=${f(p.k0, 1)} ${offsets(p)}`,
  hotineobliquemercatorvarianta: hotineA,
  hotineobliquemercator: hotineA,
  hotineobliquemercatorazimuthnaturalorigin: hotineA,
  hotineobliquemercatorvariantb: hotineB,
  hotineobliquemercatorazimuthcenter: hotineB,
  obliquemercator: hotineB,
  transversemercatorsouthorientated: (p) =>
    `+proj=tmerc +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} +k_0=${f(p.k0, 1)} ${offsets(p)} +axis=wsu`,
  azimuthalequidistant: aeqd,
  modifiedazimuthalequidistant: aeqd,
  orthographic: (p) => `+proj=ortho +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} ${offsets(p)}`,
  // Web Mercator: the sphere's formulas on WGS 84's coordinates, no datum change (wktProj).
  popularvisualisationpseudomercator: (p) => `+proj=merc +lon_0=${f(p.lon0)} ${offsets(p)}`,
  // ESRI's polar stereographic, by its standard parallel (at the pole, by its scale factor).
  stereographicnorthpole: (p) => polar(90, p),
  stereographicsouthpole: (p) => polar(-90, p),
  krovak,
  krovaknorthorientated: (p) => krovak({ ...p, xScale: -1, rotation: 90 }),
  verticalperspective: nsper,
  verticalnearsideperspective: nsper, // ESRI's
};

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
 * proj4 knows for the datum (proj4 read these before this module did), else the axes alone.
 */
function datumTerms(root: WktNode, geog: WktNode | undefined, wkt: string): string | null {
  const e = ellipsoidOf(geog);
  if (!e) return null;
  const { datum, a, rf } = e;
  const towgs84 = (shift: number[]) => `+a=${a} +rf=${rf} +towgs84=${shift.join(",")}`;
  const given = deep(root, ["TOWGS84"])?.children.map(Number);
  if (given?.every(Number.isFinite)) return towgs84(given);
  const wgs84 = /^(worldgeodeticsystem1984(ensemble)?|dwgs1984|wgs1984|wgs84)$/.test(wktName(datum?.children[0]));
  if (wgs84 && a === 6378137 && Math.abs(rf - 298.257223563) < 1e-9) return "+datum=WGS84";
  const known = proj4Shift(wkt);
  if (known.length > 0) return towgs84(known);
  return rf === 0 || !Number.isFinite(rf) ? `+R=${a}` : `+a=${a} +rf=${rf}`;
}

/** Web Mercator's sphere: the ellipsoid's semi-major axis, its latitudes taken as they are (PROJ's webmerc). */
function webMercatorTerms(geog: WktNode): string | null {
  const a = ellipsoidOf(geog)?.a ?? Number.NaN;
  return a > 0 ? `+R=${a} +nadgrids=@null` : null;
}

/** The PROJ string of `wkt` where its method is one this module reads (see the note), else null. */
export function wktProj(wkt: string): string | null {
  const root = wktTree(wkt);
  if (!root || !["PROJCS", "PROJCRS", "PROJECTEDCRS"].includes(root.keyword)) return null;
  const conversion = first(root, "CONVERSION");
  const method = wktName((first(root, "PROJECTION") ?? first(conversion, "METHOD"))?.children[0] ?? "");
  const geog = first(root, "GEOGCS", "BASEGEOGCRS", "BASEGEODCRS");
  if (!METHODS[method] || !geog) return null; // before the datum: proj4Shift parses the text again
  const datum = method === "popularvisualisationpseudomercator" ? webMercatorTerms(geog) : datumTerms(root, geog, wkt);
  if (!datum) return null;
  // WKT 1's parameters are in its GEOGCS's angular unit and its own linear unit; WKT 2's name theirs.
  const angular = factor(first(geog, "UNIT", "ANGLEUNIT"), Math.PI / 180);
  const linearUnit = first(root, "UNIT", "LENGTHUNIT") ?? deep(first(root, "AXIS"), ["LENGTHUNIT", "UNIT"]);
  const linear = factor(linearUnit, 1);
  const p: Params = {};
  for (const q of elements(conversion ?? root, "PARAMETER")) {
    const role = ROLES[wktName(q.children[0])];
    if (!role) continue;
    const unit = first(q, "ANGLEUNIT", "LENGTHUNIT", "SCALEUNIT", "UNIT");
    const v = Number(q.children[1]);
    const isLength = LINEAR.has(role);
    const k = unit ? factor(unit, 1) : isLength ? linear : UNITLESS.has(role) ? 1 : angular;
    p[role] = isLength ? v * k : UNITLESS.has(role) ? v : degrees(v, k);
  }
  if (method === "krovak" && p.xScale === undefined) Object.assign(p, krovakAxes(root, conversion !== undefined));
  const body = METHODS[method]?.(p);
  if (!body || body.includes("undefined")) return null;
  const pm = first(geog, "PRIMEM");
  const pmDeg = pm ? degrees(Number(pm.children[1]), factor(first(pm, "ANGLEUNIT", "UNIT"), angular)) : 0;
  const units = linear === 1 ? "+units=m" : `+to_meter=${linear}`;
  return `${body} ${datum}${pmDeg ? ` +pm=${pmDeg}` : ""} ${units} +no_defs`;
}
