/**
 * Intermediate gradients freed as soon as backpropagation has used them. tfjs-core keeps the
 * gradient of every tensor of the step until the whole backward pass ends (its
 * `backpropagateGradients` replaces only accumulated sums), so a training step holds all the
 * forward activations and all their gradients at once: about 15 GB for the global CNN at
 * 721 x 1440, where PyTorch peaks at 2.8 GB.
 *
 * Each tape node's gradient function is wrapped: when the next node's gradient is asked for, the
 * output gradients the previous node consumed are disposed. Only gradients that a gradient
 * function made are freed (never a `dy` the caller passed in, never the gradients returned for
 * the requested inputs), never one the node passed on unchanged to an input, and never one a
 * node handed to two inputs.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { freeGradientsEarly } from "./free-gradients.js";
 * freeGradientsEarly(); // once, before training
 * ```
 */
import { tf } from "../tfjs.js";
import { onTapeNode } from "./tape-hook.js";

type Thunks = Record<string, () => tf.Tensor>;

/** Gradients made by gradient functions: the only ones this module frees. */
const made = new WeakSet<tf.Tensor>();
/** Gradients a node handed to two of its inputs: more than one node will consume them. */
const shared = new WeakSet<tf.Tensor>();
/** The output gradients of the node last asked for its gradients, and what it passed on. */
let consumed: { dys: (tf.Tensor | null)[]; passed: Set<tf.Tensor> } | null = null;

function release(): void {
  // While a tape records (a higher-order gradient), the recorded ops may still need them.
  if (!consumed || (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth > 0) return;
  for (const dy of consumed.dys) if (dy && made.has(dy) && !shared.has(dy) && !consumed.passed.has(dy)) dy.dispose();
  consumed = null;
}

let restore: (() => void) | null = null;

/**
 * Wrap every tape node's gradient function as described above (once). Returns a function that
 * puts tfjs's own back.
 */
export function freeGradientsEarly(): () => void {
  if (restore) return restore;
  const stop = onTapeNode((node) => {
    const gradient = node.gradient;
    if (!gradient) return;
    node.gradient = (dys) => {
      release();
      const thunks = gradient(dys);
      const passed = new Set<tf.Tensor>();
      consumed = { dys, passed };
      const wrapped: Thunks = {};
      for (const [name, thunk] of Object.entries(thunks))
        wrapped[name] = () => {
          // A backward pass run inside this one (a gradient of a gradient) must not free these.
          const outer = consumed;
          consumed = null;
          let dx: tf.Tensor;
          try {
            dx = thunk();
          } finally {
            consumed = outer;
          }
          if (passed.has(dx)) shared.add(dx);
          made.add(dx);
          passed.add(dx);
          return dx;
        };
      return wrapped;
    };
  });
  restore = () => {
    stop();
    restore = null;
  };
  return restore;
}
