/**
 * U-Net (Ronneberger et al. 2015) for segmentation of image tiles, on tfjs layers.
 *
 * The encoder has `depth` levels; level `i` runs two 3×3 convolutions with `filters·2^i`
 * channels and then halves the grid with a 2×2 max-pool. The bottleneck has `filters·2^depth`
 * channels. The decoder mirrors the encoder: upsample by 2 (a 2×2 transposed convolution, or
 * bilinear resizing then a 1×1 convolution), concatenate the skip connection from the encoder
 * level of the same size, two 3×3 convolutions. A 1×1 convolution maps to `classes` channels:
 * sigmoid for one class (binary), softmax for several, or linear.
 *
 * Parameter counts follow from `(F·F·Cin + 1)·Cout` per convolution and `4·C` per batch norm
 * (two of them trained); the tests check them against this formula.
 *
 * Sizes must be divisible by `2^depth` so every pooled grid is whole; others are refused.
 *
 * @example
 * ```ts
 * import { unet } from "tilecast";
 * const model = unet({ inputShape: [128, 128, 4], depth: 3, filters: 16, classes: 1 });
 * console.log(model.outputs[0].shape); // [null, 128, 128, 1]
 * ```
 */
import { z } from "zod";
import { TilecastError } from "../errors.js";
import { tf } from "../tfjs.js";
import { type ConvBlockOptions, convBlock, headActivation, headLayer } from "./blocks.js";

/**
 * The options of a U-Net as a pipeline file or `createModel` gives them (validated; the single
 * source of {@link UNetOptions}).
 */
export const unetOptions = z.strictObject({
  /** Number of poolings (encoder levels). Default 4. */
  depth: z.number().int().optional(),
  /** Channels at the first level, doubled at each level down. Default 32. */
  filters: z.number().int().positive().optional(),
  /** Output channels. Default 1. */
  classes: z.number().int().positive().optional(),
  /** Batch normalization after each convolution. Default true. */
  batchNorm: z.boolean().optional(),
  /** Dropout rate before the bottleneck's second convolution (0 = none). Default 0. */
  dropout: z.number().optional(),
  /** Decoder upsampling. Default `"transpose"`. */
  upsampling: z.enum(["transpose", "bilinear"]).optional(),
  /** ResNet basic blocks (two convolutions plus a shortcut) in the encoder. Default false. */
  residual: z.boolean().optional(),
  /** Output activation. Default sigmoid for 1 class, softmax for more. */
  head: headActivation.optional(),
  /** Weight initialisation seed, for reproducible models. */
  seed: z.number().int().optional(),
});

/** Options for {@link unet}: {@link unetOptions} plus the input shape. */
export type UNetOptions = z.infer<typeof unetOptions> & {
  /**
   * `[height, width, channels]`; height and width divisible by `2^depth`, or `null` to accept
   * any size that is (checked when the model runs).
   */
  inputShape: [number | null, number | null, number];
};

/** Options with every default filled in. */
export type ResolvedUNetOptions = Required<Omit<UNetOptions, "seed">> & { seed: number | undefined };

/** Fill in defaults and check the options; throws `E_ARGUMENT` with the offending value. */
export function resolveUNetOptions(o: UNetOptions): ResolvedUNetOptions {
  const depth = o.depth ?? 4;
  const classes = o.classes ?? 1;
  const r: ResolvedUNetOptions = {
    inputShape: o.inputShape,
    depth,
    filters: o.filters ?? 32,
    classes,
    batchNorm: o.batchNorm ?? true,
    dropout: o.dropout ?? 0,
    upsampling: o.upsampling ?? "transpose",
    residual: o.residual ?? false,
    head: o.head ?? (classes === 1 ? "sigmoid" : "softmax"),
    seed: o.seed,
  };
  const [h, w, c] = r.inputShape;
  if (!(Number.isInteger(depth) && depth >= 1 && depth <= 8))
    throw new TilecastError("E_ARGUMENT", `unet: depth must be an integer from 1 to 8, got ${depth}`);
  const m = 2 ** depth;
  const bad = [h, w].find((v) => v !== null && v % m !== 0);
  if (bad !== undefined && bad !== null)
    throw new TilecastError(
      "E_ARGUMENT",
      `unet: input ${h ?? "?"}x${w ?? "?"} is not divisible by 2^depth = ${m}; use a tile size that is (e.g. ${Math.ceil(bad / m) * m})`,
    );
  if (!(c >= 1 && r.filters >= 1 && classes >= 1))
    throw new TilecastError("E_ARGUMENT", `unet: channels, filters and classes must be positive`);
  if (!(r.dropout >= 0 && r.dropout < 1))
    throw new TilecastError("E_ARGUMENT", `unet: dropout must be in [0, 1), got ${r.dropout}`);
  return r;
}

/** Build a U-Net; see the module documentation. */
export function unet(options: UNetOptions): tf.LayersModel {
  const o = resolveUNetOptions(options);
  const block: ConvBlockOptions = { batchNorm: o.batchNorm, seed: o.seed };
  const input = tf.input({ shape: o.inputShape, name: "input" });
  const skips: tf.SymbolicTensor[] = [];
  let x = input;
  for (let i = 0; i < o.depth; i++) {
    const f = o.filters * 2 ** i;
    x = convBlock(x, f, `enc${i}`, { ...block, residual: o.residual });
    skips.push(x);
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `enc${i}_pool` }).apply(x) as tf.SymbolicTensor;
  }
  x = convBlock(x, o.filters * 2 ** o.depth, "mid", { ...block, residual: o.residual, dropout: o.dropout });
  for (let i = o.depth - 1; i >= 0; i--) {
    const f = o.filters * 2 ** i;
    x = upsample(x, f, `dec${i}`, o);
    x = tf.layers
      .concatenate({ name: `dec${i}_concat` })
      .apply([skips[i] as tf.SymbolicTensor, x]) as tf.SymbolicTensor;
    x = convBlock(x, f, `dec${i}`, block);
  }
  const y = headLayer(x, o.classes, o.head, o.seed);
  return tf.model({ inputs: input, outputs: y, name: "unet" });
}

function upsample(x: tf.SymbolicTensor, filters: number, name: string, o: ResolvedUNetOptions): tf.SymbolicTensor {
  const kernelInitializer = tf.initializers.heNormal({ seed: o.seed });
  if (o.upsampling === "transpose")
    return tf.layers
      .conv2dTranspose({ filters, kernelSize: 2, strides: 2, padding: "same", kernelInitializer, name: `${name}_up` })
      .apply(x) as tf.SymbolicTensor;
  const up = tf.layers
    .upSampling2d({ size: [2, 2], interpolation: "bilinear", name: `${name}_up` })
    .apply(x) as tf.SymbolicTensor;
  return tf.layers
    .conv2d({ filters, kernelSize: 1, kernelInitializer, name: `${name}_up_proj` })
    .apply(up) as tf.SymbolicTensor;
}
