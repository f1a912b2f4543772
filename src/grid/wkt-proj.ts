/**
 * The PROJ string of a projected WKT (1, 2 or ESRI's) whose method proj4 reads wrongly or not at
 * all, as PROJ reads it: Mercator by its standard parallel (ESRI's and WKT 1's 2SP: proj4 dropped
 * the parallel, 1600 km off at 41°S), equidistant cylindrical (ESRI's standard parallel dropped),
 * cylindrical equal-area and Behrmann, the geostationary view, oblique stereographic (WKT 2's
 * `Stereographic`), Hotine oblique Mercator, the south-orientated transverse Mercator, azimuthal
 * equidistant, orthographic, vertical perspective, ESRI's polar stereographic (proj4 put
 * NSIDC's north polar grid 2200 km off), WKT 2's Web Mercator (27 km off at 40°N: proj4 made
 * it ellipsoidal) and Krovak, whose south-west orientation proj4 read as east-north (2482 km
 * off). Also the methods most grids use, which proj4 reads but not in grads (NTF's Lambert zones
 * 600 km off) nor with a WKT 2 datum's shift (transverse Mercator, Lambert conic, Albers,
 * Cassini, polar and oblique stereographic, Lambert azimuthal, polyconic, New Zealand's grid),
 * and a geographic CRS (wkt-datum.ts). Other methods stay with proj4's own reading.
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
import { rotatedPoleProj } from "./rotated-pole-wkt.js";
import { datumTerms, geographicProj, primeMeridianDegrees, sphereTerms } from "./wkt-datum.js";
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
    | "lat2"
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
  latitudeof2ndstandardparallel: "lat2",
  standardparallel2: "lat2",
  ellipsoidscalingfactor: "k0",
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

/** Mercator by its scale factor at the equator (variant A, 1SP). */
const mercScaled = (p: Params) => `+proj=merc +k_0=${f(p.k0, 1)} +lon_0=${f(p.lon0)} ${offsets(p)}`;
const merc = (p: Params) => `+proj=merc +lat_ts=${f(p.lat1)} +lon_0=${f(p.lon0)} ${offsets(p)}`;
const eqc = (p: Params) => `+proj=eqc +lat_ts=${f(p.lat1)} +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} ${offsets(p)}`;
const cea = (p: Params) => `+proj=cea +lat_ts=${f(p.lat1)} +lon_0=${f(p.lon0)} ${offsets(p)}`;
const geos = (sweep: (p: Params) => string) => (p: Params) =>
  `+proj=geos +h=${p.h} +lon_0=${f(p.lon0)} +sweep=${sweep(p)} ${offsets(p)}`;
const hotineA = (p: Params) => omerc(p, " +no_uoff");
const hotineB = (p: Params) => omerc(p, "");
const tmerc = (p: Params) => `+proj=tmerc +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} +k_0=${f(p.k0, 1)} ${offsets(p)}`;
/** Lambert conformal conic on one standard parallel, the origin's, scaled. */
const lcc1 = (p: Params) =>
  p.lat0 === undefined
    ? null
    : `+proj=lcc +lat_1=${p.lat0} +lat_0=${p.lat0} +lon_0=${f(p.lon0)} +k_0=${f(p.k0, 1)} ${offsets(p)}`;
/** Lambert conformal conic on two standard parallels (Michigan's: and the ellipsoid scaled). */
const lcc2 = (p: Params) =>
  p.lat1 === undefined
    ? null
    : `+proj=lcc +lat_1=${p.lat1} +lat_2=${f(p.lat2, p.lat1)} +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} +k_0=${f(p.k0, 1)} ${offsets(p)}`;
const aea = (p: Params) =>
  `+proj=aea +lat_1=${f(p.lat1)} +lat_2=${f(p.lat2, p.lat1)} +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} ${offsets(p)}`;
const centred = (proj: string) => (p: Params) => `+proj=${proj} +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} ${offsets(p)}`;
const sterea = (p: Params) => `+proj=sterea +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} +k_0=${f(p.k0, 1)} ${offsets(p)}`;
/** Polar stereographic by its scale at the pole (variant A), or its standard parallel (B). */
const polarA = (p: Params) => polar(f(p.lat0) < 0 ? -90 : 90, { ...p, lat1: undefined });
const polarB = (p: Params) => polar(f(p.lat1) < 0 ? -90 : 90, { ...p, k0: undefined });
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
  // proj4 reads these itself, but not a WKT 1 in grads (NTF's Lambert zones 600 km off), nor
  // the datum of a WKT 2 without codes (OSNI 1952's grid 59 m off).
  transversemercator: tmerc,
  gausskruger: tmerc,
  transversemercator3d: tmerc,
  albersconicequalarea: aea,
  albersequalarea: aea,
  albers: aea,
  cassinisoldner: centred("cass"),
  cassini: centred("cass"),
  lambertazimuthalequalarea: centred("laea"),
  polyconic: centred("poly"),
  americanpolyconic: centred("poly"),
  newzealandmapgrid: centred("nzmg"),
  obliquestereographic: sterea,
  doublestereographic: sterea,
  polarstereographicvarianta: polarA,
  polarstereographicvariantb: polarB,
  // GDAL's WKT 1: at the pole by its scale, else by its latitude of origin as standard parallel.
  polarstereographic: (p) => (Math.abs(f(p.lat0)) === 90 ? polarA(p) : polarB({ ...p, lat1: p.lat0 })),
  lambertconicconformal1sp: lcc1,
  lambertconformalconic1sp: lcc1,
  lambertconicconformal2sp: lcc2,
  lambertconformalconic2sp: lcc2,
  lambertconicconformal2spmichigan: lcc2,
  // ESRI's one name for both: two parallels where it gives a second, else the origin's, scaled.
  lambertconformalconic: (p) => (p.lat2 === undefined ? lcc1({ ...p, lat0: p.lat0 ?? p.lat1 }) : lcc2(p)),
  mercatorvarianta: mercScaled,
  mercator1sp: mercScaled,
  mercatorvariantb: merc,
  mercator2sp: merc,
  // ESRI's, by its Standard_Parallel_1; an older WKT 1's by its scale factor.
  mercator: (p) => (p.lat1 === undefined && p.k0 !== undefined ? mercScaled(p) : merc(p)),
  equidistantcylindrical: eqc,
  equidistantcylindricalspherical: eqc,
  equirectangular: eqc,
  platecarree: eqc,
  lambertcylindricalequalarea: cea,
  lambertcylindricalequalareaspherical: cea,
  cylindricalequalarea: cea,
  behrmann: (p) => cea({ lat1: 30, ...p }),
  // On the sphere of the ellipsoid's area, as PROJ 9.2 and later read EPSG's spherical method.
  lambertazimuthalequalareaspherical: (p) => `+proj=laea +R_A +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} ${offsets(p)}`,
  geostationarysatellitesweepx: geos(() => "x"),
  geostationarysatellitesweepy: geos(() => "y"),
  // ESRI's and GDAL's WKT 1: ESRI's Option 1 sweeps x, as GOES does; otherwise y, as Meteosat does.
  geostationarysatellite: geos((p) => (p.option === 1 ? "x" : "y")),
  stereographic: (p) => `+proj=stere +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} +k_0=${f(p.k0, 1)} ${offsets(p)}`,
  hotineobliquemercatorvarianta: hotineA,
  hotineobliquemercator: hotineA,
  hotineobliquemercatorazimuthnaturalorigin: hotineA,
  // ESRI's rectified skew orthomorphic (Malaysia's and Borneo's grids): Hotine, its skew angle
  // given as XY_Plane_Rotation.
  rectifiedskeworthomorphicnaturalorigin: (p) => hotineA({ ...p, gamma: p.rotation }),
  rectifiedskeworthomorphiccenter: (p) => hotineB({ ...p, gamma: p.rotation }),
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

/** The spherical methods (sphereTerms), Web Mercator's sphere or not. */
const SPHERICAL: Readonly<Record<string, boolean>> = {
  popularvisualisationpseudomercator: true,
  lambertazimuthalequalareaspherical: false,
};

/** The PROJ string of `wkt` where its method is one this module reads (see the note), else null. */
export function wktProj(wkt: string): string | null {
  const root = wktTree(wkt);
  if (!root) return null;
  if (!["PROJCS", "PROJCRS", "PROJECTEDCRS"].includes(root.keyword)) return geographicProj(root, wkt);
  const conversion = first(root, "CONVERSION");
  const method = wktName((first(root, "PROJECTION") ?? first(conversion, "METHOD"))?.children[0] ?? "");
  const geog = first(root, "GEOGCS", "BASEGEOGCRS", "BASEGEODCRS");
  if (!METHODS[method] || !geog) return null; // before the datum: proj4Shift parses the text again
  const sphere = SPHERICAL[method];
  const datum = sphere === undefined ? datumTerms(root, geog, wkt) : sphereTerms(geog, sphere);
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
  const pmDeg = primeMeridianDegrees(geog, angular);
  const units = linear === 1 ? "+units=m" : `+to_meter=${linear}`;
  return `${body} ${datum}${pmDeg ? ` +pm=${pmDeg}` : ""} ${units} +no_defs`;
}
