/**
 * A GeoTIFF's georeferencing from every place GDAL looks, in GDAL's order
 * (`GDAL_GEOREF_SOURCES`, default PAM, INTERNAL, TABFILE, WORLDFILE): the `.aux.xml` sidecar
 * (`pam.ts`), the file's own tags and keys (`georef.ts`), then a world file (`world-file.ts`).
 * Sidecars are read for local files only.
 *
 * Internal (used by `describe.ts`).
 */
import type { Georef } from "../../grid/grid.js";
import type { TiffDirectory } from "./directory.js";
import { georefFromTags, parseGeoKeys } from "./georef.js";
import { type PamGeoref, withPam } from "./pam.js";
import { Tag } from "./tags.js";
import { readWorldFile } from "./world-file.js";

/** The georef GDAL reports for image `image` of the file at `path` with its sidecar `pam`, or null for none. */
export async function readGeoref(
  path: string,
  image: TiffDirectory,
  pam: PamGeoref | null,
  local: boolean,
): Promise<Georef | null> {
  const keys = parseGeoKeys(
    await image.numbers(Tag.GeoKeyDirectory),
    await image.numbers(Tag.GeoDoubleParams),
    await image.text(Tag.GeoAsciiParams),
  );
  const fromTags = georefFromTags({
    pixelScale: await image.numbers(Tag.ModelPixelScale),
    tiepoint: await image.numbers(Tag.ModelTiepoint),
    transformation: await image.numbers(Tag.ModelTransformation),
    keys,
  });
  if (!local) return fromTags;
  const georef = withPam(fromTags, pam);
  // A transform, or GCPs in its place, from the sidecar or the tags: no world file is read.
  if (georef && !georef.noTransform) return georef;
  const gt = await readWorldFile(path);
  return gt ? { transform: gt, crs: georef?.crs ?? null, rasterType: "area" } : georef;
}
