/**
 * GDAL's private TIFF tags: GDAL_NODATA (42113, ASCII number, "nan" allowed) and GDAL_METADATA
 * (42112, a small XML document holding band descriptions, scale/offset and other items).
 */
import type { GridAttrs } from "../../grid/grid.js";
import { escapeXml, unescapeXml } from "./xml-text.js";

/** Parse GDAL_NODATA text ("nan", "-3.4028234663852886e+38", "0"). */
export function parseNodata(text: string | undefined | null): number | null {
  if (text === undefined || text === null) return null;
  const t = text.replace(/\0/g, "").trim().toLowerCase();
  if (t === "") return null;
  if (t === "nan" || t === "-nan") return Number.NaN;
  if (t === "inf" || t === "+inf") return Number.POSITIVE_INFINITY;
  if (t === "-inf") return Number.NEGATIVE_INFINITY;
  const v = Number(t);
  return Number.isNaN(v) ? null : v;
}

/** Format a nodata value as GDAL does (shortest round-trip text; "nan" for NaN). */
export function formatNodata(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Number.POSITIVE_INFINITY) return "inf";
  if (v === Number.NEGATIVE_INFINITY) return "-inf";
  return String(v);
}

/** Band names, scale and offset from GDAL_METADATA, for a raster of `bands` bands. */
export function parseGdalMetadata(xml: string | undefined, bands: number): GridAttrs {
  const attrs: GridAttrs = {};
  if (!xml) return attrs;
  const names: (string | null)[] = Array(bands).fill(null);
  const scale: number[] = Array(bands).fill(1);
  const offset: number[] = Array(bands).fill(0);
  let seen = { names: false, scale: false, offset: false };
  const re = /<Item\s+([^>]*)>([^<]*)<\/Item>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const a = m[1] ?? "";
    const value = unescapeXml(m[2] ?? "");
    const name = /name="([^"]*)"/.exec(a)?.[1];
    const sample = /sample="(\d+)"/.exec(a)?.[1];
    const role = /role="([^"]*)"/.exec(a)?.[1];
    if (sample === undefined) {
      if (name) attrs[name] = value;
      continue;
    }
    const b = Number(sample);
    if (b >= bands) continue;
    if (role === "description") {
      names[b] = value;
      seen = { ...seen, names: true };
    } else if (role === "scale") {
      scale[b] = Number(value);
      seen = { ...seen, scale: true };
    } else if (role === "offset") {
      offset[b] = Number(value);
      seen = { ...seen, offset: true };
    }
  }
  if (seen.names) attrs.bandNames = names;
  if (seen.scale) attrs.scale = scale;
  if (seen.offset) attrs.offset = offset;
  return attrs;
}

/** GDAL_METADATA XML for band names/scale/offset and string-valued dataset items, or null. */
export function formatGdalMetadata(attrs: GridAttrs, bands: number): string | null {
  const items: string[] = [];
  for (const [k, v] of Object.entries(attrs)) {
    if (["bandNames", "scale", "offset"].includes(k) || typeof v !== "string") continue;
    if (k === "AREA_OR_POINT") continue; // carried by the GeoKeys
    items.push(`  <Item name="${escapeXml(k)}">${escapeXml(v)}</Item>`);
  }
  for (let b = 0; b < bands; b++) {
    const n = attrs.bandNames?.[b];
    if (n) items.push(`  <Item name="DESCRIPTION" sample="${b}" role="description">${escapeXml(n)}</Item>`);
    const s = attrs.scale?.[b];
    if (s !== undefined && s !== 1) items.push(`  <Item name="SCALE" sample="${b}" role="scale">${s}</Item>`);
    const o = attrs.offset?.[b];
    if (o !== undefined && o !== 0) items.push(`  <Item name="OFFSET" sample="${b}" role="offset">${o}</Item>`);
  }
  return items.length ? `<GDALMetadata>\n${items.join("\n")}\n</GDALMetadata>\n` : null;
}
