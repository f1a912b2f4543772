/**
 * A JavaScript decoder for Blosc 1 chunks compressed with LZ4 (with byte shuffle or none): the
 * form ERA5-style Zarr stores use most. numcodecs.js's WebAssembly build spends more time copying
 * bytes into WebAssembly memory than decompressing; this path avoids the copies. Other Blosc
 * variants (bit shuffle, zstd, zlib, blosclz) return null and fall back to numcodecs.js.
 *
 * Format (Blosc 1): a 16-byte header (version, versionlz, flags, typesize, nbytes, blocksize,
 * cbytes; little-endian), then one int32 start offset per block, then per block one or
 * `typesize` streams, each an int32 size and that many LZ4 bytes (a stream as long as its
 * decoded size is stored raw). Flags: 0x01 byte shuffle, 0x02 memcpyed, 0x04 bit shuffle,
 * 0x10 blocks not split, bits 5-7 the compressor (1 = LZ4).
 */

const MIN_BUFFERSIZE = 128;
const MAX_SPLITS = 16;

/** Decode one LZ4 block from `src[s0, s1)` into `dst[d0, d1)`; returns the end in dst. */
export function lz4DecodeBlock(
  src: Uint8Array,
  s0: number,
  s1: number,
  dst: Uint8Array,
  d0: number,
  d1: number,
): number {
  let s = s0;
  let d = d0;
  while (s < s1) {
    const token = src[s++] as number;
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        b = src[s++] as number;
        lit += b;
      } while (b === 255);
    }
    if (d + lit > d1 || s + lit > s1) throw new RangeError("lz4: literal run past the end");
    if (lit < 32) for (let i = 0; i < lit; i++) dst[d++] = src[s++] as number;
    else {
      dst.set(src.subarray(s, s + lit), d);
      s += lit;
      d += lit;
    }
    if (s >= s1) break;
    const offset = (src[s] as number) | ((src[s + 1] as number) << 8);
    s += 2;
    let len = token & 15;
    if (len === 15) {
      let b: number;
      do {
        b = src[s++] as number;
        len += b;
      } while (b === 255);
    }
    len += 4;
    let m = d - offset;
    if (offset === 0 || m < d0 || d + len > d1) throw new RangeError("lz4: bad match");
    if (offset >= len && len > 32) {
      dst.copyWithin(d, m, m + len); // a call costs more than a short byte loop
      d += len;
    } else {
      for (let i = 0; i < len; i++) dst[d++] = dst[m++] as number;
    }
  }
  return d;
}

/** Reverse Blosc's byte shuffle of one block (`n` bytes, `typesize`-byte values). */
function unshuffle(src: Uint8Array, dst: Uint8Array, d0: number, n: number, typesize: number): void {
  const count = Math.floor(n / typesize);
  if (
    typesize === 4 &&
    d0 % 4 === 0 &&
    count % 4 === 0 &&
    src.byteOffset % 4 === 0 &&
    (dst.byteOffset + d0) % 4 === 0
  ) {
    // 4x4 byte transpose: one 32-bit load per plane gives 4 values' bytes of that plane.
    const out = new Uint32Array(dst.buffer, dst.byteOffset + d0, count);
    const q = count >> 2;
    const w = new Uint32Array(src.buffer, src.byteOffset, count);
    for (let k = 0; k < q; k++) {
      const a = w[k] as number;
      const b = w[q + k] as number;
      const c = w[2 * q + k] as number;
      const e = w[3 * q + k] as number;
      const o = 4 * k;
      out[o] = (a & 0xff) | ((b & 0xff) << 8) | ((c & 0xff) << 16) | ((e & 0xff) << 24);
      out[o + 1] = ((a >>> 8) & 0xff) | (b & 0xff00) | ((c & 0xff00) << 8) | ((e & 0xff00) << 16);
      out[o + 2] = ((a >>> 16) & 0xff) | ((b >>> 8) & 0xff00) | (c & 0xff0000) | ((e & 0xff0000) << 8);
      out[o + 3] = (a >>> 24) | ((b >>> 16) & 0xff00) | ((c >>> 8) & 0xff0000) | (e & 0xff000000);
    }
  } else if (typesize === 4 && d0 % 4 === 0) {
    const out = new Uint32Array(dst.buffer, dst.byteOffset + d0, count);
    const p1 = count;
    const p2 = 2 * count;
    const p3 = 3 * count;
    for (let i = 0; i < count; i++) {
      out[i] =
        (src[i] as number) |
        ((src[p1 + i] as number) << 8) |
        ((src[p2 + i] as number) << 16) |
        ((src[p3 + i] as number) << 24);
    }
  } else {
    for (let j = 0; j < typesize; j++) {
      const base = j * count;
      for (let i = 0; i < count; i++) dst[d0 + i * typesize + j] = src[base + i] as number;
    }
  }
  for (let k = count * typesize; k < n; k++) dst[d0 + k] = src[k] as number; // leftover bytes
}

/** Decode a Blosc 1 chunk if it is LZ4 with byte shuffle or none; otherwise null. */
export function decodeBloscLz4(chunk: Uint8Array): Uint8Array | null {
  if (chunk.length < 16) return null;
  const v = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const flags = chunk[2] as number;
  const typesize = chunk[3] as number;
  const nbytes = v.getUint32(4, true);
  const blocksize = v.getUint32(8, true);
  if ((chunk[0] as number) > 2) return null; // Blosc 2 extended formats
  const out = new Uint8Array(nbytes);
  if (flags & 0x02) {
    out.set(chunk.subarray(16, 16 + nbytes));
    return out;
  }
  if (flags & 0x04 || flags >>> 5 !== 1 || blocksize === 0) return null; // bit shuffle or not LZ4
  const shuffled = (flags & 0x01) !== 0 && typesize > 1;
  const nblocks = Math.ceil(nbytes / blocksize);
  const tmp = shuffled ? new Uint8Array(blocksize) : null;
  for (let b = 0; b < nblocks; b++) {
    const leftover = b === nblocks - 1 && nbytes % blocksize !== 0;
    const bsize = leftover ? nbytes % blocksize : blocksize;
    const split = !(flags & 0x10) && !leftover && typesize <= MAX_SPLITS && bsize / typesize >= MIN_BUFFERSIZE;
    const nsplits = split ? typesize : 1;
    const neblock = bsize / nsplits;
    let s = v.getInt32(16 + 4 * b, true);
    const target = tmp ?? out;
    const base = tmp ? 0 : b * blocksize;
    for (let j = 0; j < nsplits; j++) {
      const cbytes = v.getInt32(s, true);
      s += 4;
      const d0 = base + j * neblock;
      if (cbytes === neblock) target.set(chunk.subarray(s, s + cbytes), d0);
      else if (lz4DecodeBlock(chunk, s, s + cbytes, target, d0, d0 + neblock) !== d0 + neblock) {
        throw new RangeError("blosc: a stream decoded to the wrong size");
      }
      s += cbytes;
    }
    if (tmp) unshuffle(tmp, out, b * blocksize, bsize, typesize);
  }
  return out;
}
