/**
 * The first bytes of a TIFF, checked before any parsing so that a missing, empty or non-TIFF file
 * gets a precise one-line error (`readHeader` for a local file, `parseHeader` for bytes already
 * fetched).
 */
import { stat } from "node:fs/promises";
import { TilecastError } from "../../errors.js";
import { openInputFile } from "../input-file.js";

/** What the 8-byte (16 for BigTIFF) header says. */
export interface TiffHeader {
  size: number;
  littleEndian: boolean;
  bigTiff: boolean;
}

/** True when `b` starts with a classic or BigTIFF signature. */
export function isTiffSignature(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  const le = b[0] === 0x49 && b[1] === 0x49 && (b[2] === 42 || b[2] === 43) && b[3] === 0;
  const be = b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && (b[3] === 42 || b[3] === 43);
  return le || be;
}

/** Read and check the header of a local TIFF file. */
export async function readHeader(path: string): Promise<TiffHeader> {
  let size: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new TilecastError("E_FORMAT", "is a directory, not a TIFF file", { path });
    size = s.size;
  } catch (e) {
    if (e instanceof TilecastError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new TilecastError("E_NOT_FOUND", "no such file", { path, cause: e });
    throw new TilecastError("E_NOT_FOUND", `cannot open (${code ?? "error"})`, { path, cause: e });
  }
  if (size === 0) throw new TilecastError("E_TRUNCATED", "file is empty", { path });
  const fh = await openInputFile(path);
  const b = new Uint8Array(16);
  try {
    await fh.read(b, 0, 16, 0);
  } finally {
    await fh.close();
  }
  return parseHeader(b, size, path);
}

/**
 * Check the first bytes `b` (16, or all of a shorter file) of the `size`-byte TIFF at `path`, a
 * local file or a URL.
 *
 * @throws TilecastError naming the file: E_TRUNCATED (empty, or cut inside the header) or E_FORMAT.
 */
export function parseHeader(b: Uint8Array, size: number, path: string): TiffHeader {
  if (size === 0) throw new TilecastError("E_TRUNCATED", "file is empty", { path });
  if (!isTiffSignature(b)) throw new TilecastError("E_FORMAT", "not a TIFF file", { path });
  const bigTiff = b[2] === 43 || b[3] === 43;
  if (size < (bigTiff ? 16 : 8))
    throw new TilecastError("E_TRUNCATED", "file is truncated inside its header", { path });
  if (bigTiff) {
    // Bytes 4-5: the offset size, always 8; bytes 6-7: reserved, always 0 (as libtiff checks).
    const le = b[0] === 0x49;
    const offsetSize = le ? (b[4] as number) | ((b[5] as number) << 8) : ((b[4] as number) << 8) | (b[5] as number);
    if (offsetSize !== 8 || b[6] !== 0 || b[7] !== 0)
      throw new TilecastError("E_FORMAT", "not a valid BigTIFF header (offset size must be 8, reserved bytes 0)", {
        path,
      });
  }
  return { size, littleEndian: b[0] === 0x49, bigTiff };
}
