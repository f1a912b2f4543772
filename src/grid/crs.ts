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

/** A coordinate reference system: an EPSG code and/or a WKT or PROJ definition. */
export interface Crs {
  readonly epsg: number | null;
  readonly wkt: string | null;
  readonly proj4: string | null;
  /** The EPSG code of a compound CRS's vertical part (a DEM's height datum), when the source named one. */
  readonly vertical?: number;
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

/** The CRS of an EPSG code, with its WKT and PROJ definitions when the bundled index has them. */
export function crsFromEpsg(code: number): Crs {
  const e = epsgEntry(code);
  return { epsg: code, wkt: e?.wkt ?? null, proj4: e?.proj4 ?? null };
}

/** Whether an EPSG code is geographic (lat/lon), projected, or something else / unknown. */
export function epsgKind(code: number): CrsKind {
  const kind = epsgEntry(code)?.kind;
  if (kind === "CRS-GEOGCRS" || kind === "CRS-GEOG3DCRS") return "geographic";
  if (kind === "CRS-PROJCRS") return "projected";
  return "other";
}

/**
 * Whether a CRS is latitude/longitude: by its EPSG code's kind, else its WKT's first keyword
 * (GEOGCS, GEOGCRS) or a PROJ `longlat`.
 */
export function isGeographic(crs: Crs | null | undefined): boolean {
  if (!crs) return false;
  if (crs.epsg) return epsgKind(crs.epsg) === "geographic";
  return /^\s*(GEOGCS|GEOGCRS|GEOGRAPHICCRS)\b/.test(crs.wkt ?? "") || /longlat/.test(crs.proj4 ?? "");
}

/** The human name of an EPSG code ("WGS 84 / UTM zone 33N"), or null. */
export function epsgName(code: number): string | null {
  return epsgEntry(code)?.name ?? null;
}

/**
 * Parse a CRS given as `EPSG:n`, a bare number, WKT (1 or 2) or a PROJ string.
 * WKT that ends with an `AUTHORITY["EPSG","n"]` / `ID["EPSG",n]` is recognised as that code.
 */
export function parseCrs(text: string): Crs {
  const t = text.trim();
  const m = /^(?:EPSG:)?(\d{4,6})$/i.exec(t);
  if (m) return crsFromEpsg(Number(m[1]));
  if (t.startsWith("+")) return { epsg: null, wkt: null, proj4: t };
  if (/^[A-Z_]+\[/.test(t)) {
    const auth = /(?:AUTHORITY\["EPSG",\s*"(\d+)"\]|ID\["EPSG",\s*(\d+)\])\]\s*$/.exec(t);
    const code = auth ? Number(auth[1] ?? auth[2]) : null;
    return { epsg: code, wkt: t, proj4: code ? (epsgEntry(code)?.proj4 ?? null) : null };
  }
  throw new TilecastError("E_ARGUMENT", `cannot parse CRS '${t.slice(0, 40)}'`);
}

/** A definition proj4 accepts for this CRS (PROJ string preferred, then WKT). */
export function proj4Definition(crs: Crs): string {
  const def = crs.proj4 ?? crs.wkt ?? (crs.epsg ? crsFromEpsg(crs.epsg).proj4 : null);
  if (!def) throw new TilecastError("E_UNSUPPORTED", "CRS has no definition to transform with");
  return def;
}

/** True when two CRSs are the same by EPSG code, or by identical WKT/PROJ text. */
export function sameCrs(a: Crs | null, b: Crs | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.epsg !== null || b.epsg !== null) return a.epsg === b.epsg;
  return (a.wkt ?? a.proj4) === (b.wkt ?? b.proj4);
}

let proj4Module: typeof proj4Type | null = null;
/**
 * proj4, loaded on first use: it is 50-70 ms of a command's start, and most reads and writes never
 * need it (EPSG codes are looked up, not parsed).
 */
export const proj4 = (): typeof proj4Type => {
  proj4Module ??= require("proj4") as typeof proj4Type;
  return proj4Module;
};

/** Transform one `[x, y]` point between CRSs with proj4. */
export function transformPoint(from: Crs, to: Crs, p: readonly [number, number]): [number, number] {
  const out = proj4()(proj4Definition(from), proj4Definition(to), [p[0], p[1]]);
  return [out[0] ?? Number.NaN, out[1] ?? Number.NaN];
}
