/**
 * World files: the six numbers some tools write beside an image (`scene.tfw` beside `scene.tif`)
 * in place of GeoTIFF tags. GDAL reads one when neither the `.aux.xml` sidecar nor the file's
 * own tags give a geotransform (`GDAL_GEOREF_SOURCES`: PAM, INTERNAL, TABFILE, WORLDFILE); a
 * reader that did not would take a scanned map or an exported aerial for an ungeoreferenced
 * image. The lines are A (pixel width), D, B (rotations), E (pixel height, negative), C and F (the
 * centre of the top-left pixel); GDAL's geotransform is its corner.
 *
 * Internal (used by `georef-sources.ts`).
 */
import { basename, dirname, extname, join } from "node:path";
import { TilecastError } from "../../errors.js";
import { type GeoTransform, isSingular } from "../../grid/geotransform.js";
import { besidePath, isUrl } from "../../util/url.js";
import { firstSidecar } from "../sidecar-text.js";

/**
 * The names GDAL tries for `path`'s world file: `.tfw` (first and last letters + w), `.tifw`,
 * `.wld`, in either case; beside a URL, in its path.
 */
export function worldFileNames(path: string): string[] {
  const ext = extname(isUrl(path) ? new URL(path).pathname : path).slice(1);
  const exts = ext ? [`${ext[0]}${ext[ext.length - 1]}w`, `${ext}w`, "wld"] : ["wld"];
  return exts
    .flatMap((e) => [e.toLowerCase(), e.toUpperCase()])
    .map((e) => besidePath(path, (p) => `${join(dirname(p), basename(p, extname(p)))}.${e}`));
}

/** The geotransform of a world file's text; an error naming the file when it is not six numbers. */
export function parseWorldFile(text: string, file: string): GeoTransform {
  const v = text.trim().split(/\s+/).map(Number);
  if (v.length < 6 || !v.slice(0, 6).every(Number.isFinite))
    throw new TilecastError("E_FORMAT", "a world file holds six numbers, one a line", { path: file });
  const [a, d, b, e, c, f] = v as [number, number, number, number, number, number];
  if (isSingular([c, a, b, f, d, e]))
    throw new TilecastError(
      "E_FORMAT",
      `its pixel size and rotation give pixels of zero area (${v.slice(0, 6).join(", ")})`,
      {
        path: file,
      },
    );
  return [c - a / 2 - b / 2, a, b, f - d / 2 - e / 2, d, e];
}

/** The geotransform of `path`'s world file, or null when it has none. */
export async function readWorldFile(path: string): Promise<GeoTransform | null> {
  // Six numbers, a line each: a few hundred bytes. A larger file is not a world file.
  const found = await firstSidecar(worldFileNames(path), 64 * 1024);
  return found && parseWorldFile(found.text, found.name);
}
