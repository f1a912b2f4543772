/**
 * Band entries of GDAL's `.aux.xml` sidecar (`pam.ts`): nodata, scale, offset, description and unit
 * (and its metadata items, `pam-metadata.ts`),
 * which GDAL keeps there when they are set on a file opened read-only. GDAL reads a GeoTIFF's own
 * tags first and the sidecar where they say nothing; so does tilecast. tilecast has one nodata
 * value for all bands: bands whose sidecar values differ are refused by name rather than read
 * with one band's value applied to another.
 *
 * Internal (used by `describe.ts`).
 */
import { TilecastError } from "../../errors.js";
import type { GridAttrs } from "../../grid/grid.js";
import { parseNodata } from "./gdal-tags.js";
import type { PamGeoref } from "./pam.js";
import { withPamMetadata } from "./pam-metadata.js";

/** The nodata value (parsed, before it is stored in the band's type) and attributes, the sidecar's filling the file's gaps. */
export function withPamBands(
  nodata: number | null,
  attrs: GridAttrs,
  pam: PamGeoref | null,
  bands: number,
  sidecar: string,
): { nodata: number | null; attrs: GridAttrs } {
  if (!pam) return { nodata, attrs };
  const out = withPamMetadata(attrs, pam.metadata, bands);
  if (pam.bands.size === 0) return { nodata, attrs: out };
  const entries = Array.from({ length: bands }, (_, b) => pam.bands.get(b) ?? {});
  if (!attrs.scale && entries.some((e) => e.scale !== undefined)) out.scale = entries.map((e) => e.scale ?? 1);
  if (!attrs.offset && entries.some((e) => e.offset !== undefined)) out.offset = entries.map((e) => e.offset ?? 0);
  if (!attrs.bandNames && entries.some((e) => e.description)) out.bandNames = entries.map((e) => e.description ?? null);
  if (!attrs.bandUnits && entries.some((e) => e.unit)) out.bandUnits = entries.map((e) => e.unit ?? null);
  const table = entries[0]?.colorTable;
  if (table && !attrs.colorTable) out.colorTable = table;
  const categories = entries[0]?.categories;
  if (categories?.length && !attrs.categoryNames) out.categoryNames = categories;
  if (nodata !== null) return { nodata, attrs: out };
  const values = entries.map((e) => parseNodata(e.nodata));
  const first = values[0] ?? null;
  const same = (v: number | null) =>
    v === first || (v !== null && first !== null && Number.isNaN(v) && Number.isNaN(first));
  if (!values.every(same)) {
    const listed = values.map((v, b) => `band ${b + 1} ${v ?? "none"}`).join(", ");
    throw new TilecastError(
      "E_UNSUPPORTED",
      `its bands have different nodata values (${listed}); tilecast takes one value for all bands`,
      { path: sidecar },
    );
  }
  return { nodata: first, attrs: out };
}
