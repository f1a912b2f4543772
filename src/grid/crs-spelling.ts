/**
 * The spellings of a CRS that files and users write beside `EPSG:n`, WKT and PROJ strings, read
 * as one of those three: OGC's URNs and URLs of an EPSG code (a Zarr `_CRS`'s `url`, GML, WMS),
 * PROJ's legacy `+init=epsg:n` (xarray's old `open_rasterio` wrote it into a `crs` attribute),
 * OGC's CRS84 (longitude, latitude on WGS 84: EPSG:4326 as GDAL writes it into a GeoTIFF) and its
 * NAD83 and NAD27 siblings, PROJJSON (`projjson.ts`), and ESRI's compound CRS, its parts side by
 * side (`PROJCS[...],VERTCS[...]`, as ArcGIS writes a DEM's .prj or PE string), as WKT 1's
 * `COMPD_CS`; as GDAL's `SetFromUserInput` reads them.
 *
 * @example
 * ```ts
 * import { parseCrs } from "tilecast";
 * parseCrs("urn:ogc:def:crs:EPSG::32633").epsg; // 32633
 * parseCrs("http://www.opengis.net/def/crs/OGC/1.3/CRS84").epsg; // 4326
 * parseCrs("+init=epsg:3035").epsg; // 3035
 * ```
 */
import { TilecastError } from "../errors.js";
import { projjsonWkt } from "./projjson.js";

/** OGC's longitude-first geographic CRSs and the EPSG codes of the same datums. */
const OGC_CODES: Readonly<Record<string, number>> = { CRS84: 4326, CRS83: 4269, CRS27: 4267 };

const SPELLINGS: readonly RegExp[] = [
  /^EPSG:(\d{1,6})$/i,
  /^(\d{4,6})$/,
  /^urn:ogc:def:crs:EPSG:[\d.]*:(\d+)$/i,
  /^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/[\d.]+\/(\d+)$/i,
  /^https?:\/\/www\.opengis\.net\/gml\/srs\/epsg\.xml#(\d+)$/i,
  /^\+init=epsg:(\d+)(?:\s+\+no_defs)?(?:\s+\+type=crs)?$/i,
];

const OGC_SPELLINGS: readonly RegExp[] = [
  /^(?:OGC:)?(CRS\d\d)$/i,
  /^urn:ogc:def:crs:OGC:[\d.]*:(CRS\d\d)$/i,
  /^https?:\/\/www\.opengis\.net\/def\/crs\/OGC\/[\d.]+\/(CRS\d\d)$/i,
];

/** The EPSG code `text` names in one of the spellings above, or null. */
export function spelledEpsg(text: string): number | null {
  const t = text.trim();
  for (const re of SPELLINGS) {
    const m = re.exec(t);
    if (m) return Number(m[1]);
  }
  for (const re of OGC_SPELLINGS) {
    const code = OGC_CODES[(re.exec(t)?.[1] ?? "").toUpperCase()];
    if (code !== undefined) return code;
  }
  return null;
}

/** Where the first bracketed element of `t` closes (quotes skipped), or -1. */
function firstClose(t: string): number {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === "[" || c === "(") depth++;
    else if ((c === "]" || c === ")") && --depth === 0) return i;
  }
  return -1;
}

/** ESRI's `PROJCS[...],VERTCS[...]` (or GEOGCS first) as `COMPD_CS`, or null for any other text. */
function esriCompound(t: string): string | null {
  if (!/^(PROJCS|GEOGCS)\[/.test(t)) return null;
  const end = firstClose(t);
  const rest = end < 0 ? "" : t.slice(end + 1);
  if (!/^\s*,\s*VERTCS\s*\[/.test(rest)) return null;
  const name = /^\w+\["((?:[^"]|"")*)"/.exec(t)?.[1] ?? "unknown";
  return `COMPD_CS["${name}",${t.slice(0, end + 1)},${rest.replace(/^\s*,\s*/, "")}]`;
}

/**
 * `text` as `EPSG:n` where it names a code, as WKT 2 where it is PROJJSON, as `COMPD_CS` where it
 * is ESRI's compound, else as it was. An error (thrown by `projjsonWkt`) for PROJJSON tilecast
 * does not read.
 */
export function respelledCrs(text: string): string {
  const t = text.trim();
  const code = spelledEpsg(t);
  if (code !== null) return `EPSG:${code}`;
  if (!t.startsWith("{")) return esriCompound(t) ?? t;
  let json: unknown;
  try {
    json = JSON.parse(t);
  } catch {
    throw new TilecastError("E_ARGUMENT", `cannot parse CRS '${t.slice(0, 40)}' (not JSON)`);
  }
  return projjsonWkt(json);
}
