/**
 * `RepeatFrames`: `[batch, h, w, c]` → `[batch, k, h, w, c]`, the same map repeated `k` times
 * along a new time axis: the bridge from an encoder's last state to a forecaster that unrolls
 * `k` frames (a `repeatVector` for grids). Serializable (registered under the `tilecast` package).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { RepeatFrames } from "tilecast";
 * const y = new RepeatFrames({ frames: 3 }).apply(tf.ones([1, 2, 2, 1])) as tf.Tensor;
 * console.log(y.shape); // [1, 3, 2, 2, 1]
 * ```
 */

import { TilecastError } from "../errors.js";
import { tf } from "../tfjs.js";

/** Arguments of {@link RepeatFrames}. */
export interface RepeatFramesArgs {
  frames: number;
  name?: string;
}

/**
 * `RepeatFrames`: `[batch, h, w, c]` → `[batch, k, h, w, c]`, the same map repeated `k` times along a new time axis: the bridge from an encoder's last state to a forecaster that unrolls `k` frames (a `repeatVector` for grids).
 * Details and a complete example: the module documentation above.
 */
export class RepeatFrames extends tf.layers.Layer {
  static className = "RepeatFrames";
  readonly frames: number;

  constructor(args: RepeatFramesArgs) {
    super(args);
    if (!(Number.isInteger(args.frames) && args.frames >= 1))
      throw new TilecastError("E_ARGUMENT", `RepeatFrames: frames must be a positive integer, got ${args.frames}`);
    this.frames = args.frames;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0] ?? null, this.frames, ...s.slice(1)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    return tf.tidy(() => tf.stack(new Array<tf.Tensor>(this.frames).fill(x), 1));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), frames: this.frames };
  }
}
tf.serialization.registerClass(RepeatFrames, "tilecast");
