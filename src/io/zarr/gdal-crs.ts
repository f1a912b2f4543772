/**
 * GDAL's own CRS attribute of a Zarr array, `_CRS`: `{ "wkt": ..., "projjson": ..., "url": ... }`.
 * GDAL's Zarr driver writes it and reads it (GDAL 3.6 reads no CF grid mapping), so a store
 * GDAL wrote carries its CRS there only, and a store tilecast writes carries it there too, beside
 * the rioxarray `spatial_ref` variable that xarray users read.
 *
 * Internal (used by `source.ts` and `sink.ts`).
 */
import type { Crs } from "../../grid/crs.js";

const EPSG_URL = /^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/(\d+)$/;

/** The CRS text of a `_CRS` attribute (its WKT, else `EPSG:n` from its URL), or null. */
export function crsTextOfGdalAttr(v: unknown): string | null {
  if (typeof v !== "object" || v === null) return null;
  const { wkt, url } = v as { wkt?: unknown; url?: unknown };
  if (typeof wkt === "string" && wkt.trim()) return wkt;
  const code = typeof url === "string" ? EPSG_URL.exec(url)?.[1] : undefined;
  return code ? `EPSG:${code}` : null;
}

/** The `_CRS` attribute for a CRS: its EPSG URL where it has a code, its WKT where it has one. */
export function gdalCrsAttr(crs: Crs): Record<string, string> {
  const attr: Record<string, string> = {};
  if (crs.wkt) attr.wkt = crs.wkt;
  if (crs.epsg !== null) attr.url = `http://www.opengis.net/def/crs/EPSG/0/${crs.epsg}`;
  else if (!crs.wkt && crs.proj4) attr.wkt = crs.proj4; // GDAL reads a PROJ string there too
  return attr;
}
