/**
 * TIFF's own text tags (copyright, date, description, artist, software, document name, host),
 * which GDAL reports as `TIFFTAG_*` metadata items and `gdal_translate` copies: a scene's
 * copyright notice and acquisition date must survive a conversion. They are read into the grid's
 * attributes under GDAL's names and written back as the tags themselves, not as GDAL_METADATA
 * items, as GDAL writes them.
 *
 * Internal (used by `describe.ts`, `gdal-metadata.ts` and `tile-codec.ts`).
 */
import type { GridAttrs } from "../../grid/grid.js";
import type { TiffDirectory } from "./directory.js";
import type { IfdEntry } from "./ifd.js";
import { FieldType } from "./tags.js";

/** GDAL's item name of each text tag. */
const TEXT_TAGS: readonly [number, string][] = [
  [269, "TIFFTAG_DOCUMENTNAME"],
  [270, "TIFFTAG_IMAGEDESCRIPTION"],
  [305, "TIFFTAG_SOFTWARE"],
  [306, "TIFFTAG_DATETIME"],
  [315, "TIFFTAG_ARTIST"],
  [316, "TIFFTAG_HOSTCOMPUTER"],
  [33432, "TIFFTAG_COPYRIGHT"],
];

/** The item names written as tags, not as GDAL_METADATA items. */
export const TEXT_TAG_NAMES: ReadonlySet<string> = new Set(TEXT_TAGS.map(([, n]) => n));

/** The image's text tags, as GDAL names them (trailing NULs and blanks dropped; empty ones left out). */
export async function readTextTags(image: TiffDirectory): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [tag, name] of TEXT_TAGS) {
    const t = (await image.text(tag))?.replace(/\0+$/, "");
    if (t) out[name] = t;
  }
  return out;
}

/** The directory entries of the text tags `attrs` holds (as text). */
export function textTagEntries(attrs: GridAttrs | undefined): IfdEntry[] {
  const out: IfdEntry[] = [];
  for (const [tag, name] of TEXT_TAGS) {
    const v = attrs?.[name];
    if (typeof v === "string" && v) out.push({ tag, type: FieldType.ASCII, values: v });
  }
  return out;
}
