/**
 * A Blosc (1.x format) encoder that shuffles with the data's real type size, which numcodecs.js
 * fixes at 4 (a float64 store came out a third larger than zarr-python's). The inner codec is
 * numcodecs.js's Zstandard or LZ4 per block; byte shuffle and the block table are done here.
 *
 * Format (c-blosc 1.x): a 16-byte header (version 2, codec format version 1, flags, type size,
 * nbytes, blocksize, cbytes, little-endian), a table of block offsets, then per block one stream
 * (`DONT_SPLIT`): a 4-byte compressed size and the compressed bytes, or the raw bytes when
 * compression does not shrink them (size equal to the block's). A chunk that does not compress
 * at all is stored whole after the header (`MEMCPYED`), as c-blosc does.
 */
const DOSHUFFLE = 0x1;
const MEMCPYED = 0x2;
const DONT_SPLIT = 0x10;
const CODES = { lz4: 1, zstd: 4 } as const;

/** Options of {@link encodeBlosc}. */
export interface BloscEncodeOptions {
  cname: "lz4" | "zstd";
  clevel: number;
  /** 1: byte shuffle by `typesize`; 0: none. */
  shuffle: 0 | 1;
  typesize: number;
  /** Bytes per block (default 256 KiB, a multiple of the type size). */
  blocksize?: number;
}

type Inner = { encode(b: Uint8Array): Uint8Array | Promise<Uint8Array> };
const inners = new Map<string, Promise<Inner>>();

function inner(cname: "lz4" | "zstd", clevel: number): Promise<Inner> {
  const key = `${cname}:${clevel}`;
  let p = inners.get(key);
  if (!p) {
    p =
      cname === "zstd"
        ? import("numcodecs/zstd").then((m) => m.default.fromConfig({ level: clevel }) as Inner)
        : import("numcodecs/lz4").then((m) => m.default.fromConfig({ acceleration: 1 }) as Inner);
    inners.set(key, p);
  }
  return p;
}

/** Byte shuffle within one block: byte k of element i goes to k * n + i; leftover bytes stay. */
export function shuffleBlock(src: Uint8Array, typesize: number): Uint8Array {
  const n = Math.floor(src.length / typesize);
  const out = new Uint8Array(src.length);
  for (let i = 0; i < n; i++) for (let k = 0; k < typesize; k++) out[k * n + i] = src[i * typesize + k] as number;
  out.set(src.subarray(n * typesize), n * typesize);
  return out;
}

/**
 * Encode `bytes` as one Blosc chunk.
 *
 * @example
 * ```ts internal
 * const c = await encodeBlosc(new Uint8Array(new Float64Array(1000).buffer), { cname: "zstd", clevel: 5, shuffle: 1, typesize: 8 });
 * ```
 */
export async function encodeBlosc(bytes: Uint8Array, o: BloscEncodeOptions): Promise<Uint8Array> {
  const typesize = Math.max(1, Math.min(255, o.typesize));
  const nbytes = bytes.length;
  const wanted = o.blocksize ?? 256 * 1024;
  const blocksize = Math.max(typesize, Math.min(nbytes, wanted - (wanted % typesize))) || 1;
  const nblocks = Math.max(1, Math.ceil(nbytes / blocksize));
  const codec = await inner(o.cname, o.clevel);
  const shuffle = o.shuffle === 1 && typesize > 1;
  const streams: Uint8Array[] = [];
  for (let b = 0; b < nblocks; b++) {
    const block = bytes.subarray(b * blocksize, Math.min(nbytes, (b + 1) * blocksize));
    const src = shuffle ? shuffleBlock(block, typesize) : block;
    let c = new Uint8Array(await codec.encode(src));
    if (o.cname === "lz4") c = c.subarray(4); // numcodecs.js prefixes the size; Blosc stores the raw LZ4 block
    streams.push(c.length > 0 && c.length < src.length ? c : src);
  }
  const header = 16 + 4 * nblocks;
  const cbytes = header + streams.reduce((n, s) => n + 4 + s.length, 0);
  const flags = (shuffle ? DOSHUFFLE : 0) | DONT_SPLIT | (CODES[o.cname] << 5);
  const writeHeader = (out: Uint8Array, f: number, total: number) => {
    const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
    out[0] = 2;
    out[1] = 1;
    out[2] = f;
    out[3] = typesize;
    v.setUint32(4, nbytes, true);
    v.setUint32(8, blocksize, true);
    v.setUint32(12, total, true);
  };
  if (cbytes >= nbytes + 16) {
    const out = new Uint8Array(16 + nbytes);
    writeHeader(out, MEMCPYED | (CODES[o.cname] << 5), out.length); // stored as is: no shuffle
    out.set(bytes, 16);
    return out;
  }
  const out = new Uint8Array(cbytes);
  writeHeader(out, flags, cbytes);
  const v = new DataView(out.buffer);
  let at = header;
  streams.forEach((s, b) => {
    v.setUint32(16 + 4 * b, at, true);
    v.setInt32(at, s.length, true);
    out.set(s, at + 4);
    at += 4 + s.length;
  });
  return out;
}
