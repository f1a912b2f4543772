/**
 * The buffers that go round a pipeline on ONNX Runtime: a batch is stacked into one, handed to the
 * model's worker, which writes the output into it where the sizes match (a segmentation model's
 * 4-band batch and its 4 class probabilities), and the output comes back to be stitched and is
 * then kept here for the next batch. On the 8192² segmentation job the batches alone were
 * 1.8 GB of fresh memory a run; every fresh buffer is pages to fault in and, dropped, pressure on
 * the garbage collector. At most 4 of a size are kept.
 *
 * Internal (used by `batch` and the ONNX predictor).
 */
import { SpareBuffers } from "./spare-buffers.js";

/** Kept batch and output buffers, by size. */
export const batchBuffers = new SpareBuffers(4);

/** A float32 array of `n` values in a kept buffer of that size, or fresh; its contents are stale. */
export function batchArray(n: number): Float32Array {
  const kept = batchBuffers.take(n * 4);
  return kept ? new Float32Array(kept) : new Float32Array(n);
}
