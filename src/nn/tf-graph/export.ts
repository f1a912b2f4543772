/**
 * `exportSavedModel(model)`: a tilecast (tfjs) image model as a TensorFlow `SavedModel`
 * (`saved_model.pb` bytes: its graph with the weights as constants, NHWC in and out), for native
 * TensorFlow to run as one graph (`graph-model.ts`). Images only: a model taking frame sequences,
 * or with a layer `layers.ts` does not convert, is an error naming what stopped it.
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
import { TilecastError } from "../../errors.js";
import { attr, TfGraphBuilder } from "./graph-def.js";
import { convertLayer } from "./layers.js";

interface NodeLike {
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

const fail = (what: string) => new TilecastError("E_UNSUPPORTED", `TensorFlow graph: ${what}`);

/** The model's `saved_model.pb`; see the module documentation. */
export function exportSavedModel(model: tf.LayersModel): Uint8Array {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw fail("models with one input and one output only");
  const input = model.inputs[0] as tf.SymbolicTensor;
  const output = model.outputs[0] as tf.SymbolicTensor;
  if (input.shape.length !== 4) throw fail(`inputs of rank ${input.shape.length} (images only)`);
  const g = new TfGraphBuilder();
  const dims = (s: readonly (number | null)[]) => s.map((d) => (d === null || d === undefined ? -1 : d));
  const values = new Map<number, string>([[input.id, g.placeholder("input", dims(input.shape))]]);
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") continue;
    const nodes = (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes;
    if (nodes.length !== 1) throw fail(`layer '${layer.name}' is shared`);
    const node = nodes[0] as NodeLike;
    const ins = node.inputTensors.map((t) => {
      const v = values.get(t.id);
      if (v === undefined) throw fail(`'${layer.name}' takes an input not computed yet`);
      return v;
    });
    values.set((node.outputTensors[0] as tf.SymbolicTensor).id, convertLayer(g, layer, ins));
  }
  const last = values.get(output.id);
  if (last === undefined) throw fail("the output is not reached from the input");
  g.node("Identity", [last], { T: attr.float }, "output");
  return g.savedModel(
    { name: "input", shape: dims(input.shape) },
    { name: "output", shape: dims(output.shape) },
    `tilecast ${model.name}`,
  );
}
