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
 * Reads bytes of a chunk's file from byte `at` into `dst` until it is full or the file ends,
 * returning how many it wrote.
 */
export type ChunkReader = (dst: Uint8Array, at: number) => number;

/** A stream of the part's blocks lies outside the bytes read for it: read the whole chunk. */
class OutsideSpan extends Error {}

/**
 * {@link decodeBloscLz4} for a chunk of `size` bytes that `read` writes into the module's memory
 * (a file read straight there: no copy of the compressed bytes). A chunk in another Blosc
 * variant comes back as its bytes (`raw`) for another decoder. A chunk that declares more than
 * `limit` decoded bytes is refused before it is decoded. With `part`, only that part's blocks
 * are decoded ({@link Decoded}), and only their bytes are read (with the header and the block
 * table) where the part's blocks lie in one run, as c-blosc writes them. The decoded bytes go
 * into `into` when it is their size (`decoded`'s size, part 0's being the chunk's).
 */
export function decodeBloscLz4Read(
  size: number,
  read: ChunkReader,
  limit: number | null = null,
  part: BlockPart = WHOLE,
  into?: ArrayBuffer,
): Decoded | { raw: Uint8Array } {
  if (size > 2 ** 30) {
    const chunk = new Uint8Array(size);
    const raw = chunk.subarray(0, read(chunk, 0));
    checkDeclared("blosc", raw, limit);
    return { raw }; // beyond the module's address arithmetic: numcodecs.js
  }
  const w = kernels(size + SLACK);
  try {
    // The bytes from the start already in memory, read for the part's span.
    let have = 0;
    if (part.count > 1) {
      const r = readSpan(new Uint8Array(w.memory.buffer, 0, size), read, part);
      have = r.have;
      if (r.span) {
        checkDeclared("blosc", new Uint8Array(w.memory.buffer, 0, 16), limit);
        try {
          const decoded = decodeInMemory(w, size, part, into, r.span);
          if (decoded) return decoded;
        } catch (e) {
          if (!(e instanceof OutsideSpan)) throw e;
        }
      }
    }
    const got = have + read(new Uint8Array(w.memory.buffer, have, size - have), have);
    checkDeclared("blosc", new Uint8Array(w.memory.buffer, 0, got), limit);
    const decoded = decodeInMemory(w, got, part, into);
    if (decoded) return decoded;
    return { raw: new Uint8Array(w.memory.buffer).slice(0, got) };
  } finally {
    releaseLarge(w);
  }
}

/**
 * Read the header, the block table and `part`'s blocks of an LZ4 chunk into `mem` (at their
 * places in the file): `span` is the bytes `[from, to)` read for the blocks, or null when the
 * chunk is not one to read this way (another variant, stored uncompressed, a table that does not
 * fit, blocks not in file order) or the file is shorter; `have`, how many bytes from the start
 * were read (the header, the table).
 */
function readSpan(
  mem: Uint8Array,
  read: ChunkReader,
  part: BlockPart,
): { span: [number, number] | null; have: number } {
  const size = mem.length;
  const no = (have: number) => ({ span: null, have });
  if (size < 16 || read(mem.subarray(0, 16), 0) !== 16) return no(0);
  const v = new DataView(mem.buffer, mem.byteOffset, size);
  const flags = mem[2] as number;
  const nbytes = v.getUint32(4, true);
  const blocksize = v.getUint32(8, true);
  if ((mem[0] as number) > 2 || flags & 0x02 || flags & 0x04 || flags >>> 5 !== 1 || blocksize === 0) return no(16);
  const nblocks = Math.ceil(nbytes / blocksize);
  const table = 16 + 4 * nblocks;
  if (table > size || read(mem.subarray(16, table), 16) !== table - 16) return no(16);
  const b0 = Math.floor((part.index * nblocks) / part.count);
  const b1 = Math.floor(((part.index + 1) * nblocks) / part.count);
  if (b0 >= b1) return { span: [table, table], have: table };
  // A block's streams end where the next block in the file starts: c-blosc compressing on
  // several threads stores blocks in the order they finish, not in block order.
  // The span runs from the part's first block in the file to the start of the next block after
  // its last one (or the end of the file): one pass over the table, whatever the block count.
  const start = (b: number) => v.getInt32(16 + 4 * b, true);
  let from = size;
  let last = -1;
  for (let b = b0; b < b1; b++) {
    from = Math.min(from, start(b));
    last = Math.max(last, start(b));
  }
  let to = size;
  for (let b = 0; b < nblocks; b++) if (start(b) > last && start(b) < to) to = start(b);
  if (from < table || to < from || to > size) return no(table);
  return { span: read(mem.subarray(from, to), from) === to - from ? [from, to] : null, have: table };
}

/**
 * Decode `part` of the `length`-byte chunk at the start of `w`'s memory (into `into` when it is
 * the size), or null: not a variant decoded here. With `span`, only the header, the block table
 * and the bytes `[span[0], span[1])` are in memory: a stream outside them throws
 * {@link OutsideSpan}.
 */
function decodeInMemory(
  w: Kernels,
  length: number,
  part: BlockPart,
  into: ArrayBuffer | undefined,
  span?: [number, number],
): Decoded | null {
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
    const stored = mem.subarray(16, 16 + nbytes);
    const decoded = into?.byteLength === nbytes ? new Uint8Array(into) : new Uint8Array(nbytes);
    decoded.set(stored);
    return { decoded, range: [0, nbytes] };
  }
  if (flags & 0x04 || flags >>> 5 !== 1 || blocksize === 0) return null; // bit shuffle or not LZ4
  const shuffled = (flags & 0x01) !== 0 && typesize > 1;
  const nblocks = Math.ceil(nbytes / blocksize);
  if (16 + 4 * nblocks > length) throw new RangeError("blosc: chunk shorter than its block table");
  // One block at a time: its streams decoded (into `tmpAt` when shuffled, then unshuffled) to
  // `blkAt`, and copied out while in cache. The module's memory holds the chunk and two blocks,
  // not the decoded chunk as well: 3.3 MB instead of 7.5 for an ERA5 field, each first touch of
  // which is a page fault in every thread that decodes.
  const blkAt = align(length + SLACK);
  const tmpAt = align(blkAt + blocksize + SLACK);
  const end = shuffled ? tmpAt + blocksize + SLACK : tmpAt;
  if (end > 2 ** 31) return null; // beyond the module's address arithmetic: numcodecs.js
  kernels(end); // the same instance, grown: the chunk stays where it is
  mem = new Uint8Array(w.memory.buffer);
  const v = new DataView(w.memory.buffer, 0, length);
  const b0 = Math.floor((part.index * nblocks) / part.count);
  const b1 = Math.floor(((part.index + 1) * nblocks) / part.count);
  const range: [number, number] = [Math.min(b0 * blocksize, nbytes), Math.min(b1 * blocksize, nbytes)];
  // Part 0 hands back the chunk's full size, for the other parts to be copied into; any other
  // part its range. Every byte of the range is written below; part 0's bytes past it stay
  // uninitialized until the other parts are joined in, which happens only when they cover the
  // chunk exactly (zarr/off-thread.ts's joinParts).
  const at = part.index === 0 ? 0 : range[0];
  const size = part.index === 0 ? nbytes : range[1] - range[0];
  const decoded =
    size === 0
      ? new Uint8Array(0)
      : new Uint8Array(into?.byteLength === size ? into : Buffer.allocUnsafeSlow(size).buffer, 0, size);
  for (let b = b0; b < b1; b++) {
    const leftover = b === nblocks - 1 && nbytes % blocksize !== 0;
    const bsize = leftover ? nbytes % blocksize : blocksize;
    const split = !(flags & 0x10) && !leftover && typesize <= MAX_SPLITS && bsize / typesize >= MIN_BUFFERSIZE;
    const nsplits = split ? typesize : 1;
    const neblock = bsize / nsplits;
    let s = v.getInt32(16 + 4 * b, true);
    const base = shuffled ? tmpAt : blkAt;
    for (let j = 0; j < nsplits; j++) {
      if (span && (s < span[0] || s + 4 > span[1])) throw new OutsideSpan();
      if (s < 0 || s + 4 > length) throw new RangeError("blosc: a block starts past the end of the chunk");
      const cbytes = v.getInt32(s, true);
      s += 4;
      if (span && cbytes >= 0 && s + cbytes > span[1]) throw new OutsideSpan();
      if (cbytes < 0 || s + cbytes > length) throw new RangeError("blosc: a stream runs past the end of the chunk");
      const d0 = base + j * neblock;
      if (cbytes === neblock) mem.copyWithin(d0, s, s + cbytes);
      else if (w.lz4(s, s + cbytes, d0, d0 + neblock) !== d0 + neblock) {
        throw new RangeError("blosc: a stream decoded to the wrong size");
      }
      s += cbytes;
    }
    if (shuffled) w.unshuffle(tmpAt, blkAt, bsize, typesize);
    decoded.set(mem.subarray(blkAt, blkAt + bsize), b * blocksize - at);
  }
  return { decoded, range };
}
