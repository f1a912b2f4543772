/**
 * GeoTIFF reader: geotiff.js parses the header, IFDs and GeoKeys; blocks are fetched and decoded
 * by tilecast ({@link GeoTiffSource}, `decode.ts`) so windowed reads touch only their blocks,
 * decode them in parallel and copy rows directly. Local paths and http(s) URLs (range reads, for
 * COGs).
 *
 * @example
 * ```ts
 * import { openGeoTiff } from "tilecast";
 * const src = await openGeoTiff("fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif");
 * const g = await src.readWindow({ x: 0, y: 0, width: 16, height: 16 }, { bands: [0] });
 * g.shape; // [1, 16, 16]
 * await src.close();
 * ```
 */
import { type FileHandle, open } from "node:fs/promises";
import type { GeoTIFF } from "geotiff";
import { errorLine, TilecastError } from "../../errors.js";
import { isUrl } from "../../util/url.js";
import { describeImage, imageCount } from "./describe.js";
import { readHeader, type TiffHeader } from "./header.js";
import { HttpSource } from "./http-source.js";
import { scanIfds } from "./ifd-scan.js";
import { findInternalMask } from "./mask.js";
import { openSidecarMask } from "./mask-sidecar.js";
import { warmFor } from "./off-thread.js";
import { type Fetch, fileFetch, GeoTiffSource } from "./source.js";

export type { GeoTiffMeta } from "./describe.js";
export { GeoTiffSource } from "./source.js";

/**
 * geotiff.js 3 defers a tag's array of values when they lie outside the bytes it first fetched
 * (the block tables of most files, GeoKeys and scales in some) and reads a deferred array as
 * little-endian whatever the file's byte order: a big-endian file's offsets come back
 * byte-swapped. Its directory parser fetches every array at once in the file's own byte order
 * when it is eager, so big-endian files are parsed that way.
 */
function readArraysInByteOrder(tiff: GeoTIFF, path: string): void {
  const parser = (tiff as unknown as { parser?: { eager?: boolean } }).parser;
  if (tiff.littleEndian) return;
  if (!parser || typeof parser.eager !== "boolean")
    throw new TilecastError("E_UNSUPPORTED", "big-endian TIFF: this geotiff.js has no eager directory parser", {
      path,
    });
  parser.eager = true;
}

/**
 * Open a GeoTIFF (local path or http(s) URL) for windowed reading.
 *
 * @throws TilecastError naming the file: E_NOT_FOUND, E_FORMAT (not a TIFF / malformed),
 *   E_TRUNCATED, E_TOO_LARGE (header claims more than the file can hold), E_UNSUPPORTED.
 */
export async function openGeoTiff(path: string, signal?: AbortSignal): Promise<GeoTiffSource> {
  let handle: FileHandle | null = null;
  let header: TiffHeader | null = null;
  let tiff: GeoTIFF;
  try {
    if (isUrl(path)) {
      tiff = await (await import("geotiff")).GeoTIFF.fromSource(new HttpSource(path), {}, signal);
    } else {
      header = await readHeader(path);
      handle = await open(path, "r");
      warmFor(await scanIfds(handle, header, path));
      tiff = await (await import("geotiff")).fromFile(path, signal);
    }
    readArraysInByteOrder(tiff, path);
  } catch (e) {
    await handle?.close();
    if (e instanceof TilecastError) throw e;
    throw new TilecastError("E_FORMAT", `not a readable TIFF (${errorLine(e)})`, { path, cause: e });
  }
  const fh = handle;
  try {
    const image = await tiff.getImage(0);
    const { meta, layout, codec } = await describeImage(path, tiff, image, header);
    const fetch: Fetch = fh
      ? fileFetch(fh, path)
      : async (offset, length, s) => {
          const [slice] = await image.source.fetch([{ offset, length }], s);
          return new Uint8Array(slice as ArrayBuffer);
        };
    const count = await imageCount(tiff, path);
    const internal = await findInternalMask(path, tiff, count, meta, header, fetch);
    const sidecar = internal || !fh ? null : await openSidecarMask(path, meta);
    const close = async () => {
      await fh?.close();
      tiff.close?.();
      await sidecar?.close();
    };
    const mask = internal ?? sidecar?.mask ?? null;
    const described = mask ? { ...meta, maskSource: internal ? ("internal" as const) : ("external" as const) } : meta;
    return new GeoTiffSource(described, layout, codec, fetch, close, fh?.fd ?? null, mask);
  } catch (e) {
    await fh?.close();
    tiff.close?.(); // geotiff.js's own handle on the file
    if (e instanceof TilecastError) throw e;
    throw new TilecastError("E_FORMAT", `malformed TIFF (${errorLine(e)})`, { path, cause: e });
  }
}
