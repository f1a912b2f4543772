/**
 * Convolution blocks shared by the architectures: two 3×3 convolutions, each followed by
 * optional batch norm and ReLU, optionally as a ResNet basic block (He et al. 2016:
 * `relu(F(x) + shortcut(x))`, the shortcut a 1×1 convolution when the channel count changes),
 * and optionally longitude-periodic (see {@link PeriodicPadding2D}). Batch norm keeps running
 * statistics with momentum 0.9 (PyTorch's default of 0.1 in its convention), so a short training
 * run leaves usable inference statistics; Keras's 0.99 needs hundreds of steps more.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { convBlock } from "tilecast";
 * const x = tf.input({ shape: [32, 64, 3] });
 * const y = convBlock(x, 8, "b0", { residual: true, periodic: true });
 * console.log(y.shape); // [null, 32, 64, 8]
 * ```
 */
import { z } from "zod";
import { type LatitudePadding, PeriodicPadding2D } from "../nn/periodic-padding.js";
import { tf } from "../tfjs.js";

/** Options for {@link convBlock}. */
export interface ConvBlockOptions {
  /** Batch norm after each convolution. Default true. */
  batchNorm?: boolean;
  /** Add a shortcut (ResNet basic block). Default false. */
  residual?: boolean;
  /** Dropout rate between the two convolutions (0 = none). */
  dropout?: number;
  /** Circular padding along x (longitude) instead of zero padding. Default false. */
  periodic?: boolean;
  /** Latitude padding of periodic convolutions. Default zero. */
  latitude?: LatitudePadding | undefined;
  /** Kernel size. Default 3. */
  kernelSize?: number;
  /** Initialiser seed. */
  seed?: number | undefined;
}

/** Output activation of a model head. */
export const headActivation = z.enum(["sigmoid", "softmax", "linear"]);

/** An output activation: sigmoid (binary), softmax (classes) or linear (regression). */
export type HeadActivation = z.infer<typeof headActivation>;

/** One convolution, zero-padded ("same") or periodic (circular pad, then "valid"). */
export function conv(
  x: tf.SymbolicTensor,
  filters: number,
  name: string,
  o: {
    kernelSize?: number;
    periodic?: boolean;
    latitude?: LatitudePadding | undefined;
    seed?: number | undefined;
    /** Start with zero weights (a residual head that starts as the identity). */
    zeroInit?: boolean;
  } = {},
): tf.SymbolicTensor {
  const kernelSize = o.kernelSize ?? 3;
  const kernelInitializer = o.zeroInit ? tf.initializers.zeros() : tf.initializers.heNormal({ seed: o.seed });
  let input = x;
  if (o.periodic && kernelSize > 1)
    input = new PeriodicPadding2D({
      padding: (kernelSize - 1) >> 1,
      latitude: o.latitude ?? "zero",
      name: `${name}_pad`,
    }).apply(x) as tf.SymbolicTensor;
  return tf.layers
    .conv2d({ filters, kernelSize, padding: o.periodic ? "valid" : "same", kernelInitializer, name })
    .apply(input) as tf.SymbolicTensor;
}

/**
 * The `PeriodicConv2D` block: circular padding along longitude ({@link PeriodicPadding2D},
 * zero or reflect along latitude) and a "valid" convolution, so the grid keeps its size.
 */
export function periodicConv2d(
  x: tf.SymbolicTensor,
  filters: number,
  name: string,
  o: { kernelSize?: number; latitude?: LatitudePadding | undefined; seed?: number | undefined } = {},
): tf.SymbolicTensor {
  return conv(x, filters, name, { ...o, periodic: true });
}

/** Two convolutions with batch norm and ReLU, as plain or residual block. */
export function convBlock(
  x: tf.SymbolicTensor,
  filters: number,
  name: string,
  o: ConvBlockOptions = {},
): tf.SymbolicTensor {
  const bn = o.batchNorm ?? true;
  const c = { kernelSize: o.kernelSize, periodic: o.periodic, latitude: o.latitude, seed: o.seed };
  const norm = (t: tf.SymbolicTensor, n: string) =>
    bn ? (tf.layers.batchNormalization({ momentum: 0.9, name: `${name}_bn${n}` }).apply(t) as tf.SymbolicTensor) : t;
  const relu = (t: tf.SymbolicTensor, n: string) =>
    tf.layers.activation({ activation: "relu", name: `${name}_relu${n}` }).apply(t) as tf.SymbolicTensor;
  let y = relu(norm(conv(x, filters, `${name}_conv1`, c), "1"), "1");
  if (o.dropout) y = tf.layers.dropout({ rate: o.dropout, name: `${name}_drop` }).apply(y) as tf.SymbolicTensor;
  y = norm(conv(y, filters, `${name}_conv2`, c), "2");
  if (!o.residual) return relu(y, "2");
  const inChannels = x.shape[x.shape.length - 1];
  const shortcut = inChannels === filters ? x : conv(x, filters, `${name}_proj`, { kernelSize: 1, seed: o.seed });
  const sum = tf.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as tf.SymbolicTensor;
  return relu(sum, "2");
}

/** A 1×1 convolution to `channels` outputs with the given activation. */
export function headLayer(
  x: tf.SymbolicTensor,
  channels: number,
  activation: HeadActivation,
  seed?: number,
): tf.SymbolicTensor {
  return tf.layers
    .conv2d({
      filters: channels,
      kernelSize: 1,
      activation,
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      name: "head",
    })
    .apply(x) as tf.SymbolicTensor;
}
