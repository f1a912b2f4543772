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
