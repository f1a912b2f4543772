/**
 * The georeferencing GDAL keeps beside a raster, in its `.aux.xml` sidecar (PAM, "persistent
 * auxiliary metadata"). GDAL writes a CRS there when GeoTIFF keys cannot hold it (Equal Earth,
 * for one, even by EPSG code), and a geotransform set on a file after it was written; it reads
 * the sidecar first (`GDAL_GEOREF_SOURCES` defaults to PAM, then the file's own tags), each of
 * the two separately. A reader that skipped it would drop such a raster's CRS without a word.
 *
 * Internal (used by `georef-sources.ts`; `stale-sidecars.ts` removes a replaced file's sidecars and
 * `pam-write.ts` writes one).
 */
import { TilecastError } from "../../errors.js";
import { type Crs, parseCrs } from "../../grid/crs.js";
import { type GeoTransform, IDENTITY_TRANSFORM } from "../../grid/geotransform.js";
import { type ColorEntry, type Georef, unplacedGeoref } from "../../grid/grid.js";
import { besidePath } from "../../util/url.js";
import { readSidecar } from "../sidecar-text.js";
import { type PamGcps, pamColorTable, pamGcps } from "./pam-gcps.js";
import { type PamMetadata, parsePamMetadata } from "./pam-metadata.js";
import { xmlElements } from "./xml-elements.js";
import { unescapeXml } from "./xml-text.js";

/** What a sidecar says about the georeferencing; each part null where it says nothing. */
export interface PamGeoref {
  crs: Crs | null;
  transform: GeoTransform | null;
  /** Each band's own entries, by band index from 0 (`pam-bands.ts` merges them). */
  bands: Map<number, PamBand>;
  /** Its metadata items (`pam-metadata.ts`). */
  metadata: PamMetadata;
  /** Its ground control points (`pam-gcps.ts`), or null. */
  gcps: PamGcps | null;
}

/** A band's nodata (as GDAL's text), scale, offset, description and unit in a sidecar. */
export interface PamBand {
  nodata?: string;
  scale?: number;
  offset?: number;
  description?: string;
  /** The band's unit type. */
  unit?: string;
  /** The band's colour table. */
  colorTable?: ColorEntry[];
  /** The names of the band's values (GDAL's category names). */
  categories?: string[];
}

/** The text of the dataset-level element `name` (not one inside a band), or null. One pass over the text. */
function element(xml: string, name: string): string | null {
  const tag = `<${name}`;
  let bands = 0;
  for (let lt = xml.indexOf("<"); lt >= 0; lt = xml.indexOf("<", lt + 1)) {
    if (xml.startsWith("<PAMRasterBand", lt)) bands++;
    else if (xml.startsWith("</PAMRasterBand>", lt)) bands = Math.max(0, bands - 1);
    else if (bands === 0 && xml.startsWith(tag, lt) && /[\s>/]/.test(xml[lt + tag.length] ?? "")) {
      const gt = xml.indexOf(">", lt);
      if (gt < 0 || xml[gt - 1] === "/") return null;
      const close = xml.indexOf(`</${name}>`, gt);
      return close < 0 ? null : unescapeXml(xml.slice(gt + 1, close)).trim();
    }
  }
  return null;
}

/** A band's category names (`<CategoryNames><Category>..`; an empty one names nothing), or null. */
function categoryNames(band: string): string[] | null {
  for (const list of xmlElements(band, "CategoryNames"))
    return Array.from(xmlElements(list.body, "Category"), (c) => unescapeXml(c.body).trim());
  return null;
}

/**
 * Parse a PAM sidecar's text. A CRS or geotransform it holds but that cannot be read is an error
 * naming the sidecar: GDAL would use it, so tilecast must not fall back to the file's own.
 */
export function parsePam(xml: string, sidecar: string): PamGeoref {
  const srs = element(xml, "SRS");
  let crs: Crs | null = null;
  if (srs) {
    try {
      crs = parseCrs(srs);
    } catch (e) {
      throw new TilecastError("E_FORMAT", `its SRS is not a CRS tilecast reads ('${srs.slice(0, 40)}')`, {
        path: sidecar,
        cause: e,
      });
    }
  }
  const gtText = element(xml, "GeoTransform");
  let transform: GeoTransform | null = null;
  if (gtText) {
    const v = gtText
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number);
    if (v.length !== 6 || !v.every(Number.isFinite))
      throw new TilecastError("E_FORMAT", `its GeoTransform is not six finite numbers ('${gtText.slice(0, 60)}')`, {
        path: sidecar,
      });
    transform = v as unknown as GeoTransform;
  }
  return {
    crs,
    transform,
    bands: pamBands(xml, sidecar),
    metadata: parsePamMetadata(xml),
    gcps: pamGcps(xml, sidecar),
  };
}

/** The `<PAMRasterBand band="N">` elements' entries. */
function pamBands(xml: string, sidecar: string): Map<number, PamBand> {
  const bands = new Map<number, PamBand>();
  for (let at = xml.indexOf("<PAMRasterBand"); at >= 0; at = xml.indexOf("<PAMRasterBand", at + 1)) {
    const gt = xml.indexOf(">", at);
    const close = xml.indexOf("</PAMRasterBand>", gt);
    if (gt < 0 || close < 0) break;
    const n = Number(/\bband="(\d{1,6})"/.exec(xml.slice(at, gt))?.[1] ?? Number.NaN);
    if (!(n >= 1)) continue;
    const body = `<PAMDataset>${xml.slice(gt + 1, close)}</PAMDataset>`;
    const b: PamBand = {};
    const nodata = element(body, "NoDataValue");
    if (nodata !== null) b.nodata = nodata;
    for (const key of ["scale", "offset"] as const) {
      const text = element(body, key === "scale" ? "Scale" : "Offset");
      if (text === null) continue;
      const v = Number(text);
      if (!Number.isFinite(v))
        throw new TilecastError("E_FORMAT", `band ${n}'s ${key} is not a finite number ('${text.slice(0, 40)}')`, {
          path: sidecar,
        });
      b[key] = v;
    }
    const description = element(body, "Description");
    if (description) b.description = description;
    const unit = element(body, "UnitType");
    if (unit) b.unit = unit;
    const colorTable = pamColorTable(body, sidecar);
    if (colorTable) b.colorTable = colorTable;
    const categories = categoryNames(body);
    if (categories) b.categories = categories;
    bands.set(n - 1, b);
    at = close;
  }
  return bands;
}

/** Larger than any sidecar GDAL writes (a histogram of every band included). */
export const MAX_SIDECAR_BYTES = 64 * 1024 * 1024;

/** The name of the sidecar beside `path` (a local path or a URL). */
export const pamPath = (path: string): string => besidePath(path, (p) => `${p}.aux.xml`);

/** The sidecar of a raster (local or a URL), parsed, or null when there is none. */
export async function readPam(path: string): Promise<PamGeoref | null> {
  const sidecar = pamPath(path);
  const xml = await readSidecar(sidecar, MAX_SIDECAR_BYTES);
  return xml === null ? null : parsePam(xml, sidecar);
}

/** The georef GDAL reports: the sidecar's CRS and geotransform where it has them, else the file's. */
export function withPam(g: Georef | null, pam: PamGeoref | null): Georef | null {
  if (!pam || (!pam.crs && !pam.transform && !pam.gcps)) return g;
  const crs = pam.crs ?? g?.crs ?? null;
  const rasterType = g?.rasterType ?? "area";
  if (pam.transform) return { transform: pam.transform, crs, rasterType };
  if (pam.gcps) return { transform: IDENTITY_TRANSFORM, crs: pam.gcps.crs ?? crs, rasterType, gcps: pam.gcps.points };
  // The sidecar's CRS on whatever places the file's pixels: its transform, its GCPs, or nothing.
  return g ? { ...g, crs } : unplacedGeoref(crs, rasterType);
}
