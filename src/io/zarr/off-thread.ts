/**
 * Which Zarr arrays read their chunks on worker threads ({@link CodecPool}), and the `getChunk`
 * that does it: an array qualifies when a worker's bytes are the chunk's values as they are, that
 * is a local store, a numeric type stored little-endian in C order, no filters, and one
 * compressor a worker decodes (or none). Everything else, and any chunk a worker cannot deliver,
 * goes through zarrita as before.
 */
import { join } from "node:path";
import type * as zarr from "zarrita";
import { type CodecPool, MIN_OFF_THREAD_BYTES, type OffThreadCodec } from "../codec-pool.js";

type Numeric = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array;
type TypedCtor = new (buffer: ArrayBuffer) => Numeric | Float64Array | BigInt64Array | BigUint64Array;

/** zarrita's data types whose values a worker's bytes are, little-endian. */
const CTORS: Record<string, TypedCtor> = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
};

/** Compressor ids (v2 `compressor.id`, v3 codec names) a worker decodes. */
const CODECS: Record<string, OffThreadCodec> = {
  zlib: "zlib",
  "numcodecs.zlib": "zlib",
  gzip: "gzip",
  "numcodecs.gzip": "gzip",
  blosc: "blosc",
  "numcodecs.blosc": "blosc",
  zstd: "zstd",
  "numcodecs.zstd": "zstd",
  lz4: "lz4",
  "numcodecs.lz4": "lz4",
};

interface RawMeta {
  dtype?: unknown;
  order?: unknown;
  compressor?: { id?: unknown } | null;
  filters?: unknown[] | null;
  codecs?: { name?: unknown; configuration?: { endian?: unknown } }[];
}

/** The compressor a worker applies to this array's chunks, or null when it cannot read them. */
export function offThreadCodec(meta: RawMeta | null | undefined, format: 2 | 3): OffThreadCodec | null {
  if (!meta) return null;
  if (format === 2) {
    const dtype = typeof meta.dtype === "string" ? meta.dtype : "";
    if (!/^[<|]/.test(dtype) || meta.order !== "C" || (meta.filters?.length ?? 0) > 0) return null;
    if (!meta.compressor) return "none";
    return CODECS[String(meta.compressor.id)] ?? null;
  }
  const codecs = meta.codecs ?? [];
  const [bytes, compressor, ...rest] = codecs;
  if (bytes?.name !== "bytes" || rest.length > 0) return null;
  const endian = bytes.configuration?.endian;
  if (endian !== undefined && endian !== "little") return null;
  if (!compressor) return "none";
  return CODECS[String(compressor.name)] ?? null;
}

/**
 * Fetch `array`'s chunks through `pool` when they qualify (large enough, a type the bytes can
 * be viewed as): `dir` is the store's directory and `chunkKey` a chunk's key under it.
 */
export function offThreadChunks(
  array: zarr.Array<zarr.DataType, zarr.Readable>,
  codec: OffThreadCodec,
  pool: CodecPool,
  dir: string,
  chunkKey: (coords: readonly number[]) => string,
): void {
  const Ctor = CTORS[array.dtype as string];
  if (!Ctor) return;
  const shape = [...array.chunks];
  const size = shape.reduce((a, b) => a * b, 1);
  const bytes = size * (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  if (bytes < MIN_OFF_THREAD_BYTES) return;
  pool.warm();
  const stride = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const get = array.getChunk.bind(array);
  array.getChunk = (async (coords: number[], options?: { signal?: AbortSignal }) => {
    options?.signal?.throwIfAborted();
    const r = await pool.run({ kind: "zarr", file: join(dir, chunkKey(coords)), codec, bytes });
    if (r) return { data: new Ctor(r.buffer as ArrayBuffer), shape: [...shape], stride: [...stride] };
    return get(coords, options as never);
  }) as typeof array.getChunk;
}
