/**
 * `exportSavedModel(model)`: a tilecast (tfjs) model as a TensorFlow `SavedModel`
 * (`saved_model.pb` bytes: its graph with the weights as constants, NHWC or N,T,H,W,C in and out
 * as tfjs has them), for native TensorFlow to run as one graph (`graph-model.ts`). Frame
 * sequences are unrolled over the model's fixed frame counts (`sequences.ts`); an image layer on
 * frame sequences is applied to each frame. A layer that does not convert, or one with an option
 * the graph would not reproduce (`layer-options.ts`), is an error naming it.
 *
 * @example
 * ```ts
 * import { exportSavedModel } from "tilecast/nn";
 * import { unet } from "tilecast/models";
 * const pb = exportSavedModel(unet({ inputShape: [32, 32, 3], depth: 2, filters: 4 }));
 * console.log(pb.length > 1000); // true
 * ```
 */
import type * as tf from "@tensorflow/tfjs";
import { modelOptionProblem } from "../layer-options.js";
import { attr, TfGraphBuilder } from "./graph-def.js";
import { convertLayer, graphError } from "./layers.js";
import { convertSequenceLayer, type Value } from "./sequences.js";

/** The frames of an N,T,H,W,C node: `Unpack` along axis 1, one NHWC output each. */
function frameSplit(g: TfGraphBuilder, x: string, frames: number): string[] {
  const unpacked = g.node("Unpack", [x], { T: attr.float, num: attr.i(frames), axis: attr.i(1) });
  return Array.from({ length: frames }, (_, t) => (t === 0 ? unpacked : `${unpacked}:${t}`));
}

interface NodeLike {
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

/**
 * An image layer on its inputs: images, or frame sequences of one length, the layer applied to
 * each frame (an Add of two sequences, an activation of one).
 */
function perFrame(g: TfGraphBuilder, layer: tf.layers.Layer, ins: Value[]): Value {
  if (ins.every((v) => typeof v === "string")) return convertLayer(g, layer, ins as string[]);
  const frames = ins.map((v) => (typeof v === "string" ? -1 : v.length));
  if (new Set(frames).size !== 1 || frames[0] === -1)
    throw graphError(`layer '${layer.name}' (${layer.getClassName()}) mixes images and frame sequences`);
  return Array.from({ length: frames[0] as number }, (_, t) =>
    convertLayer(
      g,
      layer,
      ins.map((v) => (v as readonly string[])[t] as string),
      5,
    ),
  );
}

/** The model's `saved_model.pb`; see the module documentation. */
export function exportSavedModel(model: tf.LayersModel): Uint8Array {
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    throw graphError("models with one input and one output only");
  const refused = modelOptionProblem(model);
  if (refused) throw graphError(refused);
  const input = model.inputs[0] as tf.SymbolicTensor;
  const output = model.outputs[0] as tf.SymbolicTensor;
  const rank = input.shape.length;
  if (rank !== 4 && rank !== 5) throw graphError(`inputs of rank ${rank} (images or frame sequences only)`);
  const g = new TfGraphBuilder();
  const dims = (s: readonly (number | null)[]) => s.map((d) => (d === null || d === undefined ? -1 : d));
  const placeholder = g.placeholder("input", dims(input.shape));
  const frameCount = input.shape[1];
  if (rank === 5 && typeof frameCount !== "number") throw graphError("frame sequences need a fixed number of frames");
  // A sequence is one node per frame: the input unstacked along its frame axis.
  const first: Value = rank === 4 ? placeholder : frameSplit(g, placeholder, frameCount as number);
  const values = new Map<number, Value>([[input.id, first]]);
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") continue;
    const nodes = (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes;
    if (nodes.length !== 1) throw graphError(`layer '${layer.name}' is shared`);
    const node = nodes[0] as NodeLike;
    const ins = node.inputTensors.map((t) => {
      const v = values.get(t.id);
      if (v === undefined) throw graphError(`'${layer.name}' takes an input not computed yet`);
      return v;
    });
    const out = convertSequenceLayer(g, layer, ins[0] as Value) ?? perFrame(g, layer, ins);
    values.set((node.outputTensors[0] as tf.SymbolicTensor).id, out);
  }
  const last = values.get(output.id);
  if (last === undefined) throw graphError("the output is not reached from the input");
  const result =
    typeof last === "string"
      ? last
      : g.node("Pack", [...last], { N: attr.i(last.length), T: attr.float, axis: attr.i(1) });
  g.node("Identity", [result], { T: attr.float }, "output");
  return g.savedModel(
    { name: "input", shape: dims(input.shape) },
    { name: "output", shape: dims(output.shape) },
    `tilecast ${model.name}`,
  );
}
