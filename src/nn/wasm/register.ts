/**
 * Install tilecast's wasm kernels: `Conv2DBackpropFilter` (missing from the wasm backend, so
 * convolutional models can train there), and faster `Conv2DBackpropInput`, `Tile`, `Transpose`,
 * `Slice`, `SplitV`, `Unpack` and `Concat`, and an `Identity` that shares its input's memory;
 * and the stock convolutions given `same` padding as explicit pads, which they compute as
 * TensorFlow does where their own `same` does not (`same-padding.ts`). Call it after importing `@tensorflow/tfjs-backend-wasm` (which
 * registers the stock kernels), before or after
 * `tf.setBackend("wasm")`; calling it again does nothing. {@link selectBackend} calls it for you.
 *
 * @example
 * ```ts
 * import "@tensorflow/tfjs-backend-wasm";
 * import { registerWasmTrainingKernels } from "tilecast";
 * registerWasmTrainingKernels();
 * ```
 */

import { TilecastError } from "../../errors.js";
import { tf } from "../../tfjs.js";
import { registerConcatKernel } from "./concat.js";
import { conv2dBackpropFilter } from "./conv-backprop-filter.js";
import { conv2dBackpropInputWith } from "./conv-backprop-input.js";
import { shareIdentity } from "./identity.js";
import { replaceKernel } from "./kernel-call.js";
import { registerRearrangeKernels } from "./rearrange.js";
import { explicitSamePadding, SAME_PADDED_KERNELS } from "./same-padding.js";
import { tileWith } from "./tile.js";

let installed = false;

/**
 * Install tilecast's wasm kernels: `Conv2DBackpropFilter` (missing from the wasm backend, so convolutional models can train there), and faster `Conv2DBackpropInput`, `Tile`, `Transpose`, `Slice`, `SplitV`, `Unpack` and `Concat`.
 * Details and a complete example: the module documentation above.
 */
export function registerWasmTrainingKernels(): void {
  if (installed) return;
  if (!tf.getKernel("Conv2D", "wasm"))
    throw new TilecastError("E_ARGUMENT", "registerWasmTrainingKernels: import @tensorflow/tfjs-backend-wasm first");
  installed = true;
  if (!tf.getKernel("Conv2DBackpropFilter", "wasm"))
    tf.registerKernel({ kernelName: "Conv2DBackpropFilter", backendName: "wasm", kernelFunc: conv2dBackpropFilter });
  replaceKernel("Conv2DBackpropInput", "wasm", conv2dBackpropInputWith);
  replaceKernel("Tile", "wasm", tileWith);
  for (const [name, depthwise] of SAME_PADDED_KERNELS) replaceKernel(name, "wasm", explicitSamePadding(depthwise));
  registerRearrangeKernels("wasm");
  registerConcatKernel();
  shareIdentity();
}
