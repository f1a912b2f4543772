/**
 * TensorFlow graph nodes for each tfjs image layer: NHWC throughout, as tfjs computes it, so the
 * weights go in as they are. tfjs follows TensorFlow's own semantics (`same` padding, transposed
 * convolutions, resizing without aligned corners or half-pixel centres), so most layers are the
 * TensorFlow op of the same name; batch norm and hardSigmoid are written out as the arithmetic
 * tfjs does. TensorFlow optimizes the graph as a whole before running it. The layers of frame
 * sequences are in `sequences.ts`.
 *
 * Internal (used by `export.ts`).
 */
import type * as tf from "@tensorflow/tfjs";
import { TilecastError } from "../../errors.js";
import { batchNormWeights, pair, weightsOf } from "../onnx/layers.js";
import { attr, type TfGraphBuilder } from "./graph-def.js";

type Config = Record<string, unknown>;

const T = { T: attr.float };
const NHWC = attr.s("NHWC");

/** The error for what the graph export does not convert. */
export const graphError = (what: string) => new TilecastError("E_UNSUPPORTED", `TensorFlow graph: ${what}`);

/** The activation named in a layer config, applied to `x`. */
export function activation(g: TfGraphBuilder, name: unknown, x: string): string {
  const unary: Record<string, string> = {
    relu: "Relu",
    relu6: "Relu6",
    elu: "Elu",
    selu: "Selu",
    sigmoid: "Sigmoid",
    tanh: "Tanh",
    softplus: "Softplus",
    softmax: "Softmax",
  };
  const n = String(name ?? "linear");
  if (n === "linear") return x;
  const op = unary[n];
  if (op) return g.node(op, [x], T);
  if (n === "hardSigmoid") {
    // tfjs: clip(0.2 x + 0.5, 0, 1).
    const y = g.node("AddV2", [g.node("Mul", [x, scalar(g, 0.2)], T), scalar(g, 0.5)], T);
    return g.node("ClipByValue", [y, scalar(g, 0), scalar(g, 1)], T);
  }
  throw graphError(`activation '${n}' is not converted`);
}

const scalar = (g: TfGraphBuilder, v: number) => g.floats("c", Float32Array.of(v), []);

/** `x`'s shape at run time, an int32 vector (its dimensions known or not when the graph is made). */
const shapeOf = (g: TfGraphBuilder, x: string) => g.node("Shape", [x], { T: attr.float, out_type: attr.int32 });

/** Height and width out of an NHWC shape vector ({@link shapeOf}). */
const heightWidth = (g: TfGraphBuilder, shape: string) => stridedSlice(g, shape, [1], [3], 0, 0);

/** `x[begin:end]` per axis, `beginMask`/`endMask` marking the axes that run from the start / to the end. */
function stridedSlice(
  g: TfGraphBuilder,
  x: string,
  begin: number[],
  end: number[],
  beginMask: number,
  endMask: number,
  float = false,
): string {
  return g.node("StridedSlice", [x, g.ints(begin), g.ints(end), g.ints(begin.map(() => 1))], {
    T: float ? attr.float : attr.int32,
    Index: attr.int32,
    begin_mask: attr.i(beginMask),
    end_mask: attr.i(endMask),
  });
}

/** Conv2D with weights `w` (kernel as tfjs keeps it, then bias), bias and activation per `c`. */
export function conv2dOf(
  g: TfGraphBuilder,
  c: Config,
  w: { data: Float32Array; shape: number[] }[],
  x: string,
): string {
  const kernel = w[0] as { data: Float32Array; shape: number[] };
  const [sy, sx] = pair(c.strides, 1);
  const [dy, dx] = pair(c.dilationRate, 1);
  let y = g.node("Conv2D", [x, g.floats("kernel", kernel.data, kernel.shape)], {
    ...T,
    strides: attr.ints([1, sy, sx, 1]),
    padding: attr.s(c.padding === "same" ? "SAME" : "VALID"),
    dilations: attr.ints([1, dy, dx, 1]),
    data_format: NHWC,
  });
  if (c.useBias !== false && w[1])
    y = g.node("BiasAdd", [y, g.floats("bias", w[1].data, w[1].shape)], { ...T, data_format: NHWC });
  return activation(g, c.activation, y);
}

/** Conv2DTranspose: TensorFlow's input gradient of a convolution, sized as tfjs sizes its output. */
function conv2dTranspose(g: TfGraphBuilder, c: Config, layer: tf.layers.Layer, x: string): string {
  const [kernel, bias] = weightsOf(layer) as [
    { data: Float32Array; shape: number[] },
    ...{ data: Float32Array; shape: number[] }[],
  ];
  const [kh, kw, cout] = kernel.shape as [number, number, number, number];
  const [sy, sx] = pair(c.strides, 1);
  const same = c.padding === "same";
  // tfjs's deconvolution length: in * stride, plus max(kernel - stride, 0) when valid.
  const shape = shapeOf(g, x);
  const scaled = g.node("Mul", [heightWidth(g, shape), g.ints([sy, sx])], { T: attr.int32 });
  const hw = same
    ? scaled
    : g.node("AddV2", [scaled, g.ints([Math.max(kh - sy, 0), Math.max(kw - sx, 0)])], { T: attr.int32 });
  const n = stridedSlice(g, shape, [0], [1], 0, 0);
  const sizes = g.node("ConcatV2", [n, hw, g.ints([cout]), g.ints([0], [])], {
    N: attr.i(3),
    T: attr.int32,
    Tidx: attr.int32,
  });
  let y = g.node("Conv2DBackpropInput", [sizes, g.floats("kernel", kernel.data, kernel.shape), x], {
    ...T,
    strides: attr.ints([1, sy, sx, 1]),
    padding: attr.s(same ? "SAME" : "VALID"),
    data_format: NHWC,
  });
  if (c.useBias !== false && bias)
    y = g.node("BiasAdd", [y, g.floats("bias", bias.data, bias.shape)], { ...T, data_format: NHWC });
  return activation(g, c.activation, y);
}

/** Batch normalization at inference: x * s + (beta - mean * s), s = gamma / sqrt(var + eps). */
function batchNorm(g: TfGraphBuilder, c: Config, layer: tf.layers.Layer, x: string): string {
  const { n, gamma, beta, mean, variance } = batchNormWeights(layer);
  const eps = Number(c.epsilon ?? 1e-3);
  const s = gamma.map((gm, k) => gm / Math.sqrt((variance[k] as number) + eps));
  const shift = beta.map((b, k) => b - (mean[k] as number) * (s[k] as number));
  return g.node("AddV2", [g.node("Mul", [x, g.floats("scale", s, [n])], T), g.floats("shift", shift, [n])], T);
}

/** PeriodicPadding2D: longitude (axis 2) wrapped, then latitude padded with zeros or reflected. */
function periodicPad(g: TfGraphBuilder, layer: tf.layers.Layer, x: string): string {
  const [py, px] = (layer as unknown as { padding: [number, number] }).padding;
  const latitude = (layer as unknown as { latitude: string }).latitude;
  if (latitude !== "zero" && latitude !== "reflect")
    throw graphError(`latitude padding '${latitude}' is not converted`);
  let y = x;
  if (px > 0) {
    const west = stridedSlice(g, x, [0, 0, -px, 0], [0, 0, 0, 0], 0b1011, 0b1111, true);
    const east = stridedSlice(g, x, [0, 0, 0, 0], [0, 0, px, 0], 0b1111, 0b1011, true);
    y = g.node("ConcatV2", [west, x, east, g.ints([2], [])], { N: attr.i(3), T: attr.float, Tidx: attr.int32 });
  }
  if (py > 0) {
    const paddings = g.ints([0, 0, py, py, 0, 0, 0, 0], [4, 2]);
    y =
      latitude === "reflect"
        ? g.node("MirrorPad", [y, paddings], { ...T, Tpaddings: attr.int32, mode: attr.s("REFLECT") })
        : g.node("Pad", [y, paddings], { ...T, Tpaddings: attr.int32 });
  }
  return y;
}

/** UpSampling2D: nearest or bilinear resizing by whole factors, as tfjs resizes. */
function upSampling(g: TfGraphBuilder, c: Config, x: string): string {
  const [sy, sx] = pair(c.size, 2);
  const size = g.node("Mul", [heightWidth(g, shapeOf(g, x)), g.ints([sy, sx])], { T: attr.int32 });
  const op = c.interpolation === "bilinear" ? "ResizeBilinear" : "ResizeNearestNeighbor";
  return g.node(op, [x, size], { ...T, align_corners: attr.b(false), half_pixel_centers: attr.b(false) });
}

/**
 * Convert one image layer; `inputs` are its inputs' node names (NHWC). `rank` 5: the layer is on
 * frame sequences in tfjs, converted here for one frame (its channel axis is 4 there).
 */
export function convertLayer(g: TfGraphBuilder, layer: tf.layers.Layer, inputs: string[], rank: 4 | 5 = 4): string {
  const c = layer.getConfig() as Config;
  const x = inputs[0] as string;
  const cls = layer.getClassName();
  switch (cls) {
    case "Conv2D":
      return conv2dOf(g, c, weightsOf(layer), x);
    case "Conv2DTranspose":
      return conv2dTranspose(g, c, layer, x);
    case "BatchNormalization": {
      const axis = Number(c.axis ?? -1);
      if (axis !== -1 && axis !== rank - 1) throw graphError(`'${layer.name}' normalizes along axis ${axis}`);
      return batchNorm(g, c, layer, x);
    }
    case "Activation":
      return activation(g, c.activation, x);
    case "Dropout":
    case "SpatialDropout2D":
      return x;
    case "Add":
      return inputs.slice(1).reduce((sum, s) => g.node("AddV2", [sum, s], T), x);
    case "Concatenate": {
      const axis = Number(c.axis ?? -1);
      if (axis !== -1 && axis !== rank - 1) throw graphError(`'${layer.name}' concatenates along axis ${axis}`);
      return g.node("ConcatV2", [...inputs, g.ints([3], [])], { N: attr.i(inputs.length), ...T, Tidx: attr.int32 });
    }
    case "MaxPooling2D":
    case "AveragePooling2D": {
      const [ky, kx] = pair(c.poolSize, 2);
      const [sy, sx] = pair(c.strides ?? c.poolSize, 2);
      return g.node(cls === "MaxPooling2D" ? "MaxPool" : "AvgPool", [x], {
        ...T,
        ksize: attr.ints([1, ky, kx, 1]),
        strides: attr.ints([1, sy, sx, 1]),
        padding: attr.s(c.padding === "same" ? "SAME" : "VALID"),
        data_format: NHWC,
      });
    }
    case "UpSampling2D":
      return upSampling(g, c, x);
    case "PeriodicPadding2D":
      return periodicPad(g, layer, x);
    case "ChannelSlice": {
      const { start, size } = layer as unknown as { start: number; size: number };
      return stridedSlice(g, x, [0, 0, 0, start], [0, 0, 0, start + size], 0b0111, 0b0111, true);
    }
    default:
      throw graphError(`layer '${layer.name}' (${cls}) is not converted`);
  }
}
