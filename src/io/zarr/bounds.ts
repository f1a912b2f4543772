/**
 * Decompression-bomb guards for Zarr codecs. A chunk can decode to at most the bytes its shape
 * and dtype need (plus slack for filters and checksums); the formats that declare their
 * decoded size up front (Blosc, numcodecs' LZ4, Zstandard frames with a content size) are
 * refused before anything is decoded, zlib and gzip are stopped by node:zlib's output limit.
 *
 * The codec workers load this module: it imports nothing, and zarrita above all (40 ms of a
 * worker's start, before its first chunk).
 */

const ITEM_BYTES: Record<string, number> = {
  int8: 1,
  uint8: 1,
  bool: 1,
  int16: 2,
  uint16: 2,
  float16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  int64: 8,
  uint64: 8,
  float64: 8,
};

/**
 * Bytes a decoded chunk of `shape` must hold for zarrita's `dataType`, or null when the type has
 * no fixed size (strings, objects).
 */
export function chunkBytes(dataType: string, shape: readonly number[]): number | null {
  const size = ITEM_BYTES[dataType];
  return size === undefined ? null : shape.reduce((a, b) => a * b, size);
}

/** The chunk metadata zarrita hands a codec: the (on-disk) data type and the chunk shape. */
export interface ChunkMeta {
  dataType?: string;
  shape?: readonly number[];
}

/** The most bytes a chunk may decode to (null when the type has no fixed size). */
export function chunkLimit(meta: ChunkMeta | undefined): number | null {
  if (!meta?.dataType || !meta.shape) return null;
  const n = chunkBytes(meta.dataType, meta.shape);
  return n === null ? null : n + 65536;
}

/** The little-endian uint32 at `at` of `b`. */
export const u32 = (b: Uint8Array, at: number) =>
  ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)) + (b[at + 3] as number) * 2 ** 24;

/** The decoded size a compressed buffer declares, by codec id, or null when it declares none. */
export function declaredSize(codec: string, b: Uint8Array): number | null {
  if (codec === "blosc") return b.length >= 16 ? u32(b, 4) : null;
  if (codec === "lz4") return b.length >= 4 ? u32(b, 0) : null;
  if (codec === "zstd") {
    if (b.length < 6 || u32(b, 0) !== 0xfd2fb528) return null;
    const fhd = b[4] as number;
    const single = (fhd >> 5) & 1;
    const fcsFlag = fhd >> 6;
    const dictBytes = [0, 1, 2, 4][fhd & 3] as number;
    const fcsBytes = [single ? 1 : 0, 2, 4, 8][fcsFlag] as number;
    if (fcsBytes === 0) return null;
    const at = 5 + (single ? 0 : 1) + dictBytes;
    if (b.length < at + fcsBytes) return null;
    if (fcsBytes === 1) return b[at] as number;
    if (fcsBytes === 2) return ((b[at] as number) | ((b[at + 1] as number) << 8)) + 256;
    if (fcsBytes === 4) return u32(b, at);
    return u32(b, at) + u32(b, at + 4) * 2 ** 32;
  }
  return null;
}

/** Throw when `b` declares more than `limit` decoded bytes. */
export function checkDeclared(codec: string, b: Uint8Array, limit: number | null): void {
  if (limit === null) return;
  const n = declaredSize(codec, b);
  if (n !== null && n > limit)
    throw new Error(`${codec} data declares ${n} decoded bytes, more than the chunk's ${limit}`);
}
