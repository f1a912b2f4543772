/**
 * The `.aux.xml` sidecar tilecast writes beside a GeoTIFF for what a TIFF cannot hold itself: the
 * names of a class raster's values (GDAL's category names, which it keeps only there). GDAL lists
 * them (`gdalinfo`: "Categories"), and QGIS labels a paletted raster's legend with them: the run's
 * class raster shows "land, water, cloud, shadow" where it showed 0, 1, 2, 3.
 */
import type { GridAttrs } from "../../grid/grid.js";
import { atomicWrite } from "../atomic.js";
import { escapeXml } from "./xml-text.js";

/** The sidecar's text for `attrs`, or null when they hold nothing a sidecar must keep. */
export function pamSidecarText(attrs: GridAttrs | undefined): string | null {
  const names = attrs?.categoryNames;
  if (!names?.length) return null;
  const categories = names.map((n) => `      <Category>${escapeXml(n)}</Category>`).join("\n");
  return `<PAMDataset>\n  <PAMRasterBand band="1">\n    <CategoryNames>\n${categories}\n    </CategoryNames>\n  </PAMRasterBand>\n</PAMDataset>\n`;
}

/** Write `path`'s sidecar for `attrs` (after the GeoTIFF is in place), when they need one. */
export async function writePamSidecar(path: string, attrs: GridAttrs | undefined): Promise<void> {
  const text = pamSidecarText(attrs);
  if (text !== null) await atomicWrite(`${path}.aux.xml`, text);
}
