/**
 * A decoder for Blosc 1 chunks compressed with LZ4 (with byte shuffle or none): the form
 * ERA5-style Zarr stores use most. The inner loops (LZ4 blocks, unshuffling) are a small
 * WebAssembly module with SIMD (`wasm/blosc.wat`); a chunk is copied in once and its values
 * out once. numcodecs.js's WebAssembly build copies far more than that. Other Blosc variants
 * (bit shuffle, zstd, zlib, blosclz) return null and fall back to numcodecs.js.
 *
 * Format (Blosc 1): a 16-byte header (version, versionlz, flags, typesize, nbytes, blocksize,
 * cbytes; little-endian), then one int32 start offset per block, then per block one or
 * `typesize` streams, each an int32 size and that many LZ4 bytes (a stream as long as its
 * decoded size is stored raw). Flags: 0x01 byte shuffle, 0x02 memcpyed, 0x04 bit shuffle,
 * 0x10 blocks not split, bits 5-7 the compressor (1 = LZ4).
 */
import { type Kernels, kernels, releaseLarge } from "../wasm-kernels.js";
import { checkDeclared } from "./bounds.js";

const MIN_BUFFERSIZE = 128;
const MAX_SPLITS = 16;
/** Spare bytes after each region: the module's copies may run up to 15 bytes past a run. */
const SLACK = 64;

const align = (n: number) => (n + 15) & ~15;
/** The whole chunk, as one part. */
export const WHOLE: BlockPart = { index: 0, count: 1 };

/**
 * Part `index` of `count` of a chunk's blocks: a worker decodes only those, so one large chunk
 * decodes on several threads at once. Part `index` covers blocks `[floor(index * n / count),
 * floor((index + 1) * n / count))` of the chunk's `n`.
 */
export interface BlockPart {
  index: number;
  count: number;
}

/**
 * A chunk decoded, or the part of it a {@link BlockPart} asked for: its bytes `[range[0],
 * range[1])` are the chunk's. Part 0's `decoded` is the chunk's full size (the other parts' bytes
 * are still to be copied in); any other part's is its range only. A chunk that cannot be split
 * (stored uncompressed) is decoded whole by part 0, and the other parts are empty.
 */
export interface Decoded {
  decoded: Uint8Array;
  range: [number, number];
}

/** Decode a Blosc 1 chunk if it is LZ4 with byte shuffle or none; otherwise null. */
export function decodeBloscLz4(chunk: Uint8Array): Uint8Array | null {
  const r = decodeBloscLz4Read(chunk.length, (dst) => {
    dst.set(chunk);
    return chunk.length;
  });
  return "decoded" in r ? r.decoded : null;
}

/**
 * {@link decodeBloscLz4} for a chunk of `size` bytes that `read` writes into `dst` (a file read
 * straight into the module's memory: no copy of the compressed bytes), returning how many it
 * wrote. A chunk in another Blosc variant comes back as its bytes (`raw`) for another decoder.
 * A chunk that declares more than `limit` decoded bytes is refused before it is decoded. With
 * `part`, only that part's blocks are decoded ({@link Decoded}).
 */
export function decodeBloscLz4Read(
  size: number,
  read: (dst: Uint8Array) => number,
  limit: number | null = null,
  part: BlockPart = WHOLE,
): Decoded | { raw: Uint8Array } {
  if (size > 2 ** 30) {
    const chunk = new Uint8Array(size);
    const raw = chunk.subarray(0, read(chunk));
    checkDeclared("blosc", raw, limit);
    return { raw }; // beyond the module's address arithmetic: numcodecs.js
  }
  const w = kernels(size + SLACK);
  const got = read(new Uint8Array(w.memory.buffer, 0, size));
  try {
    checkDeclared("blosc", new Uint8Array(w.memory.buffer, 0, got), limit);
    const decoded = decodeInMemory(w, got, part);
    if (decoded) return decoded;
    return { raw: new Uint8Array(w.memory.buffer).slice(0, got) };
  } finally {
    releaseLarge(w);
  }
}

/**
 * Decode `part` of the `length`-byte chunk at the start of `w`'s memory, or null: not a variant
 * decoded here.
 */
function decodeInMemory(w: Kernels, length: number, part: BlockPart): Decoded | null {
  let mem = new Uint8Array(w.memory.buffer);
  if (length < 16) return null;
  const header = new DataView(w.memory.buffer, 0, 16);
  const flags = mem[2] as number;
  const typesize = mem[3] as number;
  const nbytes = header.getUint32(4, true);
  const blocksize = header.getUint32(8, true);
  if ((mem[0] as number) > 2) return null; // Blosc 2 extended formats
  if (flags & 0x02) {
    if (16 + nbytes > length) throw new RangeError("blosc: chunk shorter than its header says");
    if (part.index > 0) return { decoded: new Uint8Array(0), range: [nbytes, nbytes] };
    return { decoded: mem.slice(16, 16 + nbytes), range: [0, nbytes] };
  }
  if (flags & 0x04 || flags >>> 5 !== 1 || blocksize === 0) return null; // bit shuffle or not LZ4
  const shuffled = (flags & 0x01) !== 0 && typesize > 1;
  const nblocks = Math.ceil(nbytes / blocksize);
  if (16 + 4 * nblocks > length) throw new RangeError("blosc: chunk shorter than its block table");
  const outAt = align(length + SLACK);
  const tmpAt = align(outAt + nbytes + SLACK);
  const end = tmpAt + (shuffled ? blocksize + SLACK : 0);
  if (end > 2 ** 31) return null; // beyond the module's address arithmetic: numcodecs.js
  kernels(end); // the same instance, grown: the chunk stays where it is
  mem = new Uint8Array(w.memory.buffer);
  const v = new DataView(w.memory.buffer, 0, length);
  const b0 = Math.floor((part.index * nblocks) / part.count);
  const b1 = Math.floor(((part.index + 1) * nblocks) / part.count);
  for (let b = b0; b < b1; b++) {
    const leftover = b === nblocks - 1 && nbytes % blocksize !== 0;
    const bsize = leftover ? nbytes % blocksize : blocksize;
    const split = !(flags & 0x10) && !leftover && typesize <= MAX_SPLITS && bsize / typesize >= MIN_BUFFERSIZE;
    const nsplits = split ? typesize : 1;
    const neblock = bsize / nsplits;
    let s = v.getInt32(16 + 4 * b, true);
    const base = shuffled ? tmpAt : outAt + b * blocksize;
    for (let j = 0; j < nsplits; j++) {
      if (s < 0 || s + 4 > length) throw new RangeError("blosc: a block starts past the end of the chunk");
      const cbytes = v.getInt32(s, true);
      s += 4;
      if (cbytes < 0 || s + cbytes > length) throw new RangeError("blosc: a stream runs past the end of the chunk");
      const d0 = base + j * neblock;
      if (cbytes === neblock) mem.copyWithin(d0, s, s + cbytes);
      else if (w.lz4(s, s + cbytes, d0, d0 + neblock) !== d0 + neblock) {
        throw new RangeError("blosc: a stream decoded to the wrong size");
      }
      s += cbytes;
    }
    if (shuffled) w.unshuffle(tmpAt, outAt + b * blocksize, bsize, typesize);
  }
  const range: [number, number] = [Math.min(b0 * blocksize, nbytes), Math.min(b1 * blocksize, nbytes)];
  // Part 0 hands back the chunk's full size, for the other parts to be copied into.
  const [from, to] = part.index === 0 ? [0, nbytes] : range;
  return { decoded: mem.slice(outAt + from, outAt + to), range };
}
