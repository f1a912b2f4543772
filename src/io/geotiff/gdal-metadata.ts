/**
 * GDAL's GDAL_METADATA TIFF tag (42112): a small XML document of items, each a name and text, for
 * the dataset or for one band (`sample`), in the default domain or a named one (`domain`), some
 * with a role GDAL gives a meaning (`description`, `scale`, `offset`, `unittype`). tilecast reads
 * every item into the grid's attributes and writes them back, so a file copied by `convert`
 * keeps its units, band metadata and metadata domains as `gdal_translate` keeps them.
 *
 * Not carried: domains that describe the file's own layout (IMAGE_STRUCTURE, RPC and the like,
 * which would be wrong for the copy), items of a band in a named domain, roles tilecast does not
 * know, and dataset items named as tilecast's typed attributes (`scale`, `bandNames`, ...).
 */
import { TilecastError } from "../../errors.js";
import type { GridAttrs } from "../../grid/grid.js";
import { ownRecord, setOwn } from "../../util/own-property.js";
import { bandUnitsOf, carriedAttrs, TYPED_ATTRS } from "../carried-attrs.js";
import { TEXT_TAG_NAMES } from "./text-tags.js";
import { xmlAttr, xmlElements } from "./xml-elements.js";
import { escapeXml, unescapeXml } from "./xml-text.js";

/** Domains about the file's layout or its other parts, not its data. */
export const LAYOUT_DOMAINS: ReadonlySet<string> = new Set([
  "IMAGE_STRUCTURE",
  "DERIVED_SUBDATASETS",
  "SUBDATASETS",
  "RPC",
  "GEOLOCATION",
]);

/** An attribute of `<Item ...>`'s attribute text, unescaped. */
const attr = (a: string, name: string) => xmlAttr(a, name, unescapeXml);

/** A band's scale or offset, or an error naming the file, the band and the text. */
function finite(value: string, what: string, b: number, path: string | undefined): number {
  const v = Number(value.trim() || Number.NaN);
  if (!Number.isFinite(v))
    throw new TilecastError(
      "E_FORMAT",
      `its GDAL_METADATA gives band ${b + 1} ${what === "offset" ? "an" : "a"} ${what} that is not a finite number ('${value.slice(0, 40)}')`,
      path ? { path } : {},
    );
  return v;
}

/** A grid's attributes from GDAL_METADATA, for a raster of `bands` bands (of the file at `path`). */
export function parseGdalMetadata(xml: string | undefined, bands: number, path?: string): GridAttrs {
  const attrs: GridAttrs = {};
  if (!xml) return attrs;
  const names: (string | null)[] = Array(bands).fill(null);
  const units: (string | null)[] = Array(bands).fill(null);
  const scale: number[] = Array(bands).fill(1);
  const offset: number[] = Array(bands).fill(0);
  const items: (Record<string, string> | null)[] = Array(bands).fill(null);
  const domains: Record<string, Record<string, string>> = {};
  const seen = new Set<string>();
  for (const { attrs: a, body } of xmlElements(xml, "Item")) {
    const value = unescapeXml(unescapeXml(body)); // escaped twice: see item()
    const name = attr(a, "name");
    const sample = /(?:^|\s)sample="(\d+)"/.exec(a)?.[1];
    const role = attr(a, "role");
    const domain = attr(a, "domain") ?? "";
    if (LAYOUT_DOMAINS.has(domain)) continue;
    if (sample === undefined) {
      if (!name || (!domain && TYPED_ATTRS.has(name))) continue;
      setOwn(domain ? ownRecord(domains, domain) : attrs, name, value);
      continue;
    }
    const b = Number(sample);
    if (b >= bands || domain) continue;
    if (role === "description") names[b] = value;
    else if (role === "scale") scale[b] = finite(value, "scale", b, path);
    else if (role === "offset") offset[b] = finite(value, "offset", b, path);
    else if (role === "unittype") units[b] = value;
    else if (role === undefined && name) setOwn((items[b] ??= {}), name, value);
    else continue;
    seen.add(role ?? "items");
  }
  if (seen.has("description")) attrs.bandNames = names;
  if (seen.has("scale")) attrs.scale = scale;
  if (seen.has("offset")) attrs.offset = offset;
  if (seen.has("unittype")) attrs.bandUnits = units;
  if (seen.has("items")) attrs.bandMetadata = items;
  if (Object.keys(domains).length) attrs.metadataDomains = domains;
  return attrs;
}

/**
 * One `<Item>`: its attributes (name first) and text, escaped. GDAL escapes an item's text twice
 * (once itself, once serializing the XML) and unescapes it twice reading it, so `"` is written
 * `&amp;quot;`; a value escaped once reads differently in GDAL where it holds an entity's text
 * (`&lt;`), and GDAL's own values read once kept their `&quot;`s.
 */
function item(name: string, text: string, extra = ""): string {
  return `  <Item name="${escapeXml(name)}"${extra}>${escapeXml(escapeXml(text))}</Item>`;
}

/** GDAL_METADATA XML for a grid's attributes on `bands` bands, or null when there is nothing to say. */
export function formatGdalMetadata(attrs: GridAttrs, bands: number): string | null {
  const units = bandUnitsOf(attrs, bands);
  const out: string[] = [];
  for (const [k, v] of carriedAttrs(attrs)) {
    // A Zarr variable's units are its bands' unit type, as GDAL's Zarr driver reads them.
    if (k === "units" && units && !attrs.bandUnits) continue;
    if (TEXT_TAG_NAMES.has(k)) continue; // written as TIFF's own tags (text-tags.ts)
    out.push(item(k, String(v)));
  }
  for (const [domain, entries] of Object.entries(attrs.metadataDomains ?? {}))
    for (const [k, v] of Object.entries(entries)) out.push(item(k, v, ` domain="${escapeXml(domain)}"`));
  for (let b = 0; b < bands; b++) {
    for (const [k, v] of Object.entries(attrs.bandMetadata?.[b] ?? {})) out.push(item(k, v, ` sample="${b}"`));
    const n = attrs.bandNames?.[b];
    if (n) out.push(item("DESCRIPTION", n, ` sample="${b}" role="description"`));
    const u = units?.[b];
    if (u) out.push(item("UNITTYPE", u, ` sample="${b}" role="unittype"`));
    const s = attrs.scale?.[b];
    if (s !== undefined && s !== 1) out.push(item("SCALE", String(s), ` sample="${b}" role="scale"`));
    const o = attrs.offset?.[b];
    if (o !== undefined && o !== 0) out.push(item("OFFSET", String(o), ` sample="${b}" role="offset"`));
  }
  return out.length ? `<GDALMetadata>\n${out.join("\n")}\n</GDALMetadata>\n` : null;
}
