/**
 * `FusedConv2D` (a convolution with its bias and activation) as one oneDNN call on the native
 * `tensorflow` backend. tfjs-node runs it as three TensorFlow ops, `Conv2D`, a broadcast `Add`
 * and the activation, each a full pass over the output: on the benchmark U-Net the `Add` and
 * `Relu` alone took 22 of 84 ms per batch. TensorFlow's oneDNN build has the fused kernel,
 * `_MklNativeFusedConv2D` (its graph optimizer rewrites `Conv2D + BiasAdd + Relu` into it); in
 * eager mode it is reached by name with the `MklNameChangeOp` kernel label. It takes string and
 * type lists, which tfjs-node's binding sets only once `tilecast native build` has added them
 * (`native/binding-patch.ts`).
 *
 * Handled: NHWC float32, a 1-D bias, `same` or `valid` padding, any strides and dilations, and
 * the linear, relu, relu6, elu and leaky-relu activations. Anything else (explicit paddings,
 * prelu, sigmoid, no bias) goes to tfjs-node's own kernel. Installed only where a probe runs and
 * matches the stock kernel: a CPU TensorFlow with oneDNN and a binding with list attributes; never
 * on a GPU, where the kernel would pull tensors back to the CPU.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { fuseNativeConvolutions } from "./native-fused-conv.js";
 * fuseNativeConvolutions(); // after importing @tensorflow/tfjs-node
 * ```
 */
import { tf } from "../tfjs.js";
import type { NativeBackend } from "./native-batch-norm.js";

/** tfjs activation -> the ops `_MklNativeFusedConv2D` fuses after the bias. */
const FUSED: Record<string, string[]> = {
  linear: [],
  relu: ["Relu"],
  relu6: ["Relu6"],
  elu: ["Elu"],
  leakyrelu: ["LeakyRelu"],
};

type Args = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

const pair = (v: unknown): [number, number] =>
  typeof v === "number" ? [v, v] : [(v as number[])[0] as number, (v as number[])[1] as number];

/** The fused op's output, or null where this case is the stock kernel's. */
function fusedConv({ inputs, attrs, backend }: Args): tf.TensorInfo | null {
  const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
  const a = attrs ?? {};
  const act = (a.activation as string | undefined) ?? "linear";
  const ops = FUSED[act];
  const out = filter?.shape[3];
  if (!ops || !x || !filter || !bias || preluActivationWeights) return null;
  if (x.dtype !== "float32" || bias.shape.length !== 1 || bias.shape[0] !== out) return null;
  if ((a.dataFormat ?? "NHWC") !== "NHWC" || (a.pad !== "same" && a.pad !== "valid")) return null;
  const be = backend as NativeBackend;
  const b = be.binding;
  const [sy, sx] = pair(a.strides ?? 1);
  const [dy, dx] = pair(a.dilations ?? 1);
  const opAttrs = [
    { name: "T", type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
    { name: "num_args", type: b.TF_ATTR_INT, value: 1 },
    { name: "TArgs", type: b.TF_ATTR_TYPE, value: [b.TF_FLOAT] },
    { name: "strides", type: b.TF_ATTR_INT, value: [1, sy, sx, 1] },
    { name: "dilations", type: b.TF_ATTR_INT, value: [1, dy, dx, 1] },
    { name: "padding", type: b.TF_ATTR_STRING, value: (a.pad as string).toUpperCase() },
    { name: "data_format", type: b.TF_ATTR_STRING, value: "NHWC" },
    { name: "fused_ops", type: b.TF_ATTR_STRING, value: ["BiasAdd", ...ops] },
    { name: "leakyrelu_alpha", type: b.TF_ATTR_FLOAT, value: (a.leakyreluAlpha as number | undefined) ?? 0.2 },
    { name: "_kernel", type: b.TF_ATTR_STRING, value: "MklNameChangeOp" },
  ];
  return be.executeSingleOutput("_MklNativeFusedConv2D", opAttrs, [x, filter, bias]);
}

/** Whether the fused kernel runs here and gives the stock kernel's values on a small case. */
function probe(stock: tf.KernelFunc): boolean {
  return tf.tidy(() => {
    const x = tf.randomNormal([1, 5, 6, 3], 0, 1, "float32", 1);
    const filter = tf.randomNormal([3, 3, 3, 4], 0, 1, "float32", 2);
    const bias = tf.tensor1d([0.5, -1, 0, 2]);
    const args = {
      inputs: { x, filter, bias },
      attrs: { strides: [2, 1], pad: "same", dataFormat: "NHWC", dilations: 1, activation: "relu" },
      backend: tf.backend(),
    };
    try {
      const got = fusedConv(args as unknown as Args);
      const want = stock(args as never) as tf.TensorInfo;
      if (!got) return false;
      const g = tf.engine().makeTensorFromTensorInfo(got);
      const w = tf.engine().makeTensorFromTensorInfo(want);
      return tf.util.arraysEqual(g.shape, w.shape) && (tf.max(tf.abs(tf.sub(g, w))).dataSync()[0] as number) < 1e-4;
    } catch {
      return false;
    }
  });
}

let installed = false;

/** Route `FusedConv2D` on the `tensorflow` backend through the fused op where it runs (once). */
export function fuseNativeConvolutions(): boolean {
  if (installed) return true;
  const stock = tf.getKernel("FusedConv2D", "tensorflow");
  const be = tf.findBackend("tensorflow") as unknown as { isUsingGpuDevice?: unknown } | null;
  const gpu = be?.isUsingGpuDevice; // a flag in tfjs-node 4, a method in some versions
  if (!stock || !be || tf.getBackend() !== "tensorflow") return false;
  if ((typeof gpu === "function" ? gpu.call(be) : gpu) !== false) return false;
  if (!probe(stock.kernelFunc)) return false;
  installed = true;
  tf.unregisterKernel("FusedConv2D", "tensorflow");
  tf.registerKernel({
    ...stock,
    kernelFunc: (args) => fusedConv(args as unknown as Args) ?? stock.kernelFunc(args),
  });
  return true;
}
