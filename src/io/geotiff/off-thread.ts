/**
 * Which GeoTIFF blocks are decoded on worker threads ({@link DecodePool}): those of local files in
 * a codec whose decoder runs anywhere (Deflate, LZW, ZSTD, LERC) and that decode to at least
 * {@link MIN_OFF_THREAD_BLOCK} bytes. On the main thread each Deflate block cost about 0.4 ms of
 * the main thread's time besides the inflate itself (node:zlib's stream set-up, its output buffer,
 * callbacks), and the predictors ran there too; a worker does all of it, and the main thread only
 * copies the decoded samples into the window. JPEG and WebP (sharp), uncompressed blocks and
 * small blocks stay on the main thread.
 */
import { type DecodePool, decodePool } from "../decode-pool.js";
import type { BlockCodec } from "./decode.js";

/** Blocks that decode to fewer bytes than this stay on the main thread. */
export const MIN_OFF_THREAD_BLOCK = 64 * 1024;

/** TIFF compression codes a decode worker takes: LZW, Deflate (both codes), ZSTD, LERC. */
const WORKER_CODECS = new Set([5, 8, 32946, 50000, 34887]);

/** The pool that decodes this image's blocks, or null: they decode on the main thread. */
export function blockPool(codec: BlockCodec, blockBytes: number, local: boolean): DecodePool | null {
  if (!local || !WORKER_CODECS.has(codec.compression) || blockBytes < MIN_OFF_THREAD_BLOCK) return null;
  return decodePool();
}
