/**
 * Which Zarr arrays read their chunks on worker threads ({@link CodecPool}), and the `getChunk`
 * that does it: an array qualifies when a worker's bytes are the chunk's values as they are, that
 * is a local store, a numeric type stored little-endian in C order, no filters, and one
 * compressor a worker decodes (or none). Everything else, and any chunk a worker cannot deliver,
 * goes through zarrita as before.
 */
import { join } from "node:path";
import type * as zarr from "zarrita";
import {
  type CodecPool,
  MIN_OFF_THREAD_BYTES,
  type OffThreadCodec,
  type PartReply,
  type ZarrChunkJob,
} from "../codec-pool.js";

/**
 * A Blosc chunk someone waits for is split into parts of at least this size when workers are
 * idle: one large chunk read alone (a global field per time step) then decodes on every core,
 * not one. A chunk read ahead (`AHEAD`) is decoded whole: nobody waits for it, and joining parts
 * costs the main thread a copy.
 */
const MIN_PART_BYTES = 512 * 1024;

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

/** Blosc's settings, as v2 (`compressor`) and v3 (the codec's `configuration`) store them. */
interface BloscConfig {
  cname?: unknown;
  shuffle?: unknown;
}

interface RawMeta {
  dtype?: unknown;
  order?: unknown;
  compressor?: ({ id?: unknown } & BloscConfig) | null;
  filters?: unknown[] | null;
  codecs?: { name?: unknown; configuration?: { endian?: unknown } & BloscConfig }[];
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
 * Whether a worker can decode this array's chunks in parts ({@link BlockPart}): Blosc with LZ4
 * and byte shuffle or none, the variant tilecast decodes itself. Other Blosc variants decode
 * whole, in numcodecs.js.
 */
export function splitsInParts(meta: RawMeta | null | undefined, format: 2 | 3): boolean {
  const blosc =
    format === 2
      ? (meta?.compressor as BloscConfig | null | undefined)
      : meta?.codecs?.find((c) => c?.name === "blosc")?.configuration;
  if (!blosc || offThreadCodec(meta, format) !== "blosc") return false;
  return blosc.cname === "lz4" && blosc.shuffle !== 2 && blosc.shuffle !== "bitshuffle";
}

/**
 * Fetch `array`'s chunks through `pool` when they qualify (large enough, a type the bytes can
 * be viewed as): `dir` is the store's directory and `chunkKey` a chunk's key under it. With
 * `splits` ({@link splitsInParts}), a chunk someone waits for decodes in parts on idle workers.
 */
export function offThreadChunks(
  array: zarr.Array<zarr.DataType, zarr.Readable>,
  codec: OffThreadCodec,
  pool: CodecPool,
  dir: string,
  chunkKey: (coords: readonly number[]) => string,
  splits = false,
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
    const job: ZarrChunkJob = { kind: "zarr", file: join(dir, chunkKey(coords)), codec, bytes };
    const ahead = (options as { ahead?: boolean } | undefined)?.ahead === true;
    const parts = splits && !ahead ? Math.min(pool.idle(), Math.floor(bytes / MIN_PART_BYTES)) : 1;
    const r = parts > 1 ? await inParts(pool, job, parts) : await pool.run(job);
    if (r) return { data: new Ctor(r.buffer as ArrayBuffer), shape: [...shape], stride: [...stride] };
    return get(coords, options as never);
  }) as typeof array.getChunk;
}

/**
 * `job`'s chunk decoded in `count` parts of its Blosc blocks, one per idle worker, joined
 * ({@link joinParts}); or null (do it the usual way) when a part fails or they do not join.
 */
async function inParts(pool: CodecPool, job: ZarrChunkJob, count: number): Promise<Uint8Array | null> {
  const parts = Array.from({ length: count }, (_, index) => pool.runPart({ ...job, part: { index, count } }));
  return joinParts(await Promise.all(parts), job.bytes);
}

/**
 * A chunk of `bytes` bytes from its parts, in part order: the others' bytes copied into part 0's
 * buffer (the chunk's full size) at their ranges. Null when a part is missing, a part's bytes are
 * not its range's size, or the ranges do not cover the chunk exactly once, in order (a file
 * rewritten between two workers' reads).
 */
export function joinParts(parts: readonly (PartReply | null)[], bytes: number): Uint8Array | null {
  let at = 0;
  for (const [i, p] of parts.entries()) {
    if (!p || p.range[0] !== at || p.range[1] < at) return null;
    if (p.bytes.length !== (i === 0 ? bytes : p.range[1] - p.range[0])) return null;
    at = p.range[1];
  }
  const [first, ...rest] = parts as PartReply[];
  if (!first || at !== bytes) return null;
  for (const p of rest) first.bytes.set(p.bytes, p.range[0]);
  return first.bytes;
}
