/**
 * The layer options the model converters (ONNX export, the TensorFlow graph) reproduce, beyond a
 * layer's class: both hold images as NHWC (ONNX as its NCHW transpose), so a layer that reads its
 * input another way would convert into a different computation that runs without complaint. A
 * layer with such an option is refused by name before anything is converted:
 * - `dataFormat` other than `channelsLast` (any convolution, pooling or upsampling layer);
 * - a ConvLSTM2D run backwards, stateful, or returning its state;
 * - either, for the layer a TimeDistributed wraps.
 *
 * Internal (used by `onnx/export.ts` and `tf-graph/export.ts`); for example:
 * ```ts internal
 * layerOptionProblem(tf.layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: "channelsFirst" }));
 * // "uses dataFormat 'channelsFirst' (channelsLast only)"
 * ```
 */
import type * as tf from "@tensorflow/tfjs";

/** Why `layer`'s options cannot be converted, or null when they can. */
export function layerOptionProblem(layer: tf.layers.Layer): string | null {
  const c = layer.getConfig() as Record<string, unknown>;
  if (c.dataFormat !== undefined && c.dataFormat !== "channelsLast")
    return `uses dataFormat '${String(c.dataFormat)}' (channelsLast only)`;
  const cls = layer.getClassName();
  if (cls === "ConvLSTM2D" && (c.goBackwards || c.stateful || c.returnState))
    return "is backwards, stateful or returns its state";
  const inner = cls === "TimeDistributed" ? (layer as unknown as { layer?: tf.layers.Layer }).layer : undefined;
  return inner ? layerOptionProblem(inner) : null;
}

/** The first layer of `model` whose options cannot be converted, as "layer 'name' (Class) why". */
export function modelOptionProblem(model: tf.LayersModel): string | null {
  for (const layer of model.layers) {
    const why = layerOptionProblem(layer);
    if (why) return `layer '${layer.name}' (${layer.getClassName()}) ${why}`;
  }
  return null;
}
