/**
 * `encodeHandedOver`: a tile or chunk compressed on a codec worker, its bytes handed over
 * (transferred, not copied) and handed back for the next one of its size to be made in
 * (`spareBuffers`). The writers make each tile's or chunk's bytes for this alone, so nothing
 * else holds them. Without workers, or when one fails, the bytes are compressed on this thread.
 *
 * Internal (used by the GeoTIFF and Zarr writers).
 */
import { SpareBuffers } from "../util/spare-buffers.js";
import { codecPool, type EncodeJob, ownsBuffer } from "./codec-pool.js";

/** Buffers handed back, a few of each size: as many as a writer has tiles or chunks in flight. */
export const spareBuffers = new SpareBuffers(16);

/**
 * `job.input` compressed on a worker, else by `here`. The input was made for this, and `remake`
 * makes it again: it is handed to the worker (the caller must not use it after) and kept for a
 * later tile or chunk of its size when it comes back. A worker that ends holding it leaves
 * `remake` to make it again for `here`.
 */
export async function encodeHandedOver(
  job: EncodeJob,
  here: (input: Uint8Array) => Promise<Uint8Array>,
  remake: () => Uint8Array,
): Promise<Uint8Array> {
  const pool = codecPool();
  let input = job.input;
  if (pool) {
    const r = await pool.encode(job);
    if (r.bytes) {
      if (r.input) spareBuffers.give(r.input.buffer);
      return r.bytes;
    }
    input = r.input ?? remake();
  }
  const out = await here(input);
  if (ownsBuffer(input)) spareBuffers.give(input.buffer);
  return out;
}
