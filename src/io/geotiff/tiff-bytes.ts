/**
 * The bytes of a TIFF, wherever they lie: a local file, or an http(s) URL read with range
 * requests (`http-source.ts`). The directory scan (`ifd-scan.ts`) and the tag values
 * (`scanned-tiff.ts`) read through it, so a remote file is parsed and checked as a local one is.
 */
import type { FileHandle } from "node:fs/promises";

/** A TIFF's bytes and their total size. */
export interface TiffBytes {
  /** The file's size in bytes. */
  readonly size: number;
  /** Up to `n` bytes at `at`: fewer where the file ends first. */
  read(at: number, n: number): Promise<DataView>;
}

/** The bytes of the local file open as `fh`, of `size` bytes. */
export function fileBytes(fh: FileHandle, size: number): TiffBytes {
  return {
    size,
    async read(at, n) {
      const b = Buffer.alloc(n);
      const { bytesRead } = await fh.read(b, 0, n, at);
      return new DataView(b.buffer, b.byteOffset, bytesRead);
    },
  };
}
