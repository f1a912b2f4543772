/**
 * Open a TIFF at an http(s) URL: its header and whole directory chain are read with range
 * requests (`http-source.ts`: the first 64 KiB hold a COG's directories) and checked by the same
 * scan as a local file's (`ifd-scan.ts`), against the size the server gave. So a remote file reads
 * as the same file does locally, or is refused in the same words: truncated, looping, or claiming
 * more values than it holds.
 */

import type { TiffFile } from "./directory.js";
import { parseHeader, type TiffHeader } from "./header.js";
import { HttpSource } from "./http-source.js";
import { scanIfds } from "./ifd-scan.js";
import { scannedTiffFile } from "./scanned-tiff.js";
import type { Fetch } from "./source.js";
import type { TiffBytes } from "./tiff-bytes.js";

/** A remote TIFF opened for reading: its source (for the blocks), header and directory chain. */
export interface RemoteTiff {
  source: HttpSource;
  header: TiffHeader;
  file: TiffFile;
}

/**
 * Open the TIFF at `url`.
 *
 * @throws TilecastError naming the URL: E_NOT_FOUND (the server refused), E_FORMAT, E_TRUNCATED
 *   or E_TOO_LARGE.
 */
export async function openRemoteTiff(url: string, signal?: AbortSignal): Promise<RemoteTiff> {
  const source = new HttpSource(url);
  const size = await source.size(signal);
  const head = await source.read(0, 16, signal);
  const b = new Uint8Array(16); // zeros past a shorter file's end, as the local reader has them
  b.set(new Uint8Array(head.buffer, head.byteOffset, head.byteLength));
  const header = parseHeader(b, size, url);
  const bytes: TiffBytes = { size, read: (at, n) => source.read(at, n, signal) };
  const scan = await scanIfds(bytes, header, url);
  return { source, header, file: scannedTiffFile(bytes, header, scan, url) };
}

/** Blocks read from `source` with range requests. */
export function remoteFetch(source: HttpSource): Fetch {
  return async (offset, length, signal) => {
    const v = await source.read(offset, length, signal);
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  };
}
