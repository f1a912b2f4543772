/**
 * A corrected gradient for `Unpack` (`tf.unstack`). tfjs's own passes the output gradients to
 * `stack`, but the tape hands a single tensor, not an array, when the unstacked axis has
 * length 1, and `stack` then fails ("Argument tensors passed to stack must be a `Tensor[]`"):
 * this happens when a ConvLSTM runs a single step after trainable layers (a one-step
 * nowcaster). Here a lone gradient is wrapped, and a slice without one contributes zeros.
 * Registered on import; otherwise the same result as tfjs's.
 *
 * @example
 * ```ts
 * import "tilecast"; // registers it
 * ```
 */
import { tf } from "../tfjs.js";

tf.registerGradient({
  kernelName: "Unpack",
  inputsToSave: ["value"],
  gradFunc: (dy, saved, attrs) => {
    const axis = (attrs as { axis: number }).axis;
    const value = saved[0] as tf.Tensor;
    const grads = (Array.isArray(dy) ? dy : [dy]) as (tf.Tensor | undefined | null)[];
    const shape = value.shape.filter((_, i) => i !== (axis < 0 ? axis + value.rank : axis));
    return {
      value: () =>
        tf.stack(
          grads.map((g) => g ?? tf.zeros(shape, value.dtype)),
          axis,
        ),
    };
  },
});
