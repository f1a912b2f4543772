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
 * @example
 * ```ts
 * import { tensorFromArray, tensorValues } from "tilecast/nn";
 * const data = new Float32Array([1, 2, 3, 4]);
 * const t = tensorFromArray(data, [1, 2, 2, 1]);
 * console.log((await tensorValues(t)) === data); // true: no copy
 * t.dispose();
 * ```
 */
import * as tf from "@tensorflow/tfjs";

/** A tensor's source array, and whether the backend keeps that very array as its storage. */
const sources = new WeakMap<tf.Tensor, { data: Float32Array; shared: boolean }>();

/** A float32 tensor of `shape` holding `data`, which it remembers (see the module documentation). */
export function tensorFromArray<R extends tf.Rank>(data: Float32Array, shape: number[]): tf.Tensor<R> {
  const t = tf.tensor(data, shape, "float32") as unknown as tf.Tensor<R>;
  // The cpu backend stores the array itself; wasm, native TensorFlow and WebGL copy it.
  sources.set(t, { data, shared: tf.getBackend() === "cpu" });
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

/** The tensor's float32 values: its source array when it has one, else a copy from the backend. */
export async function tensorValues(t: tf.Tensor): Promise<Float32Array> {
  return tensorSource(t) ?? ((await t.data()) as Float32Array);
}
