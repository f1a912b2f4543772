/**
 * `LastFrame`: `[batch, t, h, w, c]` → `[batch, h, w, c]`, the sequence's last frame. A
 * nowcaster built around persistence uses it: repeat the last observed frame over the forecast
 * and let the network learn only the change. Serializable (registered under the `tilecast`
 * package); exported to ONNX as Gather + Squeeze.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { LastFrame } from "tilecast";
 * const y = new LastFrame({}).apply(tf.tensor5d([1, 2, 3], [1, 3, 1, 1, 1])) as tf.Tensor;
 * console.log(y.shape, y.dataSync()[0]); // [1, 1, 1, 1] 3
 * ```
 */
import { tf } from "../tfjs.js";

/** The sequence's last frame; see the module documentation. */
export class LastFrame extends tf.layers.Layer {
  static className = "LastFrame";

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0] ?? null, ...s.slice(2)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    return tf.tidy(() => {
      const t = x.shape[1] as number;
      return tf.squeeze(tf.slice(x, [0, t - 1], [-1, 1]), [1]);
    });
  }
}
tf.serialization.registerClass(LastFrame, "tilecast");
