/**
 * A faster `Conv2DBackpropInput` (the input gradient of a convolution, and the forward pass of
 * a transposed convolution) for the wasm backend, whose own kernel is a plain loop. Two cases
 * become XNNPACK work; every other case goes to the original kernel.
 *
 * - Stride 1: `dx = conv(dy, W')` with `W'[a, b, co, ci] = W[kh−1−a, kw−1−b, ci, co]` (the
 *   kernel turned 180° with its channel axes swapped), padded `kh−1−pt` before and
 *   `H − OH + pt` after.
 * - Stride equal to the kernel, no padding (the 2×2, stride-2 upsampling of a U-Net): the
 *   output blocks do not overlap, so `dx[n, i·kh + a, j·kw + b, ci] = Σ_co dy[n, i, j, co] ·
 *   W[a, b, ci, co]`: one matrix product `[N·OH·OW, co] × [co, kh·kw·ci]`, then the
 *   `(OW, kh)` axes swapped.
 *
 * @example
 * ```ts
 * import "@tensorflow/tfjs-backend-wasm";
 * import { registerWasmTrainingKernels } from "tilecast";
 * registerWasmTrainingKernels(); // also installs this kernel
 * ```
 */
import { tf } from "../../tfjs.js";
import { type ConvBackpropAttrs, type KernelCalls, kernels } from "./kernel-call.js";

interface InputAttrs extends ConvBackpropAttrs {
  inputShape: [number, number, number, number];
}

/** Build the kernel function; `fallback` handles the cases not listed above. */
export function conv2dBackpropInputWith(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as InputAttrs;
    if (a.dataFormat === "NCHW") return fallback(args);
    const [kh, kw] = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape,
      filter.shape as [number, number, number, number],
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    const p = info.padInfo;
    const k = kernels(backend as tf.KernelBackend);
    if (info.strideHeight === 1 && info.strideWidth === 1) return stride1(k, dy, filter, a.inputShape, p);
    const noPad = p.top === 0 && p.bottom === 0 && p.left === 0 && p.right === 0;
    if (
      noPad &&
      info.strideHeight === kh &&
      info.strideWidth === kw &&
      info.outHeight * kh === a.inputShape[1] &&
      info.outWidth * kw === a.inputShape[2]
    )
      return blocks(k, dy, filter, a.inputShape);
    return fallback(args) as tf.TensorInfo;
  };
}

function stride1(
  k: KernelCalls,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  inputShape: number[],
  p: { top: number; bottom: number; left: number; right: number },
): tf.TensorInfo {
  const [kh, kw] = filter.shape;
  const [, oh, ow] = dy.shape;
  const [, h, w] = inputShape as [number, number, number];
  const flipped = k.call("Reverse", { x: filter }, { dims: [0, 1] });
  const f = k.call("Transpose", { x: flipped }, { perm: [0, 1, 3, 2] });
  const pad = [
    [0, 0],
    [(kh as number) - 1 - p.top, h - (oh as number) + p.top],
    [(kw as number) - 1 - p.left, w - (ow as number) + p.left],
    [0, 0],
  ];
  const dx = k.call("Conv2D", { x: dy, filter: f }, { strides: 1, pad, dataFormat: "NHWC", dilations: 1 });
  k.free(flipped, f);
  return dx;
}

function blocks(k: KernelCalls, dy: tf.TensorInfo, filter: tf.TensorInfo, inputShape: number[]): tf.TensorInfo {
  const [kh, kw, ci, co] = filter.shape as [number, number, number, number];
  const [n, oh, ow] = dy.shape as [number, number, number, number];
  const a = k.call("Reshape", { x: dy }, { shape: [1, n * oh * ow, co] });
  const wt = k.call("Transpose", { x: filter }, { perm: [3, 0, 1, 2] });
  const b = k.call("Reshape", { x: wt }, { shape: [1, co, kh * kw * ci] });
  const prod = k.call("BatchMatMul", { a, b }, { transposeA: false, transposeB: false });
  const four = k.call("Reshape", { x: prod }, { shape: [n * oh, ow, kh, kw * ci] });
  const swapped = k.call("Transpose", { x: four }, { perm: [0, 2, 1, 3] });
  const dx = k.call("Reshape", { x: swapped }, { shape: inputShape });
  k.free(a, wt, b, prod, four, swapped);
  return dx;
}
