/**
 * EPSG codes by name, from the bundled epsg-index tables: a CRS given by its parameters and its
 * names (CF's `projected_crs_name` and `geographic_crs_name`, as pyproj's `to_cf` writes them
 * beside the parameters) is that code where the two define the same CRS. Without the code its
 * datum went unnamed, and GDAL took it for another CRS than, say, WGS 84 / UTM zone 33N.
 *
 * A projected CRS is looked up by its own name, else among the codes on its geographic CRS
 * (names change between EPSG releases: "ETRS89-extended / LAEA Europe" was "ETRS89 / LAEA
 * Europe"), taken where exactly one of those is the same CRS.
 *
 * @example
 * const crs = parseCrs("+proj=tmerc +lon_0=15 +k_0=0.9996 +x_0=500000 +a=6378137 +rf=298.257223563 +units=m");
 * namedEpsg(crs, { crs: "WGS 84 / UTM zone 33N", gcs: "WGS 84" }); // 32633
 */
import { createRequire } from "node:module";
import { type Crs, crsFromEpsg, parseCrs, sameCrs } from "./crs.js";
import type { CrsNames } from "./crs-names.js";
import { ESRI_GCS_NAMES } from "./esri-gcs-names.js";

const require = createRequire(import.meta.url);

interface Entry {
  code: number;
  /** Its PROJ method (`tmerc`), to compare only codes that could be the same CRS. */
  method: string;
}

interface Index {
  byName: Map<string, Entry[]>;
  byGcs: Map<string, Entry[]>;
  /** By name with case, punctuation and ESRI's `GCS_` aside (ESRI's `GCS_Amersfoort`). */
  byLooseName: Map<string, Entry[]>;
}

/** The index, built once (the table is 8 MB; it is read only for a CRS given by name). */
let index: Index | null = null;

const key = (name: string) => name.trim().replace(/\s+/g, " ").toLowerCase();
const looseKey = (name: string) =>
  name
    .toLowerCase()
    .replace(/^gcs_/, "")
    .replace(/[^a-z0-9]/g, "");
/** Its PROJ method, UTM and the extended Transverse Mercator as the Transverse Mercator. */
const methodOf = (proj4: string | undefined) => {
  const m = /\+proj=(\S+)/.exec(proj4 ?? "")?.[1] ?? "";
  return m === "utm" || m === "etmerc" ? "tmerc" : m;
};

function load(): Index {
  if (index) return index;
  const all = require("epsg-index/all.json") as Record<
    string,
    { name?: string; kind?: string; wkt?: string; proj4?: string }
  >;
  const built: Index = { byName: new Map(), byGcs: new Map(), byLooseName: new Map() };
  const add = (map: Map<string, Entry[]>, k: string, e: Entry) => map.set(k, [...(map.get(k) ?? []), e]);
  for (const [code, e] of Object.entries(all)) {
    if (!e.name || !/^CRS-(PROJ|GEOG)CRS$/.test(e.kind ?? "")) continue;
    const entry = { code: Number(code), method: methodOf(e.proj4) };
    add(built.byName, key(e.name), entry);
    add(built.byLooseName, looseKey(e.name), entry);
    const gcs = e.kind === "CRS-PROJCRS" ? /GEOGCS\["([^"]*)"/.exec(e.wkt ?? "")?.[1] : undefined;
    if (gcs) add(built.byGcs, key(gcs), entry);
  }
  index = built;
  return built;
}

/** The datum terms of a PROJ string (`+datum=`, `+towgs84=`, `+nadgrids=`). */
const datumTerms = (proj4: string) => (proj4.match(/\+(datum|towgs84|nadgrids)=\S+/g) ?? []).join(" ");

/**
 * The codes of `entries` whose CRS is `crs` on the code's datum: CF's parameters give the
 * ellipsoid but no datum shift, so the name gives the datum, and the rest must be the same.
 */
function matching(crs: Crs, entries: readonly Entry[]): number[] {
  const method = methodOf(crs.proj4 ?? undefined);
  return entries
    .filter((e) => e.method === method || method === "")
    .map((e) => e.code)
    .filter((code) => {
      try {
        const epsg = crsFromEpsg(code);
        const own = crs.proj4 && !/\+(datum|towgs84|nadgrids)=/.test(crs.proj4) ? crs.proj4 : null;
        return sameCrs(own ? parseCrs(`${own} ${datumTerms(epsg.proj4 ?? "")}`) : crs, epsg);
      } catch {
        return false; // a code proj4 cannot read is not this CRS
      }
    });
}

/** The EPSG code `names` name whose CRS is `crs`'s, or null where none is (or several are). */
export function namedEpsg(crs: Crs, names: CrsNames): number | null {
  const { byName, byGcs } = load();
  for (const name of [names.crs, names.gcs]) {
    const hit = name ? matching(crs, byName.get(key(name)) ?? [])[0] : undefined;
    if (hit !== undefined) return hit;
  }
  if (!names.crs || !names.gcs) return null;
  const onGcs = matching(crs, byGcs.get(key(names.gcs)) ?? []);
  return onGcs.length === 1 ? (onGcs[0] as number) : null;
}

/** ESRI's names of geographic CRSs (esri-gcs-names.ts), by their loose key; built once. */
let esri: Map<string, number> | null = null;

/**
 * The codes of the geographic CRSs EPSG names `name`: by the name (case and spacing aside), else
 * with punctuation and ESRI's `GCS_` aside, as ESRI spells many of EPSG's (`GCS_Amersfoort`),
 * else by ESRI's own name for it (`GCS_Israel`, `GCS_WGS_1972`).
 */
export function geographicCodes(name: string): number[] {
  const { byName, byLooseName } = load();
  const pick = (entries: readonly Entry[] | undefined) =>
    (entries ?? []).filter((e) => e.method === "longlat").map((e) => e.code);
  const exact = pick(byName.get(key(name)));
  if (exact.length) return exact;
  const loose = pick(byLooseName.get(looseKey(name)));
  if (loose.length) return loose;
  esri ??= new Map(
    ESRI_GCS_NAMES.split(" ").map((pair) => [looseKey(pair.split(":")[0] ?? ""), Number(pair.split(":")[1])]),
  );
  const code = esri.get(looseKey(name));
  return code === undefined ? [] : [code];
}
