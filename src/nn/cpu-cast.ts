/**
 * tfjs's cpu backend casts `bool` and `int32` up (to `int32`, `float32`) by sharing the input's
 * storage under the new dtype: the "float32" tensor's values stay a Uint8Array or Int32Array.
 * That tensor is right on cpu, but when it moves to another backend (made before
 * {@link selectBackend} chose wasm, say) the engine moves the storage under the input's dtype,
 * and the other backend then reads its bytes as floats: a 0/1 mask from `greater(0).toFloat()`
 * became 1e-41 and garbage, and a loss computed from it went negative. {@link fixCpuCast}
 * registers a cpu Cast that converts those casts into storage of their own.
 */
import { tf } from "../tfjs.js";

type Args = Parameters<tf.KernelFunc>[0];

const OWN = { float32: Float32Array, int32: Int32Array } as const;
let fixed = false;

/** Replace the cpu backend's Cast so up-casts copy into storage of the output's dtype. */
export function fixCpuCast(): void {
  const original = tf.getKernel("Cast", "cpu");
  if (fixed || !original) return;
  fixed = true;
  tf.unregisterKernel("Cast", "cpu");
  tf.registerKernel({
    kernelName: "Cast",
    backendName: "cpu",
    kernelFunc: (args: Args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const dtype = (args.attrs as { dtype: tf.DataType }).dtype;
      const Out = OWN[dtype as keyof typeof OWN];
      if (!Out || x.dtype === dtype || (x.dtype !== "bool" && x.dtype !== "int32")) return original.kernelFunc(args);
      const backend = args.backend as unknown as {
        data: { get(id: object): { values: ArrayLike<number> } };
        makeTensorInfo(shape: number[], dtype: tf.DataType, values: ArrayLike<number>): tf.TensorInfo;
      };
      return backend.makeTensorInfo(x.shape, dtype, Out.from(backend.data.get(x.dataId).values));
    },
  });
}
