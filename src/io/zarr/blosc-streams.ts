/**
 * Blosc 1 chunks that tilecast's LZ4 path (`blosc.ts`) leaves, decoded or checked stream by
 * stream with decoders that report corruption. numcodecs.js's c-blosc ignores the result of its
 * own decompression: a stream that fails to decode (a flipped bit in a Zstandard stream) hands
 * back uninitialised memory as the chunk's values, silently.
 * - Byte shuffle or none: decoded here (Zstandard by numcodecs.js's own Zstandard codec, which
 *   reports corruption; zlib by node:zlib; LZ4 by the WebAssembly kernel; BloscLZ by
 *   `blosclz.ts`), each stream's size checked, and unshuffled by the WebAssembly kernel.
 * - Bit shuffle: every stream is decoded here to check it, then numcodecs.js undoes the bit
 *   shuffle from the same, now known good, bytes.
 * - Snappy inside (which c-blosc builds rarely include): numcodecs.js as before, unchecked.
 *
 * The chunk's framing must have passed `checkBloscFrame` first.
 */
import { inflateExactly } from "../inflate-into.js";
import { kernels, releaseLarge } from "../wasm-kernels.js";
import { decodeBloscLz } from "./blosclz.js";
import { checkDeclared, u32 } from "./bounds.js";

/** c-blosc's inner codec numbers (header flags, bits 5-7). */
const BLOSCLZ = 0;
const LZ4 = 1;
const ZLIB = 3;
const ZSTD = 4;
const MIN_BUFFERSIZE = 128;
const MAX_SPLITS = 16;

type Decode = (stream: Uint8Array, size: number) => Promise<Uint8Array>;

let zstd: Promise<{ decode(b: Uint8Array): Promise<Uint8Array> }> | null = null;

const decoders: Record<number, Decode> = {
  [BLOSCLZ]: async (s, size) => decodeBloscLz(s, size),
  [ZSTD]: async (s, size) => {
    checkDeclared("zstd", s, size);
    zstd ??= import("numcodecs/zstd").then((m) => m.default.fromConfig({ id: "zstd", level: 1 }));
    return (await zstd).decode(s);
  },
  [ZLIB]: async (s, size) => inflateExactly(s, new Uint8Array(size)), // inflateSync would allocate twice
  [LZ4]: async (s, size) => {
    const w = kernels(s.length + size + 64);
    const mem = new Uint8Array(w.memory.buffer);
    mem.set(s, 0);
    const d0 = (s.length + 15) & ~15;
    const end = w.lz4(0, s.length, d0, d0 + size);
    const out = mem.slice(d0, Math.max(d0, end));
    releaseLarge(w);
    return out;
  },
};

/** A stream's decoder failing, said with the block and stream (numcodecs.js prefixes a C++ type). */
function failed(block: number, stream: number, e: unknown): never {
  const why = String((e as Error)?.message ?? e).replace(/^std::\w+,\s*/, "");
  throw new Error(`blosc block ${block}, stream ${stream} does not decode (${why})`);
}

/**
 * Decode `b` (a Blosc 1 chunk), or check its streams and return null for numcodecs.js to decode
 * it (bit shuffle; BloscLZ and Snappy unchecked). Throws naming the block and stream that fails.
 */
export async function decodeBloscStreams(b: Uint8Array): Promise<Uint8Array | null> {
  const flags = b[2] as number;
  const typesize = b[3] as number;
  const nbytes = u32(b, 4);
  const blocksize = u32(b, 8);
  const decode = decoders[flags >>> 5];
  if ((b[0] as number) > 2 || flags & 0x02 || nbytes === 0 || !decode) return null;
  const bitShuffled = (flags & 0x04) !== 0;
  const shuffled = (flags & 0x01) !== 0 && typesize > 1;
  const nblocks = Math.ceil(nbytes / blocksize);
  // A shuffled block is unshuffled from `tmpAt` to `outAt` in the kernel's memory.
  const outAt = 0;
  const tmpAt = (blocksize + 64 + 15) & ~15;
  const values = bitShuffled ? null : new Uint8Array(nbytes);
  for (let block = 0; block < nblocks; block++) {
    const leftover = block === nblocks - 1 && nbytes % blocksize !== 0;
    const bsize = leftover ? nbytes % blocksize : blocksize;
    const split = !(flags & 0x10) && !leftover && typesize <= MAX_SPLITS && bsize / typesize >= MIN_BUFFERSIZE;
    const nsplits = split ? typesize : 1;
    const neblock = bsize / nsplits;
    const parts: Uint8Array[] = [];
    let at = u32(b, 16 + 4 * block);
    for (let j = 0; j < nsplits; j++) {
      const cbytes = at + 4 <= b.length ? u32(b, at) : -1;
      at += 4;
      if (cbytes < 0 || at + cbytes > b.length)
        throw new Error(`blosc block ${block}, stream ${j} runs past the end of the chunk`);
      const stream = b.subarray(at, at + cbytes);
      const got =
        cbytes === neblock ? stream : await decode(stream, neblock).catch((e: unknown) => failed(block, j, e));
      if (got.length !== neblock)
        throw new Error(`blosc block ${block}, stream ${j} decoded to ${got.length} bytes, not ${neblock}`);
      parts.push(got);
      at += cbytes;
    }
    if (!values) continue;
    if (!shuffled) {
      for (const [j, p] of parts.entries()) values.set(p, block * blocksize + j * neblock);
      continue;
    }
    const w = kernels(tmpAt + bsize + 64);
    const mem = new Uint8Array(w.memory.buffer);
    for (const [j, p] of parts.entries()) mem.set(p, tmpAt + j * neblock);
    w.unshuffle(tmpAt, outAt, bsize, typesize);
    values.set(mem.subarray(outAt, outAt + bsize), block * blocksize);
    releaseLarge(w);
  }
  return values;
}
