/**
 * Tensors that remember the float32 array they were made from, so code that needs the values on
 * the JavaScript side again (an ONNX Runtime session, the stitcher) takes that array instead of
 * copying them back out of the backend. On the wasm backend each copy out is a fresh array of
 * the batch's size; a pipeline makes hundreds of batches a second, and the garbage collector
 * pays for every one.
 *
 * The array belongs to the tensor once made: never write to it. On the cpu backend it is the
 * tensor's storage; on the others the backend holds a copy, and {@link transferableSource} lets a
 * consumer hand the array to another thread (emptying it here), after which {@link tensorValues}
 * copies from the backend as usual.
 *
 * A tensor made with `host` stays on the cpu backend (the array is its storage) whatever the
 * active backend is: a batch that only ONNX Runtime reads, a model output that only the stitcher
 * reads, need no copy in wasm's or TensorFlow's memory. One made `consumable` may be taken whole
 * by its consumer ({@link takeSource}), which disposes it: a pipeline's batches, which nothing
 * reads after the model.
 *
 * @example
 * ```ts
 * import { tensorFromArray, tensorValues } from "tilecast/nn";
 * const data = new Float32Array([1, 2, 3, 4]);
 * const t = tensorFromArray(data, [1, 2, 2, 1]);
 * console.log((await tensorValues(t)) === data); // true: no copy
 * t.dispose();
 * ```
 */
import { tf } from "../tfjs.js";
import type { SpareBuffers } from "../util/spare-buffers.js";

/**
 * A tensor's source array; whether the backend keeps that very array as its storage; whether its
 * consumer may take it (see {@link takeSource}).
 */
const sources = new WeakMap<
  tf.Tensor,
  { data: Float32Array; shared: boolean; consumable: boolean; spares?: SpareBuffers | undefined }
>();

/** Options for {@link tensorFromArray}. */
export interface FromArrayOptions {
  /**
   * Keep the tensor on the host (the cpu backend, which stores the array itself) whatever the
   * active backend: for values that only the JavaScript side or another runtime (ONNX Runtime)
   * reads, which wasm or native TensorFlow would copy in for nothing. An op of the active backend
   * that takes the tensor moves its values there first (TF.js does this on its own).
   */
  host?: boolean;
  /** Its consumer may take the array with {@link takeSource}, which disposes the tensor. */
  consumable?: boolean;
  /**
   * Where {@link recycleTensor} gives the array's buffer when the tensor is done with: for values
   * nothing reads afterwards (a model's output once stitched), so the next batch fills that
   * memory instead of fresh memory (each fresh buffer is pages to fault in and, once dropped,
   * garbage the collector is pressed to find).
   */
  spares?: SpareBuffers;
}

/** A float32 tensor of `shape` holding `data`, which it remembers (see the module documentation). */
export function tensorFromArray<R extends tf.Rank>(
  data: Float32Array,
  shape: number[],
  options: FromArrayOptions = {},
): tf.Tensor<R> {
  const cpu = options.host ? tf.findBackend("cpu") : null;
  // Its first write would advise installing tfjs-node, which is not what is going on here.
  if (cpu) (cpu as unknown as { firstUse: boolean }).firstUse = false;
  const t = (cpu
    ? tf.engine().makeTensor(data, shape, "float32", cpu)
    : tf.tensor(data, shape, "float32")) as unknown as tf.Tensor<R>;
  // The cpu backend stores the array itself; wasm, native TensorFlow and WebGL copy it.
  const shared = cpu !== null || tf.getBackend() === "cpu";
  sources.set(t, { data, shared, consumable: options.consumable ?? false, spares: options.spares });
  return t;
}

/** The array `t` was made from, when it still holds the tensor's values; else null. */
export function tensorSource(t: tf.Tensor): Float32Array | null {
  const s = sources.get(t);
  return s !== undefined && s.data.length === t.size && !t.isDisposed ? s.data : null;
}

/**
 * The array `t` was made from, when it may be handed to another thread (transferred, which
 * empties it here): only when the backend holds its own copy, so the tensor stays whole. Else null.
 */
export function transferableSource(t: tf.Tensor): Float32Array | null {
  return sources.get(t)?.shared === false ? tensorSource(t) : null;
}

/**
 * The array of a tensor made `consumable`, for its consumer to keep or hand to another thread; the
 * tensor is disposed, so nothing reads it after. Null for any other tensor, and one whose array
 * no longer holds its values.
 */
export function takeSource(t: tf.Tensor): Float32Array | null {
  const data = sources.get(t)?.consumable ? tensorSource(t) : null;
  if (data) {
    sources.delete(t);
    t.dispose();
  }
  return data;
}

/**
 * Dispose `t`; a tensor made with `spares` gives its array's buffer to them, when the array is
 * its whole buffer and still holds the tensor's values. Its caller must hold no view of the array.
 */
export function recycleTensor(t: tf.Tensor | null | undefined): void {
  if (!t) return;
  const s = sources.get(t);
  const data = s?.spares ? tensorSource(t) : null;
  sources.delete(t);
  t.dispose();
  if (s?.spares && data && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength)
    s.spares.give(data.buffer);
}

/** The tensor's float32 values: its source array when it has one, else a copy from the backend. */
export async function tensorValues(t: tf.Tensor): Promise<Float32Array> {
  return tensorSource(t) ?? ((await t.data()) as Float32Array);
}
