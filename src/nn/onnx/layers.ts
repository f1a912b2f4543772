/**
 * ONNX for each tfjs layer the tilecast architectures use. Inside the graph, images are NCHW and
 * frame sequences N,T,C,H,W (the export transposes once at the input and once at the output);
 * each converter takes its inputs' value names and returns its output's.
 *
 * Semantics follow tfjs exactly: `same` padding is ONNX's SAME_UPPER (the extra cell after),
 * bilinear and nearest upsampling are `Resize` with `asymmetric` coordinates (tfjs resizes with
 * alignCorners and halfPixelCenters off), tfjs's `hardSigmoid` is HardSigmoid(0.2, 0.5).
 */
import type * as tf from "@tensorflow/tfjs";
import { TilecastError } from "../../errors.js";
import { samePadding, transposePadding } from "./conv-padding.js";
import type { Attr, GraphBuilder } from "./graph.js";

/** A value in the graph and its layout. */
export interface Sym {
  name: string;
  /** 4: N,C,H,W; 5: N,T,C,H,W. */
  rank: 4 | 5;
  /** Frames, for rank 5 (fixed by the model). */
  frames?: number;
}

type Config = Record<string, unknown>;

/** A layer's weights as float32 arrays with their shapes, in `getWeights()` order. */
export function weightsOf(layer: tf.layers.Layer): { data: Float32Array; shape: number[] }[] {
  return layer.getWeights().map((w) => ({ data: w.dataSync() as Float32Array, shape: [...w.shape] }));
}

/**
 * A batch-norm layer's per-channel weights, `n` channels: scale and centre as stored, or 1 and 0
 * where the layer has none.
 */
export function batchNormWeights(layer: tf.layers.Layer): {
  n: number;
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
} {
  const c = layer.getConfig() as Config;
  const w = weightsOf(layer);
  const n = (w.at(-1) as { shape: number[] }).shape[0] as number;
  let i = 0;
  const gamma = c.scale === false ? new Float32Array(n).fill(1) : (w[i++]?.data as Float32Array);
  const beta = c.center === false ? new Float32Array(n) : (w[i++]?.data as Float32Array);
  const mean = w[i++]?.data as Float32Array;
  const variance = w[i++]?.data as Float32Array;
  return { n, gamma, beta, mean, variance };
}

/** tfjs kernel [kh, kw, in, out] -> ONNX Conv weight [out, in, kh, kw]. */
export function convWeight(data: Float32Array, [kh, kw, cin, cout]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < (kh as number); y++)
    for (let x = 0; x < (kw as number); x++)
      for (let i = 0; i < (cin as number); i++)
        for (let o = 0; o < (cout as number); o++)
          out[((o * (cin as number) + i) * (kh as number) + y) * (kw as number) + x] = data[
            ((y * (kw as number) + x) * (cin as number) + i) * (cout as number) + o
          ] as number;
  return out;
}

/** A layer option given as one number or a pair (kernel size, strides), as a pair; `d` when absent. */
export const pair = (v: unknown, d: number): [number, number] =>
  Array.isArray(v) ? [v[0] as number, (v[1] ?? v[0]) as number] : typeof v === "number" ? [v, v] : [d, d];

/** The activation named in a layer config, applied to `x`. */
export function activation(g: GraphBuilder, name: unknown, x: string): string {
  switch (name ?? "linear") {
    case "linear":
      return x;
    case "relu":
      return g.node("Relu", [x]);
    case "sigmoid":
      return g.node("Sigmoid", [x]);
    case "tanh":
      return g.node("Tanh", [x]);
    case "softmax":
      return g.node("Softmax", [x], { axis: 1 });
    case "hardSigmoid":
      return g.node("HardSigmoid", [x], { alpha: { float: 0.2 }, beta: { float: 0.5 } });
    default:
      throw new TilecastError("E_UNSUPPORTED", `ONNX export: activation '${String(name)}' is not supported`);
  }
}

/** Conv2D on an NCHW value, with the layer's (or given) weights; activation included. */
export function conv2d(g: GraphBuilder, c: Config, w: { data: Float32Array; shape: number[] }[], x: string): string {
  const kernel = w[0] as { data: Float32Array; shape: number[] };
  const [kh, kw, , cout] = kernel.shape as [number, number, number, number];
  const inputs = [
    x,
    g.floats("kernel", convWeight(kernel.data, kernel.shape), [cout, kernel.shape[2] as number, kh, kw]),
  ];
  if (c.useBias !== false && w[1]) inputs.push(g.floats("bias", w[1].data, [cout]));
  const strides = pair(c.strides, 1);
  const dilations = pair(c.dilationRate, 1);
  const y = g.node("Conv", inputs, {
    kernel_shape: [kh, kw],
    strides,
    dilations,
    ...(c.padding === "same" ? samePadding([kh, kw], dilations) : { pads: [0, 0, 0, 0] }),
  });
  return activation(g, c.activation, y);
}

/** Per-frame application of an NCHW operation to an N,T,C,H,W value (T is fixed). */
export function perFrame(g: GraphBuilder, x: Sym, f: (frame: string) => string): Sym {
  const frames = x.frames as number;
  const outs: string[] = [];
  for (let t = 0; t < frames; t++) {
    const frame = g.node("Gather", [x.name, g.ints([t])], { axis: 1 }); // [N, 1, C, H, W]
    const y = f(g.node("Squeeze", [frame, g.ints([1])]));
    outs.push(g.node("Unsqueeze", [y, g.ints([1])]));
  }
  return { name: outs.length === 1 ? (outs[0] as string) : g.node("Concat", outs, { axis: 1 }), rank: 5, frames };
}

/** Convert one layer (not ConvLSTM2D; see convlstm.ts). */
export function convertLayer(g: GraphBuilder, layer: tf.layers.Layer, inputs: Sym[], o: { halo?: boolean } = {}): Sym {
  const c = layer.getConfig() as Config;
  const x = inputs[0] as Sym;
  const same4 = (name: string): Sym => ({ name, rank: 4 });
  const cls = layer.getClassName();
  const need4 = () => {
    if (x.rank !== 4)
      throw new TilecastError("E_UNSUPPORTED", `ONNX export: layer '${layer.name}' (${cls}) on frame sequences`);
  };
  switch (cls) {
    case "Conv2D":
      need4();
      return same4(conv2d(g, c, weightsOf(layer), x.name));
    case "BatchNormalization": {
      need4();
      const { n, gamma, beta, mean, variance } = batchNormWeights(layer);
      const args = [gamma, beta, mean, variance].map((d, k) =>
        g.floats(["gamma", "beta", "mean", "var"][k] as string, d, [n]),
      );
      return same4(g.node("BatchNormalization", [x.name, ...args], { epsilon: { float: Number(c.epsilon ?? 1e-3) } }));
    }
    case "Activation":
      return { ...x, name: activation(g, c.activation, x.name) };
    case "Dropout":
    case "SpatialDropout2D":
      return x;
    case "Add":
      // A chain of two-input Adds, not one Sum: every execution provider runs Add, and ONNX
      // Runtime's WebGPU provider has no Sum. It ran the global CNN's five Sums on the CPU, copying
      // each 133 MB activation out of the GPU and back: 1.1 s a step on an H200, against 0.5 s for
      // 16 CPU cores (2026-12-04, the device check in docs/benchmarks.md).
      return { ...x, name: inputs.slice(1).reduce((sum, s) => g.node("Add", [sum, s.name]), x.name) };
    case "Concatenate": {
      const axis = Number(c.axis ?? -1);
      if (axis !== -1 && axis !== x.rank - 1)
        throw new TilecastError("E_UNSUPPORTED", `ONNX export: '${layer.name}' concatenates along axis ${axis}`);
      return {
        ...x,
        name: g.node(
          "Concat",
          inputs.map((s) => s.name),
          { axis: x.rank - 3 },
        ),
      };
    }
    case "MaxPooling2D":
    case "AveragePooling2D": {
      need4();
      const k = pair(c.poolSize, 2);
      const s = pair(c.strides ?? c.poolSize, 2);
      const op = cls === "MaxPooling2D" ? "MaxPool" : "AveragePool";
      const pad: Record<string, Attr> = c.padding === "same" ? { auto_pad: "SAME_UPPER" } : { pads: [0, 0, 0, 0] };
      return same4(g.node(op, [x.name], { kernel_shape: k, strides: s, ...pad }));
    }
    case "Conv2DTranspose": {
      need4();
      const [kernel, bias] = weightsOf(layer) as [{ data: Float32Array; shape: number[] }, ...{ data: Float32Array }[]];
      const [kh, kw, cout, cin] = kernel.shape as [number, number, number, number];
      // tfjs [kh, kw, out, in] -> ONNX ConvTranspose [in, out, kh, kw].
      const wt = new Float32Array(kernel.data.length);
      for (let y = 0; y < kh; y++)
        for (let xx = 0; xx < kw; xx++)
          for (let o = 0; o < cout; o++)
            for (let i = 0; i < cin; i++)
              wt[((i * cout + o) * kh + y) * kw + xx] = kernel.data[((y * kw + xx) * cout + o) * cin + i] as number;
      const s = pair(c.strides, 1);
      const ins = [x.name, g.floats("kernel", wt, [cin, cout, kh, kw])];
      if (c.useBias !== false && bias) ins.push(g.floats("bias", bias.data, [cout]));
      const y = g.node("ConvTranspose", ins, {
        kernel_shape: [kh, kw],
        strides: s,
        ...transposePadding([kh, kw], s, c),
      });
      return same4(activation(g, c.activation, y));
    }
    case "UpSampling2D": {
      need4();
      const [sy, sx] = pair(c.size, 2);
      const scales = g.floats("scales", Float32Array.from([1, 1, sy, sx]), [4]);
      const bilinear = c.interpolation === "bilinear";
      return same4(
        g.node("Resize", [x.name, "", scales], {
          mode: bilinear ? "linear" : "nearest",
          coordinate_transformation_mode: "asymmetric",
          ...(bilinear ? {} : { nearest_mode: "floor" }),
        }),
      );
    }
    case "PeriodicPadding2D": {
      need4();
      const [py, px] = (layer as unknown as { padding: [number, number] }).padding;
      const latitude = (layer as unknown as { latitude: string }).latitude;
      const mode = latitude === "reflect" ? "reflect" : "constant";
      if (o.halo) {
        // Longitude was wrapped at the input (halo.ts): pad both ways; the columns this spoils
        // are in the halo. A zero pad folds into the convolution after it.
        const pads = g.ints([0, 0, py, px, 0, 0, py, px]);
        return same4(py > 0 || px > 0 ? g.node("Pad", [x.name, pads], { mode }) : x.name);
      }
      let y = x.name;
      if (px > 0) {
        const west = g.node("Slice", [x.name, g.ints([-px]), g.ints([2 ** 53 - 1]), g.ints([3])]);
        const east = g.node("Slice", [x.name, g.ints([0]), g.ints([px]), g.ints([3])]);
        y = g.node("Concat", [west, x.name, east], { axis: 3 });
      }
      if (py > 0) {
        const pads = g.ints([0, 0, py, 0, 0, 0, py, 0]);
        y = g.node("Pad", [y, pads], { mode });
      }
      return same4(y);
    }
    case "RepeatFrames": {
      need4();
      const frames = (layer as unknown as { frames: number }).frames;
      const one = g.node("Unsqueeze", [x.name, g.ints([1])]);
      const name = frames === 1 ? one : g.node("Concat", new Array(frames).fill(one), { axis: 1 });
      return { name, rank: 5, frames };
    }
    case "ChannelSlice": {
      need4();
      const { start, size } = layer as unknown as { start: number; size: number };
      return same4(g.node("Slice", [x.name, g.ints([start]), g.ints([start + size]), g.ints([1])]));
    }
    case "LastFrame": {
      if (x.rank !== 5 || x.frames === undefined)
        throw new TilecastError("E_UNSUPPORTED", `ONNX export: '${layer.name}' (LastFrame) needs frame sequences`);
      const last = g.node("Gather", [x.name, g.ints([x.frames - 1])], { axis: 1 });
      return same4(g.node("Squeeze", [last, g.ints([1])]));
    }
    case "TimeDistributed": {
      if (x.rank !== 5)
        throw new TilecastError(
          "E_UNSUPPORTED",
          `ONNX export: '${layer.name}' (TimeDistributed) needs frame sequences`,
        );
      const inner = (layer as unknown as { layer: tf.layers.Layer }).layer;
      if (inner.getClassName() !== "Conv2D")
        throw new TilecastError(
          "E_UNSUPPORTED",
          `ONNX export: TimeDistributed(${inner.getClassName()}) is not supported`,
        );
      const w = weightsOf(inner);
      const ic = inner.getConfig() as Config;
      return perFrame(g, x, (frame) => conv2d(g, ic, w, frame));
    }
    default:
      throw new TilecastError(
        "E_UNSUPPORTED",
        `ONNX export: layer '${layer.name}' (${cls}) has no ONNX equivalent in tilecast; run this model with runtime: tfjs`,
      );
  }
}
