/**
 * The wasm backend's convolutions with `same` padding, given their padding written out. Its
 * kernels (Conv2D, FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2D) hand XNNPACK a
 * "TensorFlow SAME" flag, and where a kernel is shorter than its stride along an axis that
 * padding is not TensorFlow's: `conv2d` of a 3x1 kernel at stride 2, or 2x2 at stride 3, gave
 * values off by up to 9 against the cpu backend (82 of 420 `same` cases of stride 1-4, kernels
 * up to 4x4, here; the tfjs issues #5907 and #6629 report the same family). tfjs's own
 * `computeConv2DInfo` pads as TensorFlow does (`out = ceil(in / stride)`, the extra row or
 * column at the end); given those pads as explicit padding, the kernels compute TensorFlow's
 * values, with the same output shape. Only convolutions with a kernel shorter than its stride
 * are given them: every other `same` case of the sweep above was right, and its own `same` ran
 * the benchmark U-Net 2-4 % faster than explicit pads did. Gradients are unchanged: the tape
 * keeps the op's own attributes, and the gradient kernels call these.
 *
 * Internal (installed by `registerWasmTrainingKernels`).
 */
import { tf } from "../../tfjs.js";
import { pair } from "../onnx/layers.js";

/** The kernels given explicit pads, and whether each is depthwise. */
export const SAME_PADDED_KERNELS: readonly [string, boolean][] = [
  ["Conv2D", false],
  ["FusedConv2D", false],
  ["DepthwiseConv2dNative", true],
  ["FusedDepthwiseConv2D", true],
];

interface ConvAttrs {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: unknown;
  dimRoundingMode?: "floor" | "round" | "ceil";
  dataFormat?: "NHWC" | "NCHW";
}

/** `fallback` (the stock kernel) called with `same` padding replaced by the pads it stands for. */
export function explicitSamePadding(depthwise: boolean): (fallback: tf.KernelFunc) => tf.KernelFunc {
  return (fallback) => (args) => {
    const a = args.attrs as unknown as ConvAttrs;
    if (a.pad !== "same" || a.dataFormat === "NCHW") return fallback(args);
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    // Most convolutions reach at least their stride (a dilated one has stride 1): checked from
    // the shapes, before any padding is worked out, so they go straight to the stock kernel.
    const [kh, kw] = filter.shape as [number, number];
    const [sh, sw] = pair(a.strides, 1);
    const [dh, dw] = pair(a.dilations, 1);
    if ((kh - 1) * dh + 1 >= sh && (kw - 1) * dw + 1 >= sw) return fallback(args);
    const shape4 = (s: number[]) => s as [number, number, number, number];
    const { padInfo: p } = tf.backend_util.computeConv2DInfo(
      shape4(x.shape),
      shape4(filter.shape),
      a.strides,
      a.dilations ?? 1,
      "same",
      a.dimRoundingMode,
      depthwise,
    );
    const pad = [
      [0, 0],
      [p.top, p.bottom],
      [p.left, p.right],
      [0, 0],
    ];
    return fallback({ ...args, attrs: { ...args.attrs, pad } as unknown as tf.NamedAttrMap });
  };
}
