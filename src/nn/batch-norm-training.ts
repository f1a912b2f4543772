/**
 * Batch norm in training mode as one step with its own gradient, on every backend.
 *
 * tfjs-layers trains a `BatchNormalization` layer as `moments` (mean, subtract, square, mean)
 * followed by tfjs's batch-norm op, and differentiates the chain op by op (tfjs's batch-norm
 * gradient tiles the inverse deviation to the activation's shape, and the mean's and variance's
 * gradients flow back through `moments`). Written as one step,
 *
 *   x̂ = (x − μ)·r, r = 1/√(σ² + ε), y = γ·x̂ + β                       (σ² biased, over N values)
 *   ∂β = Σ dy,  ∂γ = Σ dy·x̂,  ∂x = a·dy − (a/N)·(x̂·∂γ + ∂β),  a = γ·r
 *
 * the backward pass is two reductions and five elementwise passes over per-channel vectors. On
 * one wasm thread the benchmark U-Net trained at 2.7-3.0 tiles/s with it and 2.4-2.5 without (by
 * hand, two runs each). On the native `tensorflow` backend the step is TensorFlow's own fused op
 * pair instead (`native-batch-norm.ts`).
 *
 * {@link routeBatchNormTraining} sends a training call of a channels-last float32
 * `BatchNormalization` layer through it; the moving mean and variance move by `momentum` towards
 * the batch mean and biased variance, as in tfjs-layers, and a layer without `scale` or `center`
 * uses ones or zeros (tfjs-layers' own training call needs both). Inference and other layouts
 * run the layer's own code. Tests compare outputs, gradients and moving statistics with it.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { routeBatchNormTraining } from "./batch-norm-training.js";
 * routeBatchNormTraining(); // idempotent; tilecast calls it when it loads
 * ```
 */
import { tf } from "../tfjs.js";
import { nativeBatchNorm } from "./native-batch-norm.js";

/** The fields of tfjs-layers' `BatchNormalization` its training call reads. */
interface BatchNormLayer {
  axis: number;
  epsilon: number;
  momentum: number;
  gamma: { read(): tf.Tensor } | null;
  beta: { read(): tf.Tensor } | null;
  movingMean: { read(): tf.Tensor; write(v: tf.Tensor): void };
  movingVariance: { read(): tf.Tensor; write(v: tf.Tensor): void };
}

type Call = (this: BatchNormLayer, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor;

/** `[y, batch mean, biased batch variance]` by the formulas above, over every axis but the last. */
export function batchNormTraining(x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor, epsilon: number): tf.Tensor[] {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const n = x.size / (x.shape[x.rank - 1] as number);
  let mean: tf.Tensor | null = null;
  let variance: tf.Tensor | null = null;
  const step = tf.customGrad((input, gamma, beta, save) => {
    const xv = input as tf.Tensor;
    // The engine runs this inside a tidy: the statistics are kept past it, then handed over below.
    mean = tf.keep(tf.mean(xv, axes));
    const centred = tf.sub(xv, mean);
    variance = tf.keep(tf.mean(tf.square(centred), axes));
    const r = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(centred, r);
    (save as tf.GradSaveFunc)([xhat, r, gamma as tf.Tensor]);
    return {
      value: tf.add(tf.mul(xhat, gamma as tf.Tensor), beta as tf.Tensor),
      gradFunc: (dy, saved) => {
        const [h, rs, g] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const d = dy as tf.Tensor;
        const dBeta = tf.sum(d, axes);
        const dGamma = tf.sum(tf.mul(d, h), axes);
        const a = tf.mul(g, rs);
        const b = tf.div(tf.mul(a, dGamma), -n);
        const c = tf.div(tf.mul(a, dBeta), -n);
        return [tf.add(tf.add(tf.mul(d, a), tf.mul(h, b)), c), dGamma, dBeta];
      },
    };
  });
  const y = step(x, scale, offset);
  const stats = [mean, variance] as unknown as tf.Tensor[];
  const owned = stats.map((t) => tf.clone(t)); // in the caller's scope, like y
  tf.dispose(stats);
  return [y, ...owned];
}

/** Move `variable` towards `value` by `1 - momentum`, as tfjs-layers does. */
function movingAverage(variable: BatchNormLayer["movingMean"], value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const old = variable.read();
    variable.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - momentum)));
  });
}

/** The training call by the step above (or TensorFlow's), or null where the layer's own code runs. */
function trainingCall(layer: BatchNormLayer, inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | null {
  const x = Array.isArray(inputs) ? inputs[0] : inputs;
  if (!x || x.rank < 2 || x.dtype !== "float32") return null;
  const axis = layer.axis < 0 ? layer.axis + x.rank : layer.axis;
  if (axis !== x.rank - 1) return null;
  return tf.tidy(() => {
    const channels = x.shape[axis] as number;
    const scale = layer.gamma ? layer.gamma.read() : tf.ones([channels]);
    const offset = layer.beta ? layer.beta.read() : tf.zeros([channels]);
    const [y, mean, variance] =
      nativeBatchNorm(x, scale, offset, layer.epsilon) ?? batchNormTraining(x, scale, offset, layer.epsilon);
    movingAverage(layer.movingMean, mean as tf.Tensor, layer.momentum);
    movingAverage(layer.movingVariance, variance as tf.Tensor, layer.momentum);
    return y as tf.Tensor;
  });
}

let installed = false;

/** Route BatchNormalization's training calls through {@link trainingCall} (once). */
export function routeBatchNormTraining(): void {
  if (installed) return;
  installed = true;
  const proto = Object.getPrototypeOf(tf.layers.batchNormalization({})) as { call: Call };
  const stock = proto.call;
  proto.call = function (this: BatchNormLayer, inputs, kwargs) {
    return (kwargs?.training === true && trainingCall(this, inputs)) || stock.call(this, inputs, kwargs);
  };
}
