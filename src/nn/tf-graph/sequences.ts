/**
 * TensorFlow graph nodes for the layers of frame sequences, with a sequence held as one NHWC node
 * per frame (the model's frame counts are fixed, so the graph is unrolled exactly, as the ONNX
 * export unrolls it): ConvLSTM2D, RepeatFrames, LastFrame and TimeDistributed(Conv2D). A
 * ConvLSTM2D step is tfjs's ConvLSTM2DCell: `z = conv(x_t, W) + b + conv(h, U)` split into the
 * gates i, f, c, o (Keras order), `c = σ(f)·c + σ(i)·tanh(c̃)`, `h = σ(o)·tanh(c)`, with σ the
 * layer's recurrent activation (tfjs's default hardSigmoid); the first step starts from zero
 * state, so its recurrent terms are left out.
 *
 * Internal (used by `export.ts`).
 */
import type * as tf from "@tensorflow/tfjs";
import { weightsOf } from "../onnx/layers.js";
import { attr, type TfGraphBuilder } from "./graph-def.js";
import { activation, conv2dOf, graphError } from "./layers.js";

/** A value in the graph: an image (one node) or a frame sequence (one node per frame). */
export type Value = string | readonly string[];

const T = { T: attr.float };

/** One ConvLSTM2D layer over `frames`: the sequence of its outputs, or its last one. */
function convLstm(g: TfGraphBuilder, layer: tf.layers.Layer, frames: readonly string[]): Value {
  const c = layer.getConfig() as Record<string, unknown>;
  const [kernel, recurrent, bias] = weightsOf(layer);
  if (!kernel || !recurrent) throw graphError(`'${layer.name}' has no weights`);
  const inputWeights = bias && c.useBias !== false ? [kernel, bias] : [kernel];
  const inputConv = { ...c, activation: "linear" };
  const recurrentConv = { padding: "same", useBias: false, activation: "linear" };
  const axis = g.ints([3], []);
  const sigma = (x: string) => activation(g, c.recurrentActivation, x);
  const tanh = (x: string) => activation(g, c.activation, x);
  let h = "";
  let state = "";
  const outs: string[] = [];
  frames.forEach((frame, t) => {
    let z = conv2dOf(g, { ...inputConv, useBias: inputWeights.length === 2 }, inputWeights, frame);
    if (t > 0) z = g.node("AddV2", [z, conv2dOf(g, recurrentConv, [recurrent], h)], T);
    const split = g.node("Split", [axis, z], { ...T, num_split: attr.i(4) });
    const [zi, zf, zc, zo] = [split, `${split}:1`, `${split}:2`, `${split}:3`];
    const candidate = g.node("Mul", [sigma(zi), tanh(zc)], T);
    state = t === 0 ? candidate : g.node("AddV2", [g.node("Mul", [sigma(zf), state], T), candidate], T);
    h = g.node("Mul", [sigma(zo), tanh(state)], T);
    outs.push(h);
  });
  return c.returnSequences ? outs : h;
}

/** Convert a layer that takes or makes frame sequences; null for any other layer. */
export function convertSequenceLayer(g: TfGraphBuilder, layer: tf.layers.Layer, x: Value): Value | null {
  const cls = layer.getClassName();
  const frames = (): readonly string[] => {
    if (typeof x === "string") throw graphError(`'${layer.name}' (${cls}) needs frame sequences`);
    return x;
  };
  switch (cls) {
    case "ConvLSTM2D":
      return convLstm(g, layer, frames());
    case "RepeatFrames":
      if (typeof x !== "string") throw graphError(`'${layer.name}' (RepeatFrames) on frame sequences`);
      return new Array((layer as unknown as { frames: number }).frames).fill(x);
    case "LastFrame":
      return frames().at(-1) as string;
    case "TimeDistributed": {
      const inner = (layer as unknown as { layer: tf.layers.Layer }).layer;
      if (inner.getClassName() !== "Conv2D")
        throw graphError(`TimeDistributed(${inner.getClassName()}) is not converted`);
      const w = weightsOf(inner);
      return frames().map((f) => conv2dOf(g, inner.getConfig() as Record<string, unknown>, w, f));
    }
    default:
      return null; // an image layer, applied to each frame of a sequence (export.ts)
  }
}
