/**
 * Metadata items in GDAL's `.aux.xml` sidecar (`pam.ts`): `<Metadata domain="...">` elements of
 * `<MDI key="...">value</MDI>` items, for the dataset and for each band. GDAL keeps there what is
 * set on a file opened read-only (`gdal_edit -mo`, statistics QGIS computes) and reads them over
 * the file's own items; so does tilecast. The RPC domain is the RPCs of last resort
 * (`georef-sources.ts`); XML domains and the file's layout are not read.
 *
 * Internal (used by `pam.ts` and `pam-bands.ts`).
 */
import type { GridAttrs } from "../../grid/grid.js";
import { ownRecord, setOwn } from "../../util/own-property.js";
import { TYPED_ATTRS } from "../carried-attrs.js";
import { LAYOUT_DOMAINS } from "./gdal-metadata.js";
import { xmlAttr, xmlElements } from "./xml-elements.js";
import { unescapeXml } from "./xml-text.js";

/** A sidecar's metadata items. */
export interface PamMetadata {
  /** The dataset's items by domain ("" is the default one). */
  domains: Record<string, Record<string, string>>;
  /** Each band's default-domain items, by band index from 0. */
  bands: Map<number, Record<string, string>>;
}

/** The `<Metadata>` elements of `xml` (one level: bands' already cut out), by domain. */
function domainsOf(xml: string, into: Record<string, Record<string, string>>): void {
  for (const m of xmlElements(xml, "Metadata")) {
    if (xmlAttr(m.attrs, "format", unescapeXml) === "xml") continue;
    const domain = xmlAttr(m.attrs, "domain", unescapeXml) ?? "";
    for (const i of xmlElements(m.body, "MDI")) {
      const key = xmlAttr(i.attrs, "key", unescapeXml);
      if (key !== undefined) setOwn(ownRecord(into, domain), key, unescapeXml(i.body));
    }
  }
}

/** The sidecar's text outside its `<PAMRasterBand>` elements: the dataset's own. */
export function outsideBands(xml: string): string {
  const outside: string[] = [];
  let from = 0;
  for (const b of xmlElements(xml, "PAMRasterBand")) {
    outside.push(xml.slice(from, b.start));
    from = b.end;
  }
  outside.push(xml.slice(from));
  return outside.join("");
}

/** A sidecar's metadata items. */
export function parsePamMetadata(xml: string): PamMetadata {
  const bands = new Map<number, Record<string, string>>();
  for (const b of xmlElements(xml, "PAMRasterBand")) {
    const n = Number(/(?:^|\s)band="(\d{1,6})"/.exec(b.attrs)?.[1] ?? Number.NaN);
    if (!(n >= 1)) continue;
    const d: Record<string, Record<string, string>> = {};
    domainsOf(b.body, d);
    if (Object.hasOwn(d, "")) bands.set(n - 1, d[""] as Record<string, string>);
  }
  const domains: Record<string, Record<string, string>> = {};
  domainsOf(outsideBands(xml), domains);
  return { domains, bands };
}

/** `attrs` with the sidecar's items over the file's, as GDAL reads them, for a raster of `bands` bands. */
export function withPamMetadata(attrs: GridAttrs, pam: PamMetadata, bands: number): GridAttrs {
  const out: GridAttrs = { ...attrs };
  const domains: Record<string, Record<string, string>> = { ...attrs.metadataDomains };
  let named = false;
  for (const [domain, items] of Object.entries(pam.domains)) {
    if (domain === "") {
      for (const [k, v] of Object.entries(items)) if (!TYPED_ATTRS.has(k)) setOwn(out, k, v);
    } else if (!LAYOUT_DOMAINS.has(domain) && !domain.startsWith("xml:")) {
      setOwn(domains, domain, { ...domains[domain], ...items });
      named = true;
    }
  }
  if (named) out.metadataDomains = domains;
  if (pam.bands.size) {
    out.bandMetadata = Array.from({ length: bands }, (_, b) => {
      const mine = attrs.bandMetadata?.[b] ?? null;
      const theirs = pam.bands.get(b);
      return theirs ? { ...mine, ...theirs } : mine;
    });
  }
  return out;
}
