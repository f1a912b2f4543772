/**
 * `foldBatchNorm(model)`: an inference copy of a model with each batch normalization folded
 * into the convolution before it, and each ReLU-like activation that follows a convolution run
 * by the convolution itself. At inference batch norm is a fixed affine map per channel,
 * y = γ·(x − μ)/√(σ² + ε) + β, so a convolution W, b followed by it equals the convolution with
 * W·s and (b − μ)·s + β, where s = γ/√(σ² + ε) scales each output channel. The backend then
 * runs one fused convolution (bias and activation included) where it ran three passes over the
 * activations: the bench U-Net infers about 20 % faster on wasm.
 *
 * A batch norm folds when its one input is a Conv2D or Conv2DTranspose (channels last, no
 * activation of its own) that feeds nothing else; anything else is copied unchanged. The copy
 * shares nothing with `model`: fold again after training changes the weights.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { foldBatchNorm } from "tilecast/nn";
 * import { unet } from "tilecast/models";
 * const m = unet({ inputShape: [16, 16, 2], depth: 1, filters: 4, seed: 1 });
 * const f = await foldBatchNorm(m);
 * console.log(m.layers.length, f.layers.length); // 23 11
 * ```
 */
import { tf } from "../tfjs.js";

interface LayerJson {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, Record<string, unknown>][][];
}

interface ModelJson {
  config: { layers: LayerJson[]; output_layers: [string, number, number][] };
}

const CONVS = new Set(["Conv2D", "Conv2DTranspose"]);
const FUSABLE = new Set(["relu", "relu6", "elu", "sigmoid", "tanh"]);

/** The layer a layer reads, when it reads exactly one. */
function soleInput(l: LayerJson): string | null {
  const nodes = l.inbound_nodes;
  return nodes.length === 1 && nodes[0]?.length === 1 ? (nodes[0][0]?.[0] ?? null) : null;
}

/** How many places read each layer's output. */
function readers(m: ModelJson): Map<string, number> {
  const n = new Map<string, number>();
  const add = (name: string) => n.set(name, (n.get(name) ?? 0) + 1);
  for (const l of m.config.layers) for (const node of l.inbound_nodes) for (const [name] of node) add(name);
  for (const [name] of m.config.output_layers) add(name);
  return n;
}

/** Remove layer `gone`, pointing its readers at `into`. */
function splice(m: ModelJson, gone: string, into: string): void {
  m.config.layers = m.config.layers.filter((l) => l.name !== gone);
  for (const l of m.config.layers)
    for (const node of l.inbound_nodes) for (const entry of node) if (entry[0] === gone) entry[0] = into;
  for (const out of m.config.output_layers) if (out[0] === gone) out[0] = into;
}

/** Convolutions that may absorb what follows: channels last, linear, read by one layer. */
function absorber(m: ModelJson, l: LayerJson, byName: Map<string, LayerJson>): LayerJson | null {
  const from = soleInput(l);
  const conv = from === null ? undefined : byName.get(from);
  if (!conv || !CONVS.has(conv.class_name)) return null;
  const c = conv.config;
  if (c.activation !== "linear" || (c.data_format ?? "channels_last") !== "channels_last") return null;
  return readers(m).get(conv.name) === 1 ? conv : null;
}

/** See the module documentation. */
export async function foldBatchNorm(model: tf.LayersModel): Promise<tf.LayersModel> {
  const m = structuredClone(model.toJSON(null, false)) as unknown as ModelJson;
  const byName = new Map(m.config.layers.map((l) => [l.name, l]));
  const folded = new Map<string, string>(); // convolution -> its batch norm
  for (const l of [...m.config.layers]) {
    if (l.class_name !== "BatchNormalization" || ![-1, 3].includes(l.config.axis as number)) continue;
    const conv = absorber(m, l, byName);
    if (!conv) continue;
    conv.config.use_bias = true;
    folded.set(conv.name, l.name);
    splice(m, l.name, conv.name);
  }
  for (const l of [...m.config.layers]) {
    if (l.class_name !== "Activation" || !FUSABLE.has(l.config.activation as string)) continue;
    const conv = absorber(m, l, byName);
    if (!conv) continue;
    conv.config.activation = l.config.activation;
    splice(m, l.name, conv.name);
  }
  const copy = await tf.models.modelFromJSON({ modelTopology: m } as unknown as Parameters<
    typeof tf.models.modelFromJSON
  >[0]);
  for (const layer of copy.layers) {
    const from = model.getLayer(layer.name);
    const bn = folded.get(layer.name);
    if (bn) {
      // The layer's variables take the folded values; the tensors holding them are this
      // function's to free (kept, each load left its folded kernels and biases behind).
      const kb = foldWeights(from, model.getLayer(bn));
      layer.setWeights(kb);
      tf.dispose(kb);
    } else if (from.weights.length > 0) layer.setWeights(from.getWeights());
  }
  return copy;
}

/** A convolution's kernel and bias with the batch norm after it folded in. */
function foldWeights(conv: tf.layers.Layer, bn: tf.layers.Layer): tf.Tensor[] {
  return tf.tidy(() => {
    const [kernel, bias] = conv.getWeights() as [tf.Tensor, tf.Tensor | undefined];
    const c = bn.getConfig() as { center?: boolean; scale?: boolean; epsilon?: number };
    const w = bn.getWeights();
    let i = 0;
    const gamma = c.scale === false ? null : w[i++];
    const beta = c.center === false ? null : w[i++];
    const [mean, variance] = [w[i++] as tf.Tensor, w[i++] as tf.Tensor];
    let s = tf.rsqrt(tf.add(variance, c.epsilon ?? 1e-3));
    if (gamma) s = tf.mul(s, gamma);
    // Output channels: the last kernel axis of Conv2D, the third of Conv2DTranspose.
    const transposed = conv.getClassName() === "Conv2DTranspose";
    const k = tf.mul(kernel, transposed ? s.reshape([1, 1, -1, 1]) : s);
    let b = tf.mul(tf.sub(bias ?? tf.zeros(mean.shape), mean), s);
    if (beta) b = tf.add(b, beta);
    return [k, b];
  });
}
