/**
 * The PROJ string of a projected WKT (1, 2 or ESRI's) whose method proj4 reads wrongly or not at
 * all, as PROJ reads it: Mercator by its standard parallel (ESRI's and WKT 1's 2SP: proj4 dropped
 * the parallel, 1600 km off at 41°S), equidistant cylindrical (ESRI's standard parallel dropped),
 * cylindrical equal-area and Behrmann, the geostationary view, oblique stereographic (WKT 2's
 * `Stereographic`), Hotine oblique Mercator, the south-orientated transverse Mercator, azimuthal
 * equidistant, orthographic and vertical perspective. Other methods stay with proj4's own reading.
 *
 * @example
 * ```ts
 * wktProj('PROJCS["x",GEOGCS["g",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],' +
 *   'PRIMEM["Greenwich",0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator"],' +
 *   'PARAMETER["Central_Meridian",100],PARAMETER["Standard_Parallel_1",-41],UNIT["Meter",1]]');
 * // "+proj=merc +lat_ts=-41 +lon_0=100 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
 * ```
 */
import { degrees, rotatedPoleProj } from "./rotated-pole-wkt.js";
import { splitWkt } from "./wkt-split.js";

/**
 * The PROJ string in a WKT's `EXTENSION["PROJ4", ...]` (GDAL writes one where WKT 1 has no name
 * for the projection: a geostationary view, a rotated pole), else a WKT 2 rotated pole's, or null.
 */
export function extensionProj4(wkt: string): string | null {
  const ext = /EXTENSION\["PROJ4",\s*"([^"]+)"\]/.exec(wkt);
  return ext ? (ext[1] as string) : rotatedPoleProj(wkt);
}

interface Node {
  keyword: string;
  children: (Node | string)[];
}

/** Parameters by role, angles in degrees, lengths in metres. */
type Params = Partial<
  Record<"lat0" | "lon0" | "k0" | "x0" | "y0" | "lat1" | "alpha" | "gamma" | "h" | "option", number>
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
};

const LINEAR = new Set<keyof Params>(["x0", "y0", "h"]);
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

/** Each method (its name lower-cased, letters and digits only) as a PROJ string's projection part. */
const METHODS: Readonly<Record<string, (p: Params) => string | null>> = {
  mercatorvariantb: (p) => `+proj=merc +lat_ts=${f(p.lat1)} +lon_0=${f(p.lon0)} ${offsets(p)}`,
  mercator2sp: (p) => METHODS.mercatorvariantb?.(p) ?? null,
  // ESRI's, by its Standard_Parallel_1; an older WKT 1's by its scale factor.
  mercator: (p) =>
    p.lat1 === undefined && p.k0 !== undefined
      ? `+proj=merc +k_0=${p.k0} +lon_0=${f(p.lon0)} ${offsets(p)}`
      : (METHODS.mercatorvariantb?.(p) ?? null),
  equidistantcylindrical: (p) => `+proj=eqc +lat_ts=${f(p.lat1)} +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} ${offsets(p)}`,
  equidistantcylindricalspherical: (p) => METHODS.equidistantcylindrical?.(p) ?? null,
  equirectangular: (p) => METHODS.equidistantcylindrical?.(p) ?? null,
  platecarree: (p) => METHODS.equidistantcylindrical?.(p) ?? null,
  lambertcylindricalequalarea: (p) => `+proj=cea +lat_ts=${f(p.lat1)} +lon_0=${f(p.lon0)} ${offsets(p)}`,
  lambertcylindricalequalareaspherical: (p) => METHODS.lambertcylindricalequalarea?.(p) ?? null,
  cylindricalequalarea: (p) => METHODS.lambertcylindricalequalarea?.(p) ?? null,
  // On the sphere of the ellipsoid's area, as PROJ reads EPSG's spherical method.
  lambertazimuthalequalareaspherical: (p) => `+proj=laea +R_A +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} ${offsets(p)}`,
  behrmann: (p) => `+proj=cea +lat_ts=${f(p.lat1, 30)} +lon_0=${f(p.lon0)} ${offsets(p)}`,
  geostationarysatellitesweepx: (p) => `+proj=geos +h=${p.h} +lon_0=${f(p.lon0)} +sweep=x ${offsets(p)}`,
  geostationarysatellitesweepy: (p) => `+proj=geos +h=${p.h} +lon_0=${f(p.lon0)} +sweep=y ${offsets(p)}`,
  // ESRI's and GDAL's WKT 1: ESRI's Option 1 sweeps x, as GOES does; otherwise y, as Meteosat does.
  geostationarysatellite: (p) =>
    `+proj=geos +h=${p.h} +lon_0=${f(p.lon0)} +sweep=${p.option === 1 ? "x" : "y"} ${offsets(p)}`,
  stereographic: (p) => `+proj=stere +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} +k_0=${f(p.k0, 1)} ${offsets(p)}`,
  hotineobliquemercatorvarianta: (p) => omerc(p, " +no_uoff"),
  hotineobliquemercator: (p) => omerc(p, " +no_uoff"),
  hotineobliquemercatorazimuthnaturalorigin: (p) => omerc(p, " +no_uoff"),
  hotineobliquemercatorvariantb: (p) => omerc(p, ""),
  hotineobliquemercatorazimuthcenter: (p) => omerc(p, ""),
  obliquemercator: (p) => omerc(p, ""),
  transversemercatorsouthorientated: (p) =>
    `+proj=tmerc +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} +k_0=${f(p.k0, 1)} ${offsets(p)} +axis=wsu`,
  azimuthalequidistant: (p) => `+proj=aeqd +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} ${offsets(p)}`,
  modifiedazimuthalequidistant: (p) => METHODS.azimuthalequidistant?.(p) ?? null,
  orthographic: (p) => `+proj=ortho +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} ${offsets(p)}`,
  verticalperspective: (p) => `+proj=nsper +lat_0=${f(p.lat0)} +lon_0=${f(p.lon0)} +h=${p.h} ${offsets(p)}`,
  verticalnearsideperspective: (p) => METHODS.verticalperspective?.(p) ?? null, // ESRI's
};

const norm = (s: unknown) =>
  String(s)
    .replace(/^"|"$/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");

/** `text` as a tree of elements, their other children (names, numbers, words) as text. */
function tree(text: string): Node | null {
  const s = splitWkt(text);
  if (!s) return null;
  return { keyword: s.keyword, children: s.children.map((c) => (/^[A-Z_]+\s*[[(]/i.test(c) ? (tree(c) ?? c) : c)) };
}

const elements = (n: Node | undefined, ...keywords: string[]) =>
  (n?.children ?? []).filter((c): c is Node => typeof c !== "string" && keywords.includes(c.keyword));
const first = (n: Node | undefined, ...keywords: string[]) => elements(n, ...keywords)[0];

/** The first element named one of `keywords` anywhere under `n`, depth first. */
function deep(n: Node | undefined, keywords: string[]): Node | undefined {
  for (const c of n?.children ?? []) {
    if (typeof c === "string") continue;
    if (keywords.includes(c.keyword)) return c;
    const hit = deep(c, keywords);
    if (hit) return hit;
  }
  return undefined;
}

/** A unit element's factor (its second child), or `d`. */
const factor = (u: Node | undefined, d: number) => (u ? Number(u.children[1]) : d);

/** The ellipsoid and datum shift: WGS 84 by name, else the axes, with a TOWGS84 where given. */
function datumTerms(root: Node, geog: Node | undefined): string | null {
  const datum = deep(geog, ["DATUM", "ENSEMBLE", "GEODETICDATUM"]);
  const sph = deep(datum, ["SPHEROID", "ELLIPSOID"]);
  if (!sph) return null;
  const a = Number(sph.children[1]) * factor(first(sph, "LENGTHUNIT", "UNIT"), 1);
  const rf = Number(sph.children[2]);
  const shift = deep(root, ["TOWGS84"])?.children.map(Number);
  const wgs84 = /^(worldgeodeticsystem1984(ensemble)?|dwgs1984|wgs1984|wgs84)$/.test(norm(datum?.children[0]));
  if (shift?.every(Number.isFinite)) return `+a=${a} +rf=${rf} +towgs84=${shift.join(",")}`;
  if (wgs84 && a === 6378137 && Math.abs(rf - 298.257223563) < 1e-9) return "+datum=WGS84";
  return rf === 0 || !Number.isFinite(rf) ? `+R=${a}` : `+a=${a} +rf=${rf}`;
}

/** The PROJ string of `wkt` where its method is one this module reads (see the note), else null. */
export function wktProj(wkt: string): string | null {
  const root = tree(wkt);
  if (!root || !["PROJCS", "PROJCRS", "PROJECTEDCRS"].includes(root.keyword)) return null;
  const conversion = first(root, "CONVERSION");
  const method = norm((first(root, "PROJECTION") ?? first(conversion, "METHOD"))?.children[0] ?? "");
  const geog = first(root, "GEOGCS", "BASEGEOGCRS", "BASEGEODCRS");
  const datum = geog && datumTerms(root, geog);
  if (!METHODS[method] || !datum) return null;
  // WKT 1's parameters are in its GEOGCS's angular unit and its own linear unit; WKT 2's name theirs.
  const angular = factor(first(geog, "UNIT", "ANGLEUNIT"), Math.PI / 180);
  const linearUnit = first(root, "UNIT", "LENGTHUNIT") ?? deep(first(root, "AXIS"), ["LENGTHUNIT", "UNIT"]);
  const linear = factor(linearUnit, 1);
  const p: Params = {};
  for (const q of elements(conversion ?? root, "PARAMETER")) {
    const role = ROLES[norm(q.children[0])];
    if (!role) continue;
    const unit = first(q, "ANGLEUNIT", "LENGTHUNIT", "SCALEUNIT", "UNIT");
    const v = Number(q.children[1]);
    const isLength = LINEAR.has(role);
    const k = unit ? factor(unit, 1) : isLength ? linear : role === "k0" || role === "option" ? 1 : angular;
    p[role] = isLength ? v * k : role === "k0" || role === "option" ? v : degrees(v, k);
  }
  const body = METHODS[method]?.(p);
  if (!body || body.includes("undefined")) return null;
  const pm = first(geog, "PRIMEM");
  const pmDeg = pm ? degrees(Number(pm.children[1]), factor(first(pm, "ANGLEUNIT", "UNIT"), angular)) : 0;
  const units = linear === 1 ? "+units=m" : `+to_meter=${linear}`;
  return `${body} ${datum}${pmDeg ? ` +pm=${pmDeg}` : ""} ${units} +no_defs`;
}
