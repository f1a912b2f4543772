/**
 * Autoregressive rollout: feed a one-step model its own predictions for `steps` steps.
 *
 * - A state model (`[b, h, w, c]` → `[b, h, w, c]`, like {@link globalCnn}) is applied to its
 *   last output.
 * - A sequence model (`[b, T, h, w, c]` → `[b, 1, h, w, c]`, like a one-step
 *   {@link convLstmNowcaster}) slides its window: the prediction is appended and the oldest
 *   frame dropped.
 *
 * Returns the predictions stacked on a step axis, `[b, steps, h, w, c]`. Intermediate tensors
 * are freed at each step, so memory does not grow with `steps`.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { globalCnn, rollout } from "tilecast";
 * const m = globalCnn({ height: 8, width: 16, channels: 2, blocks: 1, filters: 4 });
 * const traj = rollout(m, tf.zeros([1, 8, 16, 2]), 5);
 * console.log(traj.shape); // [1, 5, 8, 16, 2]
 * ```
 */

import { TilecastError } from "../errors.js";
import { tf } from "../tfjs.js";

/** Anything with a tfjs-style `predict`. */
export interface OneStepModel {
  predict(x: tf.Tensor): tf.Tensor | tf.Tensor[];
}

function once(model: OneStepModel, x: tf.Tensor): tf.Tensor {
  const y = model.predict(x);
  return Array.isArray(y) ? (y[0] as tf.Tensor) : y;
}

/**
 * Autoregressive rollout: feed a one-step model its own predictions for `steps` steps.
 * Details and a complete example: the module documentation above.
 */
export function rollout(model: OneStepModel, initial: tf.Tensor, steps: number): tf.Tensor {
  if (!(Number.isInteger(steps) && steps >= 1))
    throw new TilecastError("E_ARGUMENT", `rollout: steps must be a positive integer, got ${steps}`);
  const sequence = initial.rank === 5;
  const outputs: tf.Tensor[] = [];
  let state = initial.clone();
  try {
    for (let i = 0; i < steps; i++) {
      const prev = state;
      const next = tf.tidy(() => {
        const y = once(model, prev);
        if (!sequence) return y;
        const frame = y.rank === 5 ? y.slice([0, (y.shape[1] as number) - 1], [-1, 1]) : y.expandDims(1);
        return tf.concat([prev.slice([0, 1], [-1, -1]), frame], 1);
      });
      const last = (next.shape[1] as number) - 1;
      outputs.push(sequence ? tf.tidy(() => next.slice([0, last], [-1, 1]).squeeze([1])) : next.clone());
      state = next;
      prev.dispose();
    }
    return tf.stack(outputs, 1);
  } finally {
    state.dispose();
    for (const t of outputs) t.dispose();
  }
}
