/**
 * `Identity` on the wasm backend without a copy: the output shares its input's memory, counted
 * by reference, as on tfjs's cpu backend (and as wasm's own `Reshape` already does). Training
 * clones every tensor a gradient will need with `Identity`; wasm's stock kernel copied each one,
 * so a training step wrote every saved activation twice and held both copies until the forward
 * pass ended. No wasm kernel writes into its inputs, so sharing is safe; strings keep the stock
 * kernel.
 *
 * Internal (installed by `registerWasmTrainingKernels`).
 */
import type { tf } from "../../tfjs.js";
import { replaceKernel } from "./kernel-call.js";

/** Install the kernel (replacing wasm's). */
export function shareIdentity(): void {
  replaceKernel("Identity", "wasm", (stock) => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === "string") return stock(args);
    (args.backend as { incRef(dataId: unknown): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  });
}
