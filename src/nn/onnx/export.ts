/**
 * `exportOnnx(model)`: a tilecast (tfjs) model as an ONNX model, for ONNX Runtime. NHWC stays the
 * layout at the boundary (the model's input and output are the same tensors tfjs takes and
 * gives); inside, the graph transposes once to NCHW and once back. Every layer of the three
 * architectures converts (Conv2D, BatchNormalization, activations, pooling, Conv2DTranspose,
 * UpSampling2D, Concatenate, Add, Dropout, PeriodicPadding2D, RepeatFrames, ConvLSTM2D,
 * TimeDistributed(Conv2D)); any other layer, or a layer option the graph would not reproduce
 * (`layer-options.ts`: channels-first data, a ConvLSTM run backwards), is an error naming it,
 * never a different graph. A periodic model whose layers allow it wraps longitude once at its
 * input (see `halo.ts`).
 *
 * With `{ scaling }` (images only) the graph takes its input as a pipeline reads it instead:
 * raw values, bands first (`[n, bands, h, w]`, no transpose in), and normalizes them itself,
 * `(x - shift) * scale` per band, before the first layer. The output stays NHWC.
 *
 * @example
 * ```ts
 * import { exportOnnx } from "tilecast/nn";
 * import { unet } from "tilecast/models";
 * const bytes = exportOnnx(unet({ inputShape: [32, 32, 3], depth: 2, filters: 4 }));
 * console.log(bytes.length > 1000); // true
 * ```
 */
import type * as tf from "@tensorflow/tfjs";
import { TilecastError } from "../../errors.js";
import { modelOptionProblem } from "../layer-options.js";
import { convertConvLstm } from "./convlstm.js";
import { EXPORTER, GraphBuilder, OPSET } from "./graph.js";
import { dropHalo, longitudeHalo, wrapLongitude } from "./halo.js";
import { convertLayer, type Sym } from "./layers.js";

export { EXPORTER, OPSET };

interface NodeLike {
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

/** Per-band normalization the graph applies to raw input: `(x - shift[b]) * scale[b]`. */
export interface InputScaling {
  readonly shift: readonly number[];
  readonly scale: readonly number[];
}

/** Options for {@link exportOnnx}. */
export interface ExportOptions {
  /** Take raw bands-first input and normalize it in the graph (see the module documentation). */
  scaling?: InputScaling;
}

/** The graph's first value: the input transposed to NCHW, or raw NCHW input normalized. */
function graphInput(g: GraphBuilder, rank: number, bands: number, scaling: InputScaling | undefined): string {
  if (!scaling) return g.node("Transpose", ["input"], { perm: rank === 4 ? [0, 3, 1, 2] : [0, 1, 4, 2, 3] });
  if (rank !== 4) throw new TilecastError("E_UNSUPPORTED", "ONNX export: in-graph scaling is for image models only");
  if (scaling.shift.length !== bands || scaling.scale.length !== bands)
    throw new TilecastError(
      "E_ARGUMENT",
      `ONNX export: scaling has ${scaling.shift.length} shifts and ${scaling.scale.length} scales for ${bands} bands`,
    );
  const shift = g.floats("shift", Float32Array.from(scaling.shift), [1, bands, 1, 1]);
  const scale = g.floats("scale", Float32Array.from(scaling.scale), [1, bands, 1, 1]);
  return g.node("Mul", [g.node("Sub", ["input", shift]), scale]);
}

/** The model as ONNX bytes (opset {@link OPSET}); see the module documentation. */
export function exportOnnx(model: tf.LayersModel, options: ExportOptions = {}): Uint8Array {
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    throw new TilecastError("E_UNSUPPORTED", "ONNX export: models with one input and one output only");
  const refused = modelOptionProblem(model);
  if (refused) throw new TilecastError("E_UNSUPPORTED", `ONNX export: ${refused}`);
  const g = new GraphBuilder();
  const input = model.inputs[0] as tf.SymbolicTensor;
  const output = model.outputs[0] as tf.SymbolicTensor;
  const rank = input.shape.length;
  if (rank !== 4 && rank !== 5)
    throw new TilecastError("E_UNSUPPORTED", `ONNX export: inputs of rank ${rank} (images or frame sequences only)`);
  const values = new Map<number, Sym>();
  const bands = input.shape[rank - 1] as number;
  // A periodic model wraps longitude once, at its input, instead of before each convolution.
  const halo = longitudeHalo(model);
  const graphIn = graphInput(g, rank, bands, options.scaling);
  const inner = halo > 0 ? wrapLongitude(g, graphIn, halo) : graphIn;
  values.set(input.id, { name: inner, rank, ...(rank === 5 ? { frames: input.shape[1] as number } : {}) });
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") continue;
    const nodes = (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes;
    if (nodes.length !== 1) throw new TilecastError("E_UNSUPPORTED", `ONNX export: layer '${layer.name}' is shared`);
    const node = nodes[0] as NodeLike;
    const ins = node.inputTensors.map((t) => {
      const v = values.get(t.id);
      if (!v) throw new TilecastError("E_UNSUPPORTED", `ONNX export: '${layer.name}' takes an input not computed yet`);
      return v;
    });
    if (ins[0]?.rank === 5 && !ins[0].frames)
      throw new TilecastError("E_UNSUPPORTED", `ONNX export: '${layer.name}' needs a fixed number of frames`);
    const out =
      layer.getClassName() === "ConvLSTM2D"
        ? convertConvLstm(g, layer, ins[0] as Sym)
        : convertLayer(g, layer, ins, { halo: halo > 0 });
    values.set((node.outputTensors[0] as tf.SymbolicTensor).id, out);
  }
  const last = values.get(output.id);
  if (!last) throw new TilecastError("E_UNSUPPORTED", "ONNX export: the output is not reached from the input");
  const result = halo > 0 ? dropHalo(g, last.name, halo) : last.name;
  g.node("Transpose", [result], { perm: last.rank === 4 ? [0, 2, 3, 1] : [0, 1, 3, 4, 2] }, ["output"]);
  const dims = (s: readonly (number | null)[]) => s.map((d) => (d === null || d === undefined ? null : d));
  const [n, h, w] = input.shape;
  const inShape = options.scaling ? [n ?? null, bands, h ?? null, w ?? null] : input.shape;
  return g.encode(
    { name: "input", shape: dims(inShape) },
    { name: "output", shape: dims(output.shape) },
    `tilecast ${model.name}`,
  );
}
