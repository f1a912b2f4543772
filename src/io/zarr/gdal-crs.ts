/**
 * GDAL's own CRS attribute of a Zarr array, `_CRS`: `{ "wkt": ..., "projjson": ..., "url": ... }`.
 * GDAL's Zarr driver writes it and reads it (GDAL 3.6 reads no CF grid mapping), so a store
 * GDAL wrote carries its CRS there only, and a store tilecast writes carries it there too, beside
 * the rioxarray `spatial_ref` variable that xarray users read.
 *
 * Internal (used by `source.ts` and `sink.ts`).
 */

import { TilecastError } from "../../errors.js";
import { type Crs, parseCrs, wktWithVertical } from "../../grid/crs.js";
import { namedWkt } from "./crs-attrs.js";

const COMPOUND_URL =
  /^https?:\/\/www\.opengis\.net\/def\/crs-compound\?1=https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/(\d+)&2=https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/(\d+)$/;

const text = (v: unknown) => (typeof v === "string" && v.trim() ? v : null);

/**
 * The CRS text of a `_CRS` attribute, unchecked: its WKT, else its URL (any spelling `parseCrs`
 * reads: an EPSG code, OGC's CRS84, an EPSG URN), else its PROJJSON, as GDAL reads one of the
 * three; a bare string as it is; null where it holds none of them.
 */
export function crsTextOfGdalAttr(v: unknown): string | null {
  if (typeof v === "string") return text(v);
  if (typeof v !== "object" || v === null) return null;
  const { wkt, url, projjson } = v as { wkt?: unknown; url?: unknown; projjson?: unknown };
  if (text(wkt)) return wkt as string;
  // OGC's compound URL of two EPSG codes, horizontal then vertical.
  const pair = COMPOUND_URL.exec(text(url) ?? "");
  if (pair) return wktWithVertical({ epsg: Number(pair[1]), vertical: Number(pair[2]), wkt: null, proj4: null });
  if (text(url)) return url as string;
  if (typeof projjson === "object" && projjson !== null) return JSON.stringify(projjson);
  return text(projjson);
}

/**
 * The CRS a variable's own attributes give: GDAL's `_CRS` ({@link crsTextOfGdalAttr}), else a
 * `crs` string or code (xarray's old `open_rasterio` wrote `+init=epsg:n` there). A `_CRS` that
 * holds no CRS or one that does not parse (a WKT cut short, a URL of no EPSG code) is an error
 * naming the store (`path`), not a broken CRS written on or none read; a `crs` attribute that is
 * no CRS tilecast reads is passed over, as GDAL passes over every `crs` attribute.
 */
export function ownCrsText(attrs: Readonly<Record<string, unknown>>, path: string): string | null {
  const legacy = typeof attrs.crs === "string" || typeof attrs.crs === "number" ? String(attrs.crs) : null;
  if (attrs._CRS === undefined || attrs._CRS === null)
    return legacy !== null && parses(legacy) === true ? legacy : null;
  const fail = (why: string) => new TilecastError("E_FORMAT", `its _CRS attribute ${why}`, { path });
  const crs = crsTextOfGdalAttr(attrs._CRS);
  if (crs === null) throw fail("holds no wkt, url or projjson");
  const why = parses(crs);
  if (why !== true) throw fail(`is not a CRS tilecast reads (${why})`);
  return crs;
}

/** True where `parseCrs` reads `text`, else why it does not. */
function parses(text: string): true | string {
  try {
    parseCrs(text);
    return true;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** OGC's URL of an EPSG code. */
const epsgUrl = (code: number) => `http://www.opengis.net/def/crs/EPSG/0/${code}`;

/**
 * The `_CRS` attribute for a CRS: its EPSG URL where it has a code, its WKT where it has one. A
 * compound CRS has OGC's compound URL of its two codes (GDAL reads the URL before the WKT, and
 * takes this one as exactly EPSG's pair) and its compound WKT.
 */
export function gdalCrsAttr(crs: Crs): Record<string, string> {
  const attr: Record<string, string> = {};
  const compound = crs.vertical ? wktWithVertical(crs) : null;
  if (compound?.startsWith("COMPD_CS[")) {
    attr.wkt = compound;
    if (crs.epsg)
      attr.url = `http://www.opengis.net/def/crs-compound?1=${epsgUrl(crs.epsg)}&2=${epsgUrl(crs.vertical as number)}`;
    return attr;
  }
  if (crs.wkt) attr.wkt = crs.wkt;
  if (crs.epsg !== null) attr.url = epsgUrl(crs.epsg);
  // A PROJ string's CRS as the WKT the store's crs_wkt holds, its parts named as the source named
  // them: GDAL read the bare string as another CRS (its datum "Unknown based on ... ellipsoid"
  // where the input's had a name, a UTM zone's datum shift dropped), so GDAL and xarray disagreed.
  // A method WKT 1 does not name keeps the string, which GDAL reads there too.
  else if (!crs.wkt && crs.proj4) attr.wkt = namedWkt(crs) ?? crs.proj4;
  return attr;
}
