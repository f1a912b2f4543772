/**
 * `Conv2DBackpropFilter` for the wasm backend, which ships without it (so convolutional models
 * cannot train there out of the box). The filter gradient is itself a convolution:
 *
 *   dW[a, b, ci, co] = Σ_{n,i,j} x[n, i·s + a − pt, j·s + b − pl, ci] · dy[n, i, j, co]
 *
 * Read `x` as a batch of `ci` images with `n` channels (`[ci, H, W, n]`) and `dy` as a filter
 * `[OH, OW, n, co]`: a stride-1 convolution with dilation `s` (the forward stride) and the
 * forward padding gives `[ci, kh, kw, co]`, transposed to `[kh, kw, ci, co]`. It runs on the
 * backend's XNNPACK convolution. Rows and columns of `x` that the forward pass never read
 * (floor division with "valid" padding) are cropped first.
 *
 * @example
 * ```ts
 * import "@tensorflow/tfjs-backend-wasm";
 * import { registerWasmTrainingKernels } from "tilecast";
 * registerWasmTrainingKernels(); // then on wasm: tf.grad, model.fit work for conv models
 * ```
 */
import { tf } from "../../tfjs.js";
import { type ConvBackpropAttrs, kernels } from "./kernel-call.js";

interface FilterAttrs extends ConvBackpropAttrs {
  filterShape: [number, number, number, number];
}

/** The kernel function; see the module documentation. */
export function conv2dBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as FilterAttrs;
  if (a.dataFormat === "NCHW") throw new Error("wasm Conv2DBackpropFilter supports NHWC only");
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    a.filterShape,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const k = kernels(backend as tf.KernelBackend);
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const { top, left } = info.padInfo;
  const bottom = info.filterHeight + (info.outHeight - 1) * info.strideHeight - h - top;
  const right = info.filterWidth + (info.outWidth - 1) * info.strideWidth - w - left;
  let xs = x;
  if (bottom < 0 || right < 0) {
    const size = [n, h + Math.min(bottom, 0), w + Math.min(right, 0), ci];
    xs = k.call("Slice", { x }, { begin: [0, 0, 0, 0], size });
  }
  const xt = k.call("Transpose", { x: xs }, { perm: [3, 1, 2, 0] });
  const f = k.call("Transpose", { x: dy }, { perm: [1, 2, 0, 3] });
  const pad = [
    [0, 0],
    [top, Math.max(bottom, 0)],
    [left, Math.max(right, 0)],
    [0, 0],
  ];
  const g = k.call(
    "Conv2D",
    { x: xt, filter: f },
    { strides: 1, pad, dataFormat: "NHWC", dilations: [info.strideHeight, info.strideWidth] },
  );
  const out = k.call("Transpose", { x: g }, { perm: [1, 2, 0, 3] });
  k.free(xt, f, g);
  if (xs !== x) k.free(xs);
  return out;
}
