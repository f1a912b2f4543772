/**
 * Global CNN on a lat/lon grid: a stack of longitude-periodic convolution blocks
 * ({@link convBlock} with `periodic`, optionally residual) mapping the variables at time `t`
 * to time `t + dt` (WeatherBench-style). With `predictDelta` (the default) the network
 * predicts the tendency and adds it to the input. Every layer pads circularly along
 * longitude, so rolling the input by `k` columns rolls the output by exactly `k` columns,
 * across the antimeridian too. Roll it out for `N` steps with {@link rollout}.
 *
 * With `history: k` the state is the last `k` time levels, stacked on the channel axis (oldest
 * first, `channels` each): the network sees how the field moved, steps the newest level, and the
 * output is the state one step later (the `k - 1` newer levels passed on exactly, then the new
 * one), so a rollout feeds it back unchanged.
 *
 * @example
 * ```ts
 * import { globalCnn } from "tilecast";
 * const m = globalCnn({ height: 32, width: 64, channels: 3, blocks: 2, filters: 16 });
 * console.log(m.outputs[0].shape); // [null, 32, 64, 3]
 * ```
 */
import { z } from "zod";
import { TilecastError } from "../errors.js";
import { ChannelSlice } from "../nn/channel-slice.js";
import { latitudePadding } from "../nn/periodic-padding.js";
import { tf } from "../tfjs.js";
import { conv, convBlock } from "./blocks.js";

/**
 * The options of the global CNN as a pipeline file or `createModel` gives them (validated; the
 * single source of {@link GlobalCnnOptions}).
 */
export const globalCnnOptions = z.strictObject({
  /** Periodic convolution blocks. Default 4. */
  blocks: z.number().int().positive().optional(),
  /** Channels inside the network. Default 32. */
  filters: z.number().int().positive().optional(),
  /** Kernel size (odd). Default 3. */
  kernelSize: z.number().int().positive().optional(),
  /** ResNet blocks. Default true. */
  residual: z.boolean().optional(),
  /** Batch norm in each block. Default false (weather fields are normalised beforehand). */
  batchNorm: z.boolean().optional(),
  /** Output = input + network (a tendency). Default true. */
  predictDelta: z.boolean().optional(),
  /** Latitude padding at the poles. Default zero. */
  latitude: latitudePadding.optional(),
  /**
   * With `predictDelta`: start as persistence (the head's weights start at zero), so training
   * begins from the tendency-free forecast instead of a random one. Default false.
   */
  zeroTendency: z.boolean().optional(),
  /** Time levels in the state (see the module documentation). Default 1. */
  history: z.number().int().positive().optional(),
  /** Weight initialisation seed. */
  seed: z.number().int().optional(),
});

/** Options for {@link globalCnn}: {@link globalCnnOptions} plus the grid and variables. */
export type GlobalCnnOptions = z.infer<typeof globalCnnOptions> & {
  /** Latitude and longitude sizes; `null` accepts any. */
  height: number | null;
  width: number | null;
  /** Variables per time level. */
  channels: number;
};

/** Build the global CNN; see the module documentation. */
export function globalCnn(o: GlobalCnnOptions): tf.LayersModel {
  const blocks = o.blocks ?? 4;
  const filters = o.filters ?? 32;
  const kernelSize = o.kernelSize ?? 3;
  if (!(Number.isInteger(blocks) && blocks >= 1))
    throw new TilecastError("E_ARGUMENT", `global-cnn: blocks must be a positive integer, got ${blocks}`);
  if (!(Number.isInteger(kernelSize) && kernelSize % 2 === 1))
    throw new TilecastError(
      "E_ARGUMENT",
      `global-cnn: kernelSize must be odd so the grid keeps its size, got ${kernelSize}`,
    );
  const history = o.history ?? 1;
  const c = o.channels;
  const input = tf.input({ shape: [o.height, o.width, c * history], name: "state" });
  const common = { kernelSize, periodic: true, latitude: o.latitude, seed: o.seed };
  let x = conv(input, filters, "stem", common);
  for (let i = 0; i < blocks; i++)
    x = convBlock(x, filters, `block${i}`, {
      ...common,
      residual: o.residual ?? true,
      batchNorm: o.batchNorm ?? false,
    });
  let y = conv(x, c, "head", { ...common, kernelSize: 1, zeroInit: o.zeroTendency === true });
  const newest =
    history === 1
      ? input
      : (new ChannelSlice({ start: c * (history - 1), size: c, name: "newest" }).apply(input) as tf.SymbolicTensor);
  if (o.predictDelta ?? true) y = tf.layers.add({ name: "tendency" }).apply([newest, y]) as tf.SymbolicTensor;
  if (history > 1) {
    const kept = new ChannelSlice({ start: c, size: c * (history - 1), name: "kept" }).apply(
      input,
    ) as tf.SymbolicTensor;
    y = tf.layers.concatenate({ name: "next_state" }).apply([kept, y]) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: y, name: "global_cnn" });
}
