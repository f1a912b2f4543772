/**
 * The jobs a codec worker does ({@link CodecPool}) and its answers: Zarr chunks and GeoTIFF
 * blocks to read and decode, tiles and chunks to compress.
 */
import type { BlockCodec } from "./geotiff/decode.js";
import type { BlockPart } from "./zarr/blosc.js";
import type { Compressor } from "./zarr/codecs.js";

/** The Zarr compressors a worker decodes. */
export type OffThreadCodec = "none" | "zlib" | "gzip" | "blosc" | "zstd" | "lz4";

/**
 * Read the Zarr chunk in `file`, decode it with `codec`; it must come to exactly `bytes`. With
 * `part` (Blosc only), decode only that part of its blocks: the answer's `range` says which
 * bytes of the chunk it holds ({@link PartReply}).
 */
export interface ZarrChunkJob {
  kind: "zarr";
  file: string;
  codec: OffThreadCodec;
  bytes: number;
  part?: BlockPart;
  /**
   * A buffer of `bytes` bytes for the decoded bytes, which the pool allocates on the calling
   * thread ({@link withDecodeTarget}); used only when every byte is filled.
   */
  into?: ArrayBuffer;
}

/** One TIFF block of a {@link TiffBlockJob}: `length` bytes at `offset`, `rows` rows, named `where`. */
export interface TiffBlockRef {
  offset: number;
  length: number;
  rows: number;
  where: string;
}

/**
 * Read the `blocks` of the TIFF file open as descriptor `fd` (the main thread's: it must stay
 * open until the job is answered) and decode each (`decodeBlock`), one after another in one
 * buffer; it must come to exactly `bytes`.
 */
export interface TiffBlockJob {
  kind: "tiff";
  fd: number;
  blocks: TiffBlockRef[];
  codec: BlockCodec;
  bytes: number;
  /**
   * A buffer of `bytes` bytes for the decoded bytes, which the pool allocates on the calling
   * thread ({@link withDecodeTarget}); used only when every byte is filled.
   */
  into?: ArrayBuffer;
}

/**
 * Compress `input`: a GeoTIFF tile at `level` into one Zstandard frame (numcodecs.js's
 * WebAssembly zstd) or a zlib stream (node:zlib's deflate, synchronous on the worker); or a Zarr
 * chunk with its store's compressor (`chunk`: zarr/codecs.ts's `encodeChunk`). Run with
 * {@link CodecPool.encode}, which hands the input over (transferred when it is a whole buffer of
 * its own) and gets it back with the answer; with {@link CodecPool.run} it is copied.
 */
export interface EncodeJob {
  kind: "encode";
  codec: "zstd" | "deflate" | "chunk";
  input: Uint8Array;
  level: number;
  /** `chunk`: the Zarr compressor and the bytes per value (Blosc's shuffle groups by them). */
  chunk?: { compressor: Compressor; typesize: number };
}

/** Whether a TIFF block of `c` inflates straight into the job's buffer: Deflate, samples as read. */
const inflatesInPlace = (c: BlockCodec) => (c.compression === 8 || c.compression === 32946) && !c.stored;

/**
 * `job` with a buffer for its decoded bytes (`into`, also returned, to transfer), allocated
 * uninitialized on this thread for the worker to fill and hand back. Only jobs whose worker
 * writes its bytes into a buffer it chooses get one: a whole Zarr chunk stored raw, in Blosc,
 * zlib or gzip, a TIFF job of several blocks, and a TIFF job of one Deflate block (zlib inflates into
 * it: inflate-into.ts). numcodecs.js allocates its own output, which copying would only add to
 * (64 zlib chunks, when node:zlib still allocated its own: 62-71 thousand page faults instead of
 * 45-51).
 * Nor does a chunk decoded in parts: its first part's buffer is half written on this thread,
 * and giving it one took scattered one-step reads from 1.7 to 7.8 ms.
 *
 * Why not let the worker allocate it: buffers a worker allocated and handed over faulted in
 * fresh pages for nearly every chunk (73 % of a Zarr read's page faults were the worker's copy
 * into them). glibc gives each worker thread a malloc arena of its own, and this thread frees
 * what it was handed only in batches, at garbage collection; memory this thread allocates is
 * reused. The 64 Blosc-LZ4 chunks of an ERA5 field (the benchmark's read) took 18-19 thousand
 * page faults instead of 43-46 thousand, and 0.55-0.57 s instead of 0.74.
 */
export function withDecodeTarget(job: CodecJob): { job: CodecJob; into: ArrayBuffer | null } {
  const fills =
    job.kind === "tiff"
      ? job.blocks.length > 1 || inflatesInPlace(job.codec)
      : job.kind === "zarr" && ["blosc", "none", "zlib", "gzip"].includes(job.codec) && !job.part;
  // A size past 1 GiB is left to the worker, which refuses what it cannot decode.
  if (!fills || job.kind === "encode" || job.bytes <= 0 || job.bytes > 2 ** 30) return { job, into: null };
  let into: ArrayBuffer;
  try {
    into = Buffer.allocUnsafeSlow(job.bytes).buffer as ArrayBuffer;
  } catch {
    return { job, into: null }; // no memory for it now: the worker allocates, or reports, as before
  }
  return { job: { ...job, into }, into };
}

/**
 * `decoded` copied into the job's `into` when it has one of that size, so the answer hands back
 * the caller's memory ({@link withDecodeTarget}); else `decoded` as it is. For bytes that would
 * be copied anyway, out of a scratch buffer.
 */
export function intoTarget(decoded: Uint8Array, into: ArrayBuffer | undefined): Uint8Array {
  if (!into || into.byteLength !== decoded.length || decoded.buffer === into) return decoded;
  const out = new Uint8Array(into);
  out.set(decoded);
  return out;
}

/** A job of any kind. */
export type PoolJob = ZarrChunkJob | TiffBlockJob | EncodeJob;

/** A worker's job: a job with the id its answer carries. */
export type CodecJob = PoolJob & { id: number };

/**
 * A part of a chunk, decoded: its bytes `[range[0], range[1])` of the chunk are the chunk's.
 * Part 0's `bytes` are the chunk's full size, the other parts' are their range only.
 */
export interface PartReply {
  bytes: Uint8Array;
  range: [number, number];
}

/**
 * A worker's answer: the bytes, or why the main thread should do the job itself; an encode job's
 * answer also hands its input back (`input`).
 */
export type CodecReply = (
  | { id: number; bytes: Uint8Array; range?: [number, number] }
  | { id: number; fallback: string }
) & { input?: Uint8Array };

/**
 * What {@link CodecPool.encode} answers: the compressed bytes, or null (compress `input` on this
 * thread); and the input, handed back to be compressed here or filled again, or null when a
 * worker ended holding it.
 */
export interface EncodeReply {
  bytes: Uint8Array | null;
  input: Uint8Array | null;
}

/**
 * Whether `b` views the whole of a buffer of its own, which a message can transfer instead of
 * copying: not a part of a larger one (node:zlib's and Buffer's pools), nor shared memory.
 */
export const ownsBuffer = (b: Uint8Array): boolean =>
  b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && !(b.buffer instanceof SharedArrayBuffer);
