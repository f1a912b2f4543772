/**
 * Coordinate reference systems. A {@link Crs} names an EPSG code when there is one and carries
 * WKT and/or PROJ text for everything else (custom projections in model output, for example).
 * EPSG definitions come from the bundled `epsg-index` tables, so lookups work offline.
 *
 * @example
 * ```ts
 * import { crsFromEpsg, transformPoint } from "tilecast";
 * const utm = crsFromEpsg(32633);
 * utm.proj4; // "+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs +type=crs"
 * transformPoint(crsFromEpsg(4326), utm, [15, 0]); // ≈ [500000, 0]
 * ```
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type proj4Type from "proj4";
import { TilecastError } from "../errors.js";
import type { CrsNames } from "./crs-names.js";
import { respelledCrs } from "./crs-spelling.js";
import { EPSG_WKT } from "./epsg-wkt.js";
import { orthoEllipsoid } from "./ortho-ellipsoid.js";
import { primaryShift } from "./primary-shift.js";
import { converter, proj4Dialect } from "./proj4-transform.js";
import { onSphere } from "./sphere-tmerc.js";
import { extensionProj4, wktProj } from "./wkt-proj.js";
import { splitWkt } from "./wkt-split.js";
import { wktProblem } from "./wkt-syntax.js";

/** A coordinate reference system: an EPSG code and/or a WKT or PROJ definition. */
export interface Crs {
  readonly epsg: number | null;
  readonly wkt: string | null;
  readonly proj4: string | null;
  /** The EPSG code of a compound CRS's vertical part (a DEM's height datum), when the source named one. */
  readonly vertical?: number;
  /** Its parts' names, where the source gave them and `wkt` does not hold them (a GeoTIFF's citations). */
  readonly names?: CrsNames;
}

/** What kind of CRS an EPSG code names. */
export type CrsKind = "geographic" | "projected" | "other";

interface EpsgEntry {
  kind: string;
  name: string;
  wkt: string | null;
  proj4: string | null;
}

const require = createRequire(import.meta.url);
const epsgCache = new Map<number, EpsgEntry | null>();

function epsgEntry(code: number): EpsgEntry | null {
  const hit = epsgCache.get(code);
  if (hit !== undefined) return hit;
  let entry: EpsgEntry | null = null;
  try {
    const file = require.resolve(`epsg-index/s/${code}.json`);
    const text = readFileSync(file, "utf8");
    if (text.trim()) entry = JSON.parse(text) as EpsgEntry;
  } catch {
    entry = null;
  }
  epsgCache.set(code, entry);
  return entry;
}

/**
 * The CRS of an EPSG code, with its WKT and PROJ definitions when the bundled index has them. A
 * compound code (EPSG:7405, British National Grid + ODN height) is its horizontal CRS with the
 * vertical one's code.
 */
export function crsFromEpsg(code: number): Crs {
  const e = epsgEntry(code);
  if (e?.kind === "CRS-COMPOUNDCRS" && e.wkt) {
    const c = compoundOf(e.wkt);
    if (c) return c;
  }
  // The index's WKT names the same grid (EXTENSION["PROJ4_GRIDS", ...]), which PROJ would then
  // need too, where EPSG's own definition lets it choose. Codes the index gives no WKT for take
  // PROJ's (epsg-wkt.ts): a Zarr output's crs_wkt named nothing of the CRS without one.
  const wkt =
    (e?.wkt || (e?.proj4 ? EPSG_WKT[code] : undefined))?.replace(/,EXTENSION\["PROJ4_GRIDS","[^"]*"\]/g, "") ?? null;
  return { epsg: code, wkt, proj4: e?.proj4 ? primaryShift(code, e.proj4) : null };
}

/**
 * A compound CRS's WKT (1: `COMPD_CS`, 2: `COMPOUNDCRS`) as its horizontal CRS with the vertical
 * part's EPSG code; null when `wkt` is not compound or its first part cannot be read.
 */
function compoundOf(wkt: string): Crs | null {
  const w = splitWkt(wkt);
  if (!w || (w.keyword !== "COMPD_CS" && w.keyword !== "COMPOUNDCRS")) return null;
  // An EPSG compound code names both parts, whatever this text's parts carry (GDAL's WKT 2 puts
  // the code on the compound alone).
  const own = epsgEntry(trailingEpsg(wkt) ?? 0);
  if (own?.kind === "CRS-COMPOUNDCRS" && own.wkt && own.wkt !== wkt) {
    const c = compoundOf(own.wkt);
    if (c) return c;
  }
  const [, horizontal, vertical] = w.children;
  if (!horizontal || !/^[A-Z_]+\s*\[/i.test(horizontal)) return null;
  const h = parseCrs(horizontal);
  const code = vertical ? trailingEpsg(vertical) : null;
  return code ? { ...h, vertical: code } : h;
}

/** The EPSG code a WKT element ends with (`AUTHORITY["EPSG","n"]` or `ID["EPSG",n]`), or null. */
function trailingEpsg(wkt: string): number | null {
  const auth = /(?:AUTHORITY\["EPSG",\s*"(\d+)"\]|ID\["EPSG",\s*(\d+)\])\]\s*$/.exec(wkt);
  return auth ? Number(auth[1] ?? auth[2]) : null;
}

/**
 * WKT 1 for `crs` with its vertical part, as a compound CRS (`COMPD_CS`), for formats that keep
 * a CRS as WKT alone (Zarr's `crs_wkt`, GDAL's `_CRS`); the horizontal WKT where there is no
 * vertical part, or where either part has no WKT 1 to join.
 */
export function wktWithVertical(crs: Crs): string | null {
  const byCode = crs.epsg ? crsFromEpsg(crs.epsg).wkt : null;
  const own = crs.wkt ?? byCode;
  const v = crs.vertical ? epsgEntry(crs.vertical) : null;
  if (!v?.wkt || !/^VERT_CS\[/.test(v.wkt)) return own;
  // WKT 1 of the horizontal part: its own, else its EPSG code's (a WKT 2 source's).
  const wkt1 = (t: string | null) => (t && /^(PROJCS|GEOGCS)\[/.test(t) ? t : null);
  const h = wkt1(crs.wkt) ?? wkt1(byCode);
  if (!h) return own;
  const name = (splitWkt(h)?.children[0] ?? '""').replace(/^"|"$/g, "");
  return `COMPD_CS["${name} + ${v.name}",${h},${v.wkt}]`;
}

/** Whether an EPSG code is geographic (lat/lon), projected, or something else / unknown. */
export function epsgKind(code: number): CrsKind {
  const kind = epsgEntry(code)?.kind;
  if (kind === "CRS-GEOGCRS" || kind === "CRS-GEOG3DCRS") return "geographic";
  if (kind === "CRS-PROJCRS") return "projected";
  return "other";
}

/**
 * Whether a CRS is latitude/longitude on the Earth: by its EPSG code's kind, else its PROJ
 * `longlat`, else its WKT's first keyword (GEOGCS, GEOGCRS); a rotated pole is not.
 */
export function isGeographic(crs: Crs | null | undefined): boolean {
  if (!crs) return false;
  if (crs.epsg) return epsgKind(crs.epsg) === "geographic";
  // A rotated pole is longitude and latitude too, but not the Earth's: its rows are not at the
  // latitudes their coordinates name.
  if (isRotatedPole(crs)) return false;
  if (crs.proj4) return /\bproj=(longlat|latlong|lonlat|latlon)\b/.test(crs.proj4);
  return /^\s*(GEOGCS|GEOGCRS|GEOGRAPHICCRS)\b/.test(crs.wkt ?? "");
}

/**
 * Whether a CRS is a rotated pole (longitude and latitude about a displaced pole, as COSMO, ICON's
 * limited-area grids and the UK Met Office's models use): PROJ's `ob_tran` with `o_proj=longlat`,
 * or WKT 2's derived geographic CRS.
 */
export function isRotatedPole(crs: Crs | null | undefined): boolean {
  if (!crs) return false;
  if (crs.proj4)
    return /\bproj=ob_tran\b/.test(crs.proj4) && /\bo_proj=(longlat|latlong|lonlat|latlon)\b/.test(crs.proj4);
  return /^\s*GEOGCRS\[[^]*\bDERIVINGCONVERSION\[/.test(crs.wkt ?? "");
}

/** The human name of an EPSG code ("WGS 84 / UTM zone 33N"), or null. */
export function epsgName(code: number): string | null {
  return epsgEntry(code)?.name ?? null;
}

/**
 * Parse a CRS given as `EPSG:n`, a bare number, WKT (1 or 2), a PROJ string, PROJJSON or an OGC
 * URN or URL (`crs-spelling.ts`). WKT ending in an EPSG `AUTHORITY`/`ID` is that code.
 */
export function parseCrs(text: string): Crs {
  const t = respelledCrs(text);
  const known = t.startsWith("EPSG:") ? crsFromEpsg(Number(t.slice(5))) : null; // none if not indexed
  if (known?.wkt === null && known.proj4 === null)
    throw new TilecastError("E_UNSUPPORTED", `${t} is not in the bundled EPSG index`);
  if (known) return known;
  if (t.startsWith("+")) return { epsg: null, wkt: null, proj4: t };
  if (/^[A-Z_]+\[/.test(t)) {
    const problem = wktProblem(t);
    if (problem) throw new TilecastError("E_ARGUMENT", `malformed WKT (${problem}): '${t.slice(0, 40)}'`);
    const compound = compoundOf(t);
    if (compound) return compound;
    const code = trailingEpsg(t);
    const own = code ? epsgEntry(code)?.proj4 : null; // as crsFromEpsg gives it: without a grid
    return { epsg: code, wkt: t, proj4: code ? (own ? primaryShift(code, own) : null) : extensionProj4(t) };
  }
  throw new TilecastError("E_ARGUMENT", `cannot parse CRS '${t.slice(0, 40)}'`);
}

export { extensionProj4 };

/** A definition proj4 accepts for this CRS (PROJ string preferred, then WKT; wkt-proj.ts). */
export function proj4Definition(crs: Crs): string {
  const def = crs.proj4 ?? (crs.wkt && wktProj(crs.wkt)) ?? crs.wkt ?? (crs.epsg ? crsFromEpsg(crs.epsg).proj4 : null);
  if (!def) throw new TilecastError("E_UNSUPPORTED", "CRS has no definition to transform with");
  return onSphere(proj4Dialect(def));
}

/**
 * True when two CRSs are the same: by EPSG code where both have one, by identical WKT or PROJ
 * text, or else by what they define (one spelled as an EPSG code, another as WKT without it, a
 * third as a PROJ string, as GeoTIFFs, Zarr stores and tilecast's own outputs spell one CRS):
 * the same ellipsoid, datum shift and axes, and the same coordinates for points around the
 * first's origin, to a millimetre.
 */
export function sameCrs(a: Crs | null, b: Crs | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.epsg !== null && b.epsg !== null) return a.epsg === b.epsg;
  if ((a.wkt !== null && a.wkt === b.wkt) || (a.proj4 !== null && a.proj4 === b.proj4)) return true;
  return sameDefinition(a, b);
}

/** The parts of a parsed proj4 definition {@link sameDefinition} compares. */
interface Parsed {
  a: number;
  es: number;
  long0?: number;
  lat0?: number;
  axis?: string;
  datum?: { datum_type?: number; datum_params?: number[] };
}

/** proj4's name of longitude and latitude on WGS 84, where points are compared from. */
const WGS84 = "WGS84";

function sameDefinition(a: Crs, b: Crs): boolean {
  let pa: Parsed;
  let pb: Parsed;
  let fa: (p: number[]) => number[];
  let fb: (p: number[]) => number[];
  try {
    const P = proj4().Proj as unknown as new (def: string) => Parsed;
    [pa, pb] = [new P(proj4Definition(a)), new P(proj4Definition(b))];
    // From geographic WGS 84 degrees into each CRS.
    const [ca, cb] = [converter(WGS84, proj4Definition(a)), converter(WGS84, proj4Definition(b))];
    [fa, fb] = [(p) => ca.forward(p as [number, number]), (p) => cb.forward(p as [number, number])];
  } catch {
    return false; // a definition proj4 cannot read is compared by its text alone
  }
  const near = (x: number, y: number, tol: number) => Math.abs(x - y) <= tol * Math.max(1, Math.abs(x));
  const shift = (p: Parsed) => [...(p.datum?.datum_params ?? []), 0, 0, 0, 0, 0, 0, 0].slice(0, 7);
  const [sa, sb] = [shift(pa), shift(pb)];
  if (!near(pa.a, pb.a, 1e-12) || !near(pa.es, pb.es, 1e-12) || (pa.axis ?? "enu") !== (pb.axis ?? "enu")) return false;
  if (
    (pa.datum?.datum_type ?? 0) !== (pb.datum?.datum_type ?? 0) ||
    sa.some((v, i) => !near(v, sb[i] as number, 1e-12))
  )
    return false;
  const deg = 180 / Math.PI;
  const [lon, lat] = [(pa.long0 ?? 0) * deg, Math.max(-89, Math.min(89, (pa.lat0 ?? 0) * deg))];
  const points: [number, number][] = [
    [lon, lat],
    [lon + 1, Math.max(-89, lat - 1)],
    [lon - 1.5, Math.min(89, lat + 1.5)],
  ];
  return points.every((p) => {
    const [xa = Number.NaN, ya = Number.NaN] = fa(p);
    const [xb = Number.NaN, yb = Number.NaN] = fb(p);
    return Math.abs(xa - xb) < 1e-3 && Math.abs(ya - yb) < 1e-3;
  });
}

let proj4Module: typeof proj4Type | null = null;
/**
 * proj4, loaded on first use: it is 50-70 ms of a command's start, and most reads and writes never
 * need it (EPSG codes are looked up, not parsed).
 */
export const proj4 = (): typeof proj4Type => {
  if (!proj4Module) {
    proj4Module = require("proj4") as typeof proj4Type;
    // PROJ's ellipsoidal orthographic in place of proj4's spherical one.
    (proj4Module.Proj as unknown as { projections: { add(p: unknown): void } }).projections.add(orthoEllipsoid);
  }
  return proj4Module;
};

/** Transform one `[x, y]` point between CRSs with proj4. */
export function transformPoint(from: Crs, to: Crs, p: readonly [number, number]): [number, number] {
  return converter(proj4Definition(from), proj4Definition(to)).forward(p);
}
