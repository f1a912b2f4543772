/**
 * Ground control points and colour tables in GDAL's `.aux.xml` sidecar (`pam.ts`): GDAL keeps
 * there the GCPs (`<GCPList Projection="...">` of `<GCP Pixel Line X Y Z/>`) and the band colour
 * table (`<ColorTable>` of `<Entry c1 c2 c3 c4/>`) set on a file opened read-only, and reads
 * them as the file's.
 *
 * Internal (used by `pam.ts`).
 */
import { TilecastError } from "../../errors.js";
import { type Crs, parseCrs } from "../../grid/crs.js";
import type { ColorEntry, Gcp } from "../../grid/grid.js";
import { outsideBands } from "./pam-metadata.js";
import { xmlAttr, xmlElements } from "./xml-elements.js";
import { unescapeXml } from "./xml-text.js";

/** A sidecar's GCPs and the CRS they are in. */
export interface PamGcps {
  crs: Crs | null;
  points: Gcp[];
}

/** A number attribute of an element, or an error naming the sidecar. */
function num(attrs: string, name: string, what: string, sidecar: string, fallback?: number): number {
  const text = xmlAttr(attrs, name, unescapeXml);
  const v = text === undefined ? fallback : Number(text);
  if (v === undefined || !Number.isFinite(v))
    throw new TilecastError("E_FORMAT", `its ${what} has no finite ${name} ('${(text ?? "").slice(0, 30)}')`, {
      path: sidecar,
    });
  return v;
}

/** The dataset's GCP list, or null when it has none. */
export function pamGcps(xml: string, sidecar: string): PamGcps | null {
  for (const list of xmlElements(outsideBands(xml), "GCPList")) {
    const points = [...xmlElements(list.body, "GCP")].map((g) => ({
      pixel: num(g.attrs, "Pixel", "GCP", sidecar),
      line: num(g.attrs, "Line", "GCP", sidecar),
      x: num(g.attrs, "X", "GCP", sidecar),
      y: num(g.attrs, "Y", "GCP", sidecar),
      z: num(g.attrs, "Z", "GCP", sidecar, 0),
    }));
    if (!points.length) return null;
    const wkt = xmlAttr(list.attrs, "Projection", unescapeXml)?.trim();
    return { crs: wkt ? parseCrs(wkt) : null, points };
  }
  return null;
}

/** A band's colour table (the text inside its `<PAMRasterBand>`), or null when it has none. */
export function pamColorTable(band: string, sidecar: string): ColorEntry[] | null {
  for (const table of xmlElements(band, "ColorTable")) {
    const entries = [...xmlElements(table.body, "Entry")].map(
      (e) =>
        [1, 2, 3, 4].map((c) =>
          Math.max(0, Math.min(255, num(e.attrs, `c${c}`, "colour table entry", sidecar, c === 4 ? 255 : undefined))),
        ) as unknown as ColorEntry,
    );
    return entries.length ? entries : null;
  }
  return null;
}
