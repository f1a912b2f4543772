/**
 * A longitude halo for periodic models (the global CNN): instead of wrapping longitude before
 * every convolution (two Slices and a Concat each), the exported graph wraps its input once by
 * `h` columns a side, pads before each convolution with zeros (or the latitude mode) as if the
 * grid were not periodic, and keeps the middle `W` columns at the end. Each convolution spoils
 * only as many edge columns as its padding adds, so with `h` at least the sum of the padding along
 * any path from input to output, the middle columns are exact. What it buys: ONNX Runtime's CPU
 * provider runs convolutions in a blocked layout (NCHWc) that Slice and Concat along width have no
 * kernel for, so every wrap converted the activation out of that layout and back; with the halo,
 * a zero Pad folds into the convolution after it and nothing leaves the layout. The cost is `2h`
 * more columns (1.25 % on a 1440-column grid for the 4-block global CNN's h = 9).
 *
 * {@link longitudeHalo} says whether a model can take a halo and how wide; a model with any layer
 * that moves columns another way (pooling, strides, upsampling, a convolution wider than 1 without
 * periodic padding before it) keeps the per-layer wrap.
 */
import type * as tf from "@tensorflow/tfjs";
import type { GraphBuilder } from "./graph.js";

interface NodeLike {
  inboundLayers: tf.layers.Layer[];
}

/** Layers that keep every column where it is and look at no neighbouring column. */
const POINTWISE = new Set([
  "Activation",
  "ReLU",
  "LeakyReLU",
  "ELU",
  "Softmax",
  "BatchNormalization",
  "Dropout",
  "SpatialDropout2D",
  "ChannelSlice",
]);

/**
 * The halo width the model's export can use (see the module documentation), or 0 where it keeps
 * wrapping longitude before each convolution: no periodic padding, an input that is not an
 * image, or a layer the halo's rule does not cover.
 */
export function longitudeHalo(model: tf.LayersModel): number {
  if (model.inputs.length !== 1 || model.inputs[0]?.shape.length !== 4) return 0;
  const need = new Map<string, number>();
  let periodic = false;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const nodes = (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes;
    if (cls === "InputLayer") {
      need.set(layer.name, 0);
      continue;
    }
    if (nodes.length !== 1) return 0;
    const inbound = (nodes[0] as NodeLike).inboundLayers;
    const ins = inbound.map((l) => need.get(l.name));
    if (ins.length === 0 || ins.some((n) => n === undefined)) return 0;
    const deepest = Math.max(...(ins as number[]));
    const c = layer.getConfig() as Record<string, unknown>;
    if (cls === "PeriodicPadding2D") {
      periodic = true;
      need.set(layer.name, deepest + (layer as unknown as { padding: [number, number] }).padding[1]);
    } else if (cls === "Conv2D") {
      const [, kw] = c.kernelSize as [number, number];
      const strides = c.strides as [number, number];
      const dilation = c.dilationRate as number | [number, number];
      if (strides.some((s) => s !== 1) || [dilation].flat().some((d) => d !== 1)) return 0;
      if (kw > 1) {
        // Only a valid convolution whose input periodic padding widened by exactly its reach.
        const before = inbound[0];
        const pad =
          before?.getClassName() === "PeriodicPadding2D"
            ? (before as unknown as { padding: [number, number] }).padding[1]
            : -1;
        if (c.padding !== "valid" || 2 * pad !== kw - 1) return 0;
      }
      need.set(layer.name, deepest);
    } else if (cls === "Add" || (cls === "Concatenate" && [-1, 3].includes(Number(c.axis ?? -1)))) {
      need.set(layer.name, deepest);
    } else if (POINTWISE.has(cls)) {
      need.set(layer.name, deepest);
    } else return 0;
  }
  const out = (model.outputs[0] as tf.SymbolicTensor).sourceLayer.name;
  return periodic ? (need.get(out) ?? 0) : 0;
}

/**
 * `x` (NCHW) wrapped along width by `h` columns a side, for any width: one Gather of columns
 * `(-h .. W + h - 1) mod W`, so a grid narrower than the halo wraps more than once.
 */
export function wrapLongitude(g: GraphBuilder, x: string, h: number): string {
  const axis0 = g.ints([0]);
  const scalar = (v: string) => g.node("Squeeze", [v, axis0]);
  const width = scalar(g.node("Slice", [g.node("Shape", [x]), g.ints([3]), g.ints([4]), axis0]));
  const limit = g.node("Add", [width, scalar(g.ints([h]))]);
  const columns = g.node("Range", [scalar(g.ints([-h])), limit, scalar(g.ints([1]))]);
  return g.node("Gather", [x, g.node("Mod", [columns, width])], { axis: 3 });
}

/** The middle of `x` (NCHW): width less `h` columns a side. */
export function dropHalo(g: GraphBuilder, x: string, h: number): string {
  return g.node("Slice", [x, g.ints([h]), g.ints([-h]), g.ints([3])]);
}
