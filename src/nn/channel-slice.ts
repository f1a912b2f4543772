/**
 * `ChannelSlice`: `[batch, h, w, c]` → `[batch, h, w, size]`, channels `[start, start + size)`.
 * A global model whose state holds several time levels uses it to pass the newer levels on and
 * to take the newest one to step from. Serializable (registered under the `tilecast` package);
 * exported to ONNX as Slice on the channel axis.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { ChannelSlice } from "tilecast";
 * const y = new ChannelSlice({ start: 1, size: 2 }).apply(tf.tensor4d([1, 2, 3], [1, 1, 1, 3])) as tf.Tensor;
 * console.log(y.shape, Array.from(y.dataSync())); // [1, 1, 1, 2] [2, 3]
 * ```
 */
import { TilecastError } from "../errors.js";
import { tf } from "../tfjs.js";

/** Arguments of {@link ChannelSlice}. */
export interface ChannelSliceArgs {
  start: number;
  size: number;
  name?: string;
}

/** Channels `[start, start + size)`; see the module documentation. */
export class ChannelSlice extends tf.layers.Layer {
  static className = "ChannelSlice";
  readonly start: number;
  readonly size: number;

  constructor(args: ChannelSliceArgs) {
    super(args);
    if (!(Number.isInteger(args.start) && args.start >= 0 && Number.isInteger(args.size) && args.size >= 1))
      throw new TilecastError("E_ARGUMENT", `ChannelSlice: start ${args.start}, size ${args.size}`);
    this.start = args.start;
    this.size = args.size;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...s.slice(0, -1), this.size];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    const begin = new Array<number>(x.rank).fill(0);
    const size = new Array<number>(x.rank).fill(-1);
    begin[x.rank - 1] = this.start;
    size[x.rank - 1] = this.size;
    return tf.tidy(() => tf.slice(x, begin, size));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), start: this.start, size: this.size };
  }
}
tf.serialization.registerClass(ChannelSlice, "tilecast");
