/**
 * ConvLSTM2D in ONNX, unrolled over the model's fixed frame count (tilecast's nowcasters have
 * fixed input and output frames, so the unrolled graph is exact and ONNX Runtime optimises it as
 * one). Each step is tfjs's ConvLSTM2DCell: `z = conv(x_t, W) + b + conv(h, U)` split into the
 * gates i, f, c, o (Keras order), `c = σ(f)·c + σ(i)·tanh(c̃)`, `h = σ(o)·tanh(c)`, with σ the
 * layer's recurrent activation (tfjs's default hardSigmoid) and tanh its activation. The first
 * step starts from zero state, so its recurrent terms are left out.
 */
import type * as tf from "@tensorflow/tfjs";
import { TilecastError } from "../../errors.js";
import type { GraphBuilder } from "./graph.js";
import { activation, conv2d, type Sym, weightsOf } from "./layers.js";

/** Convert one ConvLSTM2D layer applied to an N,T,C,H,W value. */
export function convertConvLstm(g: GraphBuilder, layer: tf.layers.Layer, x: Sym): Sym {
  const c = layer.getConfig() as Record<string, unknown>;
  if (x.rank !== 5) throw new TilecastError("E_UNSUPPORTED", `ONNX export: '${layer.name}' needs frame sequences`);
  const f = Number(c.filters);
  const [kernel, recurrent, bias] = weightsOf(layer);
  if (!kernel || !recurrent) throw new TilecastError("E_UNSUPPORTED", `ONNX export: '${layer.name}' has no weights`);
  const inputConv = { ...c, activation: "linear" };
  const recurrentConv = { padding: "same", useBias: false, activation: "linear" };
  const inputWeights = bias && c.useBias !== false ? [kernel, bias] : [kernel];
  const split = g.ints([f, f, f, f]);
  let h = "";
  let state = "";
  const outs: string[] = [];
  for (let t = 0; t < (x.frames as number); t++) {
    const frame = g.node("Squeeze", [g.node("Gather", [x.name, g.ints([t])], { axis: 1 }), g.ints([1])]);
    let z = conv2d(g, { ...inputConv, useBias: inputWeights.length === 2 }, inputWeights, frame);
    if (t > 0) z = g.node("Add", [z, conv2d(g, recurrentConv, [recurrent], h)]);
    const [zi, zf, zc, zo] = g.nodeN("Split", [z, split], 4, { axis: 1 }) as [string, string, string, string];
    const i = activation(g, c.recurrentActivation, zi);
    const candidate = g.node("Mul", [i, activation(g, c.activation, zc)]);
    state =
      t === 0
        ? candidate
        : g.node("Add", [g.node("Mul", [activation(g, c.recurrentActivation, zf), state]), candidate]);
    h = g.node("Mul", [activation(g, c.recurrentActivation, zo), activation(g, c.activation, state)]);
    if (c.returnSequences) outs.push(g.node("Unsqueeze", [h, g.ints([1])]));
  }
  if (!c.returnSequences) return { name: h, rank: 4 };
  return {
    name: outs.length === 1 ? (outs[0] as string) : g.node("Concat", outs, { axis: 1 }),
    rank: 5,
    frames: x.frames as number,
  };
}
