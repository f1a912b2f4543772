/**
 * Which GeoTIFF blocks are decoded on worker threads ({@link CodecPool}): those of local files in
 * a codec whose decoder runs anywhere (Deflate, LZW, ZSTD, LERC, LZMA) and that decode to at least
 * {@link MIN_OFF_THREAD_BLOCK} bytes. On the main thread each Deflate block cost about 0.4 ms of
 * the main thread's time besides the inflate itself (node:zlib's stream set-up, its output buffer,
 * callbacks), and the predictors ran there too; a worker does all of it, and the main thread only
 * copies the decoded samples into the window. Smaller blocks go in runs of consecutive blocks
 * (one job decoding about {@link RUN_BYTES}): GDAL writes striped files in strips of one row by
 * default, and 4096 strips of 16 KiB each cost the main thread more in messages and callbacks
 * than they take to decode. JPEG and WebP (sharp) and uncompressed blocks stay on the main thread.
 *
 * Starting the workers costs about 100 ms of CPU (two on two cores), which only a large image
 * pays back: read whole from a process of its own, float32 deflate + predictor 3 in 256 px tiles
 * took 0.33 s with workers and 0.28 s without at 2048², the same at 4096², and 1.40 s against
 * 1.69 s at 8192² (medians of 6). So an image starts them only from {@link MIN_WORKER_SAMPLES}
 * samples; a smaller one uses them when they are already running.
 */
import { type CodecPool, codecPool } from "../codec-pool.js";
import type { BlockCodec } from "./decode.js";
import type { FirstImage } from "./ifd-scan.js";

/** Blocks that decode to fewer bytes than this go to the workers in runs. */
export const MIN_OFF_THREAD_BLOCK = 64 * 1024;

/** What a run of small blocks decodes to, about. */
export const RUN_BYTES = 256 * 1024;

/** Images of this many samples (width x height x samples per pixel) and more start the workers. */
export const MIN_WORKER_SAMPLES = 1 << 24;

/** TIFF compression codes a codec worker decodes: LZW, Deflate (both codes), ZSTD, LERC, LZMA. */
const WORKER_CODECS = new Set([5, 8, 32946, 50000, 34887, 34925]);

/**
 * Start the workers as a local file whose first image will use them is opened: they take about
 * 40 ms to load, which then pass while the rest of the file is described (its GeoKeys, masks and
 * overviews) instead of before the first block comes back.
 */
export function warmFor(image: FirstImage): void {
  if (WORKER_CODECS.has(image.compression) && image.samples >= MIN_WORKER_SAMPLES) codecPool()?.warm();
}

/**
 * How an image's blocks may be decoded on workers: the pool, whether the image may start it, and
 * how many consecutive blocks (in the file's block order, within a sample plane) make one job.
 */
export interface BlockWorkers {
  pool: CodecPool;
  starts: boolean;
  run: number;
}

/** The workers this image's blocks may go to, or null: they decode on the main thread. */
export function blockWorkers(
  codec: BlockCodec,
  blockBytes: number,
  samples: number,
  local: boolean,
): BlockWorkers | null {
  if (!local || !WORKER_CODECS.has(codec.compression) || blockBytes <= 0) return null;
  const pool = codecPool();
  const run = blockBytes >= MIN_OFF_THREAD_BLOCK ? 1 : Math.min(64, Math.ceil(RUN_BYTES / blockBytes));
  return pool && { pool, starts: samples >= MIN_WORKER_SAMPLES, run };
}

/** Whether a block goes to `w`'s workers now. */
export const useWorkers = (w: BlockWorkers | null): w is BlockWorkers => w !== null && (w.starts || w.pool.started);
