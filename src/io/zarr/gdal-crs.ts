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

const EPSG_URL = /^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/(\d+)$/;
const COMPOUND_URL =
  /^https?:\/\/www\.opengis\.net\/def\/crs-compound\?1=https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/(\d+)&2=https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/(\d+)$/;

/** The CRS text of a `_CRS` attribute (its WKT, else `EPSG:n` from its URL), or null. */
export function crsTextOfGdalAttr(v: unknown): string | null {
  if (typeof v !== "object" || v === null) return null;
  const { wkt, url } = v as { wkt?: unknown; url?: unknown };
  if (typeof wkt === "string" && wkt.trim()) return wkt;
  if (typeof url !== "string") return null;
  const code = EPSG_URL.exec(url)?.[1];
  if (code) return `EPSG:${code}`;
  // OGC's compound URL of two EPSG codes, horizontal then vertical.
  const pair = COMPOUND_URL.exec(url);
  if (!pair) return null;
  return wktWithVertical({ epsg: Number(pair[1]), vertical: Number(pair[2]), wkt: null, proj4: null });
}

/**
 * {@link crsTextOfGdalAttr}, checked: a `_CRS` whose WKT does not parse (cut short) is an error
 * naming the store (`path`), not a broken CRS written on.
 */
export function gdalCrsText(v: unknown, path: string): string | null {
  const text = crsTextOfGdalAttr(v);
  if (text === null) return null;
  try {
    parseCrs(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new TilecastError("E_FORMAT", `its _CRS attribute is not a CRS tilecast reads (${why})`, { path });
  }
  return text;
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
