/**
 * Tape nodes keep only what their gradients read. For a training step, tfjs saves each tensor a
 * kernel's gradient may read until the backward pass ends, and some are never read for their
 * values:
 * - the gradients of the kernels below read only their inputs' shapes (a residual sum's, a
 *   concatenation's, a slice's, a reshape's), so whole activations stayed alive for a few
 *   numbers: in the global CNN, each residual sum kept its block's input and its second
 *   convolution's output; in a U-Net, each skip concatenation kept both halves;
 * - a fused convolution or matrix product keeps its output for its activation's derivative,
 *   which a linear one (every convolution of tfjs's layers followed by batch norm or a sum) never
 *   takes.
 *
 * Once such a node is on the tape, those saved tensors are disposed and replaced by objects
 * holding their shape, dtype and rank. The gradients are tfjs's own (or tilecast's, for `Sum`,
 * `Mean` and `Unpack`), none of which reads anything else of them. A gradient registered later in
 * their place that reads values gets no tensor and fails with tfjs's own "must be a Tensor"
 * error rather than a wrong result.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { saveShapesOnly } from "./shape-only-saves.js";
 * saveShapesOnly(); // once, before training
 * ```
 */
import { tf } from "../tfjs.js";
import { onTapeNode } from "./tape-hook.js";

/** Kernels whose gradients (tfjs's and tilecast's) read only their saved tensors' shapes. */
const SHAPE_ONLY = new Set([
  "Add",
  "Sub",
  "AddN",
  "Concat",
  "Pack",
  "Unpack",
  "Slice",
  "PadV2",
  "Reshape",
  "ExpandDims",
  "Sum",
  "Mean",
]);

/** What a shape-only gradient reads of a saved tensor. */
class SavedShape {
  readonly shape: number[];
  readonly dtype: tf.DataType;
  readonly rank: number;
  readonly size: number;
  constructor(t: tf.Tensor) {
    this.shape = [...t.shape];
    this.dtype = t.dtype;
    this.rank = t.rank;
    this.size = t.size;
  }
  /** The engine disposes saved tensors when the pass ends: nothing to free here. */
  dispose(): void {}
}

/** The fused ops' tape nodes (tfjs names them by op scope), whose output is saved third. */
const FUSED_OPS = new Set(["fusedConv2d__op", "fusedDepthwiseConv2d__op", "fusedMatMul__op"]);
const FUSED_KERNELS = new Set(["FusedConv2D", "FusedDepthwiseConv2D", "_FusedMatMul"]);
/** Outputs of fused kernels without an activation, made while a tape records. */
const linearOutputs = new WeakSet<object>();

type EngineState = { state: { gradientDepth: number } };
type RunKernel = (name: string, inputs: unknown, attrs?: { activation?: string }) => tf.TensorInfo;

/** Replace `saved[i]` by its shape, freeing the tensor. */
function toShape(saved: unknown[], i: number): void {
  const t = saved[i];
  if (!(t instanceof tf.Tensor)) return;
  saved[i] = new SavedShape(t);
  t.dispose();
}

let restore: (() => void) | null = null;

/** Install the replacement (once); returns a function that removes it. */
export function saveShapesOnly(): () => void {
  if (restore) return restore;
  const proto = Object.getPrototypeOf(tf.engine()) as { runKernel: RunKernel };
  const runKernel = proto.runKernel;
  proto.runKernel = function (this: EngineState, name, inputs, attrs) {
    const out = runKernel.call(this, name, inputs, attrs);
    if (FUSED_KERNELS.has(name) && (attrs?.activation ?? "linear") === "linear" && this.state.gradientDepth > 0)
      linearOutputs.add(out.dataId);
    return out;
  };
  const stop = onTapeNode(({ kernelName, saved }) => {
    if (!saved) return;
    // The gradient function holds this same array: its entries are swapped in place.
    if (SHAPE_ONLY.has(kernelName)) for (let i = 0; i < saved.length; i++) toShape(saved, i);
    else if (FUSED_OPS.has(kernelName) && linearOutputs.has((saved[2] as tf.Tensor | undefined)?.dataId ?? {}))
      toShape(saved, 2);
  });
  restore = () => {
    proto.runKernel = runKernel;
    stop();
    restore = null;
  };
  return restore;
}
