/**
 * Where the wasm and cpu backends keep a tensor's values, as one interface for tilecast's
 * copying kernels (`rearrange.ts`, `concat.ts`): a view of a tensor's values and a new output.
 */
import type * as tf from "@tensorflow/tfjs";

/** A tensor's values in a store. */
export type Values = Float32Array | Int32Array | Uint8Array;

/**
 * Where a backend keeps values: `view` of a tensor's values (for wasm, valid until the next
 * allocation: take it after `make`), `make` a new output. `stockTranspose`: the backend's own
 * transpose is fast up to rank 4 (wasm's C++), so merged transposes go there.
 */
export interface Store {
  view(t: tf.TensorInfo): Values;
  make(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  stockTranspose: boolean;
}

/** Runs from this long are copied by `set` (a view per run); shorter ones without a view. */
export const SET_RUN = 256;

const ARRAYS = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;

/** The store of a wasm or cpu backend, or null for any other (its kernels are left alone). */
export function storeOf(backend: unknown, dtype: tf.DataType): Store | null {
  if (!(dtype in ARRAYS)) return null;
  const b = backend as {
    makeOutput?(shape: number[], dtype: tf.DataType): tf.TensorInfo;
    typedArrayFromHeap?(t: tf.TensorInfo): Values;
    data?: { get(id: object): { values: Values } };
    makeTensorInfo?(shape: number[], dtype: tf.DataType, values: Values): tf.TensorInfo;
  };
  const { makeOutput, typedArrayFromHeap, data, makeTensorInfo } = b;
  if (makeOutput && typedArrayFromHeap)
    return {
      view: (t) => typedArrayFromHeap.call(b, t),
      make: (s, d) => makeOutput.call(b, s, d),
      stockTranspose: true,
    };
  if (data && makeTensorInfo)
    return {
      view: (t) => data.get(t.dataId).values,
      make: (s, d) => makeTensorInfo.call(b, s, d, new ARRAYS[d as keyof typeof ARRAYS](s.reduce((n, v) => n * v, 1))),
      stockTranspose: false,
    };
  return null;
}
