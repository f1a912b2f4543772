/**
 * GDAL's external masks: `<file>.msk`, a TIFF beside a GeoTIFF holding its mask, which GDAL
 * writes instead of an internal one when `GDAL_TIFF_INTERNAL_MASK=NO` (and older GDALs by
 * default). Its GDAL metadata says what kind of mask each band has (`INTERNAL_MASK_FLAGS_1`);
 * a per-dataset mask (flag 2) is read as an internal one is (`mask.ts`). Per-band masks (one
 * band of the sidecar per data band) are not read. Beside a URL, GDAL's /vsicurl/ looks for it
 * too (`remote-sidecar.ts`), and so does tilecast.
 */
import { existsSync } from "node:fs";
import { errorLine, TilecastError } from "../../errors.js";
import { besidePath, isUrl } from "../../util/url.js";
import { remoteFileExists } from "../remote-sidecar.js";
import type { TiffFile } from "./directory.js";
import { parseGdalMetadata } from "./gdal-metadata.js";
import type { TiffHeader } from "./header.js";
import { type InternalMask, maskOf } from "./mask.js";
import { openLocalTiff } from "./scanned-tiff.js";
import { type Fetch, fileFetch } from "./source.js";
import { Tag } from "./tags.js";

/** GDAL's GMF_PER_DATASET. */
const PER_DATASET = 2;

/** The name of the mask file beside `path` (a local path or a URL). */
export const maskPath = (path: string): string => besidePath(path, (p) => `${p}.msk`);

/**
 * The per-dataset mask in `path`.msk, with a `close` for its file, or null when there is none (or
 * its mask is per band, or of another size).
 */
export async function openSidecarMask(
  path: string,
  size: { width: number; height: number },
): Promise<{ mask: InternalMask; close: () => Promise<void> } | null> {
  const msk = maskPath(path);
  if (!(isUrl(msk) ? await remoteFileExists(msk) : existsSync(msk))) return null;
  let opened: OpenedTiff | null = null;
  const close = async () => {
    await opened?.close();
  };
  try {
    opened = await openTiffAt(msk);
    const { header, file, fetch } = opened;
    const image = await file.image(0);
    const xml = await image.text(Tag.GdalMetadata);
    const flags = Number(parseGdalMetadata(xml, 1).INTERNAL_MASK_FLAGS_1 ?? PER_DATASET);
    if (!(flags & PER_DATASET) || image.width !== size.width || image.height !== size.height) {
      await close();
      return null;
    }
    return { mask: await maskOf(msk, file, image, header, fetch, "external mask"), close };
  } catch (e) {
    await close();
    if (e instanceof TilecastError) throw e;
    throw new TilecastError("E_FORMAT", `not a readable mask file (${errorLine(e)})`, { path: msk, cause: e });
  }
}

/** A TIFF opened for its blocks, local or remote. */
interface OpenedTiff {
  header: TiffHeader;
  file: TiffFile;
  fetch: Fetch;
  close: () => Promise<void>;
}

async function openTiffAt(path: string): Promise<OpenedTiff> {
  if (isUrl(path)) {
    const { openRemoteTiff, remoteFetch } = await import("./remote-tiff.js");
    const { source, header, file } = await openRemoteTiff(path);
    return { header, file, fetch: remoteFetch(source), close: () => source.close() };
  }
  const { fh, header, file } = await openLocalTiff(path);
  return { header, file, fetch: fileFetch(fh, path), close: () => fh.close() };
}
