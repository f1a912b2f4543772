/**
 * GeoTIFF reader: tilecast parses a file's header and IFDs, local or remote (`scanned-tiff.ts`,
 * `remote-tiff.ts`: range reads, for COGs), with the same checks; GeoKeys, blocks and decoding are
 * tilecast's ({@link GeoTiffSource}, `decode.ts`), so windowed reads touch only their blocks,
 * decode them in parallel and copy rows directly. Local paths and http(s) URLs.
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
import type { FileHandle } from "node:fs/promises";
import { errorLine, TilecastError } from "../../errors.js";
import { isUrl } from "../../util/url.js";
import { readInJob } from "../reading.js";
import { askAhead, remoteSidecarsWanted } from "../remote-sidecar.js";
import { describeImage } from "./describe.js";
import type { TiffFile } from "./directory.js";
import type { TiffHeader } from "./header.js";
import type { HttpSource } from "./http-source.js";
import { findInternalMask } from "./mask.js";
import { maskPath, openSidecarMask } from "./mask-sidecar.js";
import { warmFor } from "./off-thread.js";
import { MAX_SIDECAR_BYTES, pamPath } from "./pam.js";
import { MAX_RPC_BYTES, rpcSidecarNames } from "./rpc-sidecars.js";
import { openLocalTiff } from "./scanned-tiff.js";
import { type Fetch, fileFetch, GeoTiffSource } from "./source.js";

export type { GeoTiffMeta } from "./describe.js";
export { GeoTiffSource } from "./source.js";

/**
 * Open a GeoTIFF (local path or http(s) URL) for windowed reading.
 *
 * @throws TilecastError naming the file: E_NOT_FOUND, E_FORMAT (not a TIFF / malformed),
 *   E_TRUNCATED, E_TOO_LARGE (header claims more than the file can hold), E_UNSUPPORTED.
 */
export async function openGeoTiff(path: string, signal?: AbortSignal): Promise<GeoTiffSource> {
  // A URL's sidecars are asked for with its first request, in one round trip (remote-sidecar.ts).
  const forget = isUrl(path) && remoteSidecarsWanted() ? askSidecarsAhead(path) : null;
  try {
    return await openTiff(path, signal);
  } finally {
    forget?.();
  }
}

/**
 * The sidecars every remote open looks for, asked for at once: the `.aux.xml`, the RPC names and
 * the `.msk` (world files only where the file has no transform, as they are read).
 */
function askSidecarsAhead(url: string): () => void {
  return askAhead([
    { url: pamPath(url), maxBytes: MAX_SIDECAR_BYTES },
    ...rpcSidecarNames(url).map((n) => ({ url: n, maxBytes: MAX_RPC_BYTES })),
    { url: maskPath(url) },
  ]);
}

async function openTiff(path: string, signal?: AbortSignal): Promise<GeoTiffSource> {
  let handle: FileHandle | null = null;
  let header: TiffHeader;
  let remote: HttpSource | null = null;
  let file: TiffFile;
  try {
    if (isUrl(path)) {
      // The remote path's module loads when a URL is opened: most runs read local files only.
      const { openRemoteTiff } = await import("./remote-tiff.js");
      ({ source: remote, header, file } = await openRemoteTiff(path, signal));
    } else {
      const local = await openLocalTiff(path);
      await readInJob(path);
      ({ fh: handle, header, file } = local);
      warmFor(local.first);
    }
  } catch (e) {
    if (e instanceof TilecastError) throw e;
    throw new TilecastError("E_FORMAT", `not a readable TIFF (${errorLine(e)})`, { path, cause: e });
  }
  const fh = handle;
  const source = remote;
  try {
    const image = await file.image(0);
    // GDAL's sidecars and world file, beside a local file or a URL (remote-sidecar.ts).
    const sidecars = !source || remoteSidecarsWanted();
    const { meta, layout, codec } = await describeImage(path, file, image, header, sidecars);
    const fetch: Fetch = source
      ? (await import("./remote-tiff.js")).remoteFetch(source)
      : fileFetch(fh as FileHandle, path);
    const internal = await findInternalMask(path, file, meta, header, fetch);
    const sidecar = internal || !sidecars ? null : await openSidecarMask(path, meta);
    const close = async () => {
      await fh?.close();
      await source?.close();
      file.close();
      await sidecar?.close();
    };
    const mask = internal ?? sidecar?.mask ?? null;
    const described = mask ? { ...meta, maskSource: internal ? ("internal" as const) : ("external" as const) } : meta;
    return new GeoTiffSource(described, layout, codec, fetch, close, fh?.fd ?? null, mask);
  } catch (e) {
    await fh?.close();
    file.close();
    if (e instanceof TilecastError) throw e;
    throw new TilecastError("E_FORMAT", `malformed TIFF (${errorLine(e)})`, { path, cause: e });
  }
}
