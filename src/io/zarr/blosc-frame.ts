/**
 * `checkBloscFrame`: a Blosc 1 chunk's framing checked against its bytes before any decoder sees
 * it. numcodecs.js's c-blosc (the decoder for bit shuffle and the Zstandard, zlib and BloscLZ
 * variants) trusts the header's compressed size and block offsets, and reads past the end of a
 * truncated chunk into whatever its memory holds: the chunk decodes to wrong values, silently.
 * tilecast's own LZ4 path (`blosc.ts`) checks each stream as it goes.
 *
 * Format: a 16-byte header (version, versionlz, flags, typesize, then nbytes, blocksize and
 * cbytes as little-endian uint32), then, unless the chunk is stored whole (flag 0x02), one int32
 * start offset per block. Bytes after `cbytes` are ignored, as c-blosc ignores them. Of a Blosc 2
 * chunk (version byte above 2), only the size is checked.
 */
import { u32 } from "./bounds.js";

/** Throw, saying what does not fit, when `b` is not a whole Blosc 1 chunk. */
export function checkBloscFrame(b: Uint8Array): void {
  if (b.length < 16) throw new Error(`blosc chunk of ${b.length} bytes is shorter than its 16-byte header`);
  const flags = b[2] as number;
  const nbytes = u32(b, 4);
  const blocksize = u32(b, 8);
  const cbytes = u32(b, 12);
  if (cbytes > b.length) throw new Error(`blosc chunk is ${b.length} bytes, its header says ${cbytes}`);
  if ((b[0] as number) > 2) return; // Blosc 2's longer header: no decoder here reads it past cbytes
  if (flags & 0x02) {
    if (16 + nbytes > cbytes) throw new Error(`blosc chunk stored whole holds ${cbytes - 16} of ${nbytes} bytes`);
    return;
  }
  if (nbytes === 0) return;
  if (blocksize === 0) throw new Error(`blosc chunk of ${nbytes} bytes declares blocks of 0 bytes`);
  const nblocks = Math.ceil(nbytes / blocksize);
  const table = 16 + 4 * nblocks;
  if (table > cbytes) throw new Error(`blosc chunk of ${cbytes} bytes is shorter than its table of ${nblocks} blocks`);
  for (let i = 0; i < nblocks; i++) {
    const start = u32(b, 16 + 4 * i);
    if (start < table || start + 4 > cbytes)
      throw new Error(`blosc block ${i} starts at byte ${start}, outside the chunk's ${table}-${cbytes}`);
  }
}
