/**
 * Faster kernels for the native `tensorflow` backend (tfjs-node). Two of tfjs-node's kernels
 * are slow on current TensorFlow, whose CPU convolutions go through oneDNN:
 *
 * - `FusedBatchNorm` calls TensorFlow's `FusedBatchNorm` op, which oneDNN runs with layout
 *   conversions: about 11 ms per call on a 8 x 128 x 128 x 16 activation here, against under
 *   1 ms for the same affine map as one multiply and one add by per-channel vectors (what this
 *   kernel does: `x * a + b`, `a = scale / sqrt(variance + eps)`, `b = offset - mean * a`);
 * - `Step` (every ReLU gradient) builds two full-size constant tensors and selects between
 *   them; here it is `x > 0` cast to float (scaled for `alpha`), with NaN kept, as tfjs defines it.
 *
 * Both compute what the originals compute; tests compare them on the cpu backend's results.
 * Training goes further: ReLU's gradient is TensorFlow's `ReluGrad` op (below), batch norm
 * trains through TensorFlow's fused batch-norm ops (`native-batch-norm.ts`), and a ConvLSTM step
 * runs two convolutions instead of eight (`fused-conv-lstm.ts`).
 * {@link selectBackend} installs all of them when it picks tfjs-node.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { registerNativeKernels } from "tilecast";
 * registerNativeKernels(); // after importing @tensorflow/tfjs-node
 * ```
 */
import { tf } from "../tfjs.js";
import { fuseConvLstmCells } from "./fused-conv-lstm.js";
import { type NativeBackend, registerNativeBatchNorm } from "./native-batch-norm.js";

let installed = false;

function batchNorm({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x, mean, variance, scale, offset } = inputs as Record<string, tf.Tensor>;
  const eps = (attrs?.varianceEpsilon as number | undefined) ?? 0.001;
  return tf.tidy(() => {
    let a = tf.rsqrt(tf.add(variance as tf.Tensor, eps));
    if (scale) a = tf.mul(a, scale);
    let b = tf.neg(tf.mul(mean as tf.Tensor, a));
    if (offset) b = tf.add(b, offset);
    return tf.add(tf.mul(x as tf.Tensor, a), b);
  });
}

function step({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const x = inputs.x as tf.Tensor;
  const alpha = (attrs?.alpha as number | undefined) ?? 0;
  return tf.tidy(() => {
    let s: tf.Tensor = tf.cast(tf.greater(x, 0), "float32");
    if (alpha !== 0) s = tf.add(tf.mul(s, 1 - alpha), alpha);
    return x.dtype === "float32" ? tf.where(tf.isNaN(x), x, s) : s;
  });
}

/**
 * `Sum` and `Mean` gradients that broadcast `dy` to the input's shape (a `Tile` in the backend)
 * instead of multiplying it by `ones(x.shape)`, which tfjs fills in JavaScript and copies into
 * the backend on every step: 2.4 s of a 15 s U-Net training profile on tfjs-node. Same values;
 * registered for every backend, since gradients are not per backend.
 */
function broadcastGradient(kind: "Sum" | "Mean"): tf.GradConfig {
  return {
    kernelName: kind,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0] as tf.Tensor;
      const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
      const expanded = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      const size = axes.reduce((n, a) => n * (x.shape[a] as number), 1);
      return {
        x: () => {
          const full = tf.broadcastTo(tf.reshape(dy as tf.Tensor, expanded), x.shape);
          return kind === "Mean" ? tf.div(full, size) : full;
        },
      };
    },
  };
}

let gradients = false;

/** Install the `Sum` and `Mean` gradients above (once). */
export function registerBroadcastGradients(): void {
  if (gradients) return;
  gradients = true;
  tf.registerGradient(broadcastGradient("Sum"));
  tf.registerGradient(broadcastGradient("Mean"));
}

const RELU_GRAD = "TilecastReluGrad";

/** TensorFlow's own `ReluGrad` op: `dy` where `x > 0`, else 0, in one pass. */
function reluGrad({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const be = backend as NativeBackend;
  const T = { name: "T", type: be.binding.TF_ATTR_TYPE, value: be.binding.TF_FLOAT };
  return be.executeSingleOutput("ReluGrad", [T], [inputs.dy as tf.TensorInfo, inputs.x as tf.TensorInfo]);
}

/**
 * The ReLU gradient as one native op on the `tensorflow` backend, where tfjs's `dy * step(x)`
 * takes five full-size passes (step's compare, cast, NaN test and select, then the multiply).
 * The one difference: a NaN activation gets a zero gradient there, as in TensorFlow, where tfjs
 * passes the NaN on. Other backends keep tfjs's gradient.
 */
function reluGradient(stock: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: "Relu",
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0] as tf.Tensor;
      if (tf.getBackend() !== "tensorflow" || x.dtype !== "float32") return stock.gradFunc(dy, saved, attrs);
      return { x: () => tf.engine().runKernel(RELU_GRAD, { dy: dy as tf.Tensor, x }) as tf.Tensor };
    },
  };
}

/** Install the kernels above for the `tensorflow` backend (once; needs tfjs-node imported). */
export function registerNativeKernels(): void {
  if (installed || !tf.getKernel("FusedBatchNorm", "tensorflow")) return;
  installed = true;
  for (const [kernelName, kernelFunc] of [
    ["FusedBatchNorm", batchNorm],
    ["Step", step],
  ] as const) {
    tf.unregisterKernel(kernelName, "tensorflow");
    tf.registerKernel({ kernelName, backendName: "tensorflow", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  tf.registerKernel({
    kernelName: RELU_GRAD,
    backendName: "tensorflow",
    kernelFunc: reluGrad as unknown as tf.KernelFunc,
  });
  const stock = tf.getGradient("Relu");
  if (stock) tf.registerGradient(reluGradient(stock));
  registerNativeBatchNorm();
  fuseConvLstmCells();
}
