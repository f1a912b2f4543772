/**
 * Batch norm training as two TensorFlow ops on the native `tensorflow` backend (tfjs-node).
 *
 * tfjs-layers trains a `BatchNormalization` layer as `moments` (mean, subtract, square, mean)
 * followed by an affine map, and differentiates that chain op by op: on tfjs-node the multiplies,
 * additions, sums, divisions and tiles on full-size tensors were, after the convolutions, the
 * largest share of a U-Net training step. TensorFlow computes the same thing as one
 * `FusedBatchNormV3` (training mode) and its gradient as one `FusedBatchNormGradV3`: with them
 * (and ReLU's gradient as one op) the benchmark U-Net's step took 393 ms here, where it took 590. {@link registerNativeBatchNorm} registers both as a
 * kernel pair with a gradient; {@link nativeBatchNorm} runs it, and `batch-norm-training.ts`
 * routes a channels-last, rank-4 float32 training call of a `BatchNormalization` layer there
 * while the `tensorflow` backend is active.
 *
 * Same values: the batch is normalised by its biased variance, and the variance returned is the
 * biased one tfjs-layers' moving average uses (TensorFlow reports the unbiased variance, which is
 * scaled back). The package test compares gradients and moving statistics with the cpu backend's.
 * {@link selectBackend} installs it when it picks tfjs-node.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { registerNativeBatchNorm } from "./native-batch-norm.js";
 * registerNativeBatchNorm(); // after importing @tensorflow/tfjs-node
 * ```
 */
import { tf } from "../tfjs.js";

const FORWARD = "TilecastBatchNormTraining";
const BACKWARD = "TilecastBatchNormTrainingGrad";

/** The parts of tfjs-node's backend tilecast's native kernels call. */
export interface NativeBackend {
  binding: Record<string, number>;
  executeSingleOutput(op: string, attrs: object[], inputs: tf.TensorInfo[]): tf.Tensor;
  executeMultipleOutputs(op: string, attrs: object[], inputs: tf.TensorInfo[], outputs: number): tf.Tensor[];
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

/** FusedBatchNormV3's attributes (float32, NHWC) with the given epsilon. */
function attrs(be: NativeBackend, epsilon: number): object[] {
  const b = be.binding;
  return [
    { name: "T", type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
    { name: "U", type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
    { name: "epsilon", type: b.TF_ATTR_FLOAT, value: epsilon },
    { name: "data_format", type: b.TF_ATTR_STRING, value: "NHWC" },
    { name: "is_training", type: b.TF_ATTR_BOOL, value: true },
  ];
}

/** Outputs: y, batch mean, biased batch variance, and TensorFlow's three reserve tensors. */
function forward({ inputs, attrs: a, backend }: KernelArgs): tf.TensorInfo[] {
  const be = backend as NativeBackend;
  const { x, scale, offset } = inputs as Record<string, tf.Tensor>;
  const epsilon = (a?.epsilon as number | undefined) ?? 1e-3;
  const none = tf.tensor1d([], "float32");
  const [y, mean, unbiased, r1, r2, r3] = be.executeMultipleOutputs(
    "FusedBatchNormV3",
    attrs(be, epsilon),
    [x as tf.Tensor, scale as tf.Tensor, offset as tf.Tensor, none, none],
    6,
  );
  none.dispose();
  const n = (x as tf.Tensor).size / ((x as tf.Tensor).shape[3] as number);
  const variance = tf.mul(unbiased as tf.Tensor, n > 1 ? (n - 1) / n : 1);
  unbiased?.dispose();
  return [y, mean, variance, r1, r2, r3] as tf.TensorInfo[];
}

/** Outputs: the gradients of x, scale and offset (training mode: through the batch statistics). */
function backward({ inputs, attrs: a, backend }: KernelArgs): tf.TensorInfo[] {
  const be = backend as NativeBackend;
  const { dy, x, scale, r1, r2, r3 } = inputs as Record<string, tf.Tensor>;
  const epsilon = (a?.epsilon as number | undefined) ?? 1e-3;
  const [dx, dscale, doffset, s4, s5] = be.executeMultipleOutputs(
    "FusedBatchNormGradV3",
    attrs(be, epsilon),
    [dy, x, scale, r1, r2, r3] as tf.Tensor[],
    5,
  );
  s4?.dispose();
  s5?.dispose();
  return [dx, dscale, doffset] as tf.TensorInfo[];
}

const gradient: tf.GradConfig = {
  kernelName: FORWARD,
  inputsToSave: ["x", "scale"],
  outputsToSave: [false, false, false, true, true, true],
  gradFunc: (dy, saved, a) => {
    const [x, scale, r1, r2, r3] = saved as tf.Tensor[];
    const dOut = (Array.isArray(dy) ? dy[0] : dy) as tf.Tensor;
    // Only y reaches a loss: the batch statistics feed the moving averages, outside any gradient.
    const [dx, dscale, doffset] = tf
      .engine()
      .runKernel(BACKWARD, { dy: dOut, x, scale, r1, r2, r3 } as unknown as tf.NamedTensorMap, a) as tf.Tensor[];
    return { x: () => dx as tf.Tensor, scale: () => dscale as tf.Tensor, offset: () => doffset as tf.Tensor };
  },
};

let installed = false;

/**
 * Batch norm in training mode as the fused kernel pair: `[y, batch mean, biased batch variance]`,
 * or null where it does not apply (another backend, not registered, not rank-4 float32).
 */
export function nativeBatchNorm(
  x: tf.Tensor,
  scale: tf.Tensor,
  offset: tf.Tensor,
  epsilon: number,
): tf.Tensor[] | null {
  if (!installed || tf.getBackend() !== "tensorflow" || x.rank !== 4 || x.dtype !== "float32") return null;
  return tf.engine().runKernel(FORWARD, { x, scale, offset }, { epsilon }) as tf.Tensor[];
}

/** Register the kernel pair and its gradient (once; needs tfjs-node). */
export function registerNativeBatchNorm(): void {
  if (installed || !tf.getKernel("FusedBatchNorm", "tensorflow")) return;
  installed = true;
  for (const [kernelName, kernelFunc] of [
    [FORWARD, forward],
    [BACKWARD, backward],
  ] as const)
    tf.registerKernel({ kernelName, backendName: "tensorflow", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  tf.registerGradient(gradient);
}
