/**
 * ConvLSTM nowcaster (Shi et al. 2015), encoder-forecaster: `T` input frames of a grid in,
 * `K` future frames of the same grid out. The encoder is a stack of ConvLSTM layers read over
 * the input sequence; its last hidden state is repeated `K` times ({@link RepeatFrames}) and
 * unrolled by a forecaster stack of ConvLSTM layers; a 1×1 convolution on every frame maps to
 * the output channels. With `outputFrames: 1` the same model is a one-step model for
 * {@link rollout}.
 *
 * Each ConvLSTM layer with kernel `F`, `Cin` inputs and `Cf` filters holds
 * `4·(F·F·(Cin + Cf)·Cf + Cf)` parameters (four gates, input and recurrent kernels, one bias
 * per gate and filter).
 *
 * Tensors are `[batch, frames, height, width, channels]`.
 *
 * @example
 * ```ts
 * import { convLstmNowcaster } from "tilecast";
 * const m = convLstmNowcaster({ inputFrames: 4, outputFrames: 2, height: 16, width: 16, channels: 1 });
 * console.log(m.outputs[0].shape); // [null, 2, 16, 16, 1]
 * ```
 */
import { TilecastError } from "../errors.js";
import { LastFrame } from "../nn/last-frame.js";
import { RepeatFrames } from "../nn/repeat-frames.js";
import { tf } from "../tfjs.js";
import "../nn/unpack-gradient.js";
import { z } from "zod";
import { headActivation } from "./blocks.js";

/**
 * The options of the nowcaster as a pipeline file or `createModel` gives them (validated; the
 * single source of {@link ConvLstmOptions}).
 */
export const convLstmOptions = z.strictObject({
  /** Frames in. */
  inputFrames: z.number().int().positive(),
  /** Frames forecast. Default 1. */
  outputFrames: z.number().int().positive().optional(),
  /** Channels per output frame. Default: the input's channels. */
  outputChannels: z.number().int().positive().optional(),
  /** Filters of each encoder layer; the forecaster mirrors them. Default `[16, 16]`. */
  filters: z.array(z.number().int().positive()).optional(),
  /** ConvLSTM kernel size. Default 3. */
  kernelSize: z.number().int().positive().optional(),
  /** Output activation. Default linear. */
  head: headActivation.optional(),
  /**
   * Forecast the change from persistence: the last input frame, repeated, plus the network's
   * output (whose head starts at zero, so an untrained model is persistence). Needs output
   * channels equal to the input's. Default false.
   */
  persistence: z.boolean().optional(),
  /** Weight initialisation seed. */
  seed: z.number().int().optional(),
});

/** Options for {@link convLstmNowcaster}: {@link convLstmOptions} plus the grid and channels. */
export type ConvLstmOptions = Omit<z.infer<typeof convLstmOptions>, "outputFrames"> & {
  outputFrames: number;
  /** Grid size; `null` accepts any. */
  height: number | null;
  width: number | null;
  /** Channels per input frame. */
  channels: number;
};

function positive(name: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 1))
    throw new TilecastError("E_ARGUMENT", `convlstm: ${name} must be a positive integer, got ${v}`);
}

/** Build the nowcaster; see the module documentation. */
export function convLstmNowcaster(o: ConvLstmOptions): tf.LayersModel {
  const filters = o.filters ?? [16, 16];
  const kernelSize = o.kernelSize ?? 3;
  positive("inputFrames", o.inputFrames);
  positive("outputFrames", o.outputFrames);
  positive("channels", o.channels);
  if (filters.length === 0) throw new TilecastError("E_ARGUMENT", "convlstm: filters must list at least one layer");
  for (const f of filters) positive("filters", f);
  const init = (k: number) => ({
    kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed === undefined ? undefined : o.seed + k }),
    recurrentInitializer: tf.initializers.orthogonal({ seed: o.seed === undefined ? undefined : o.seed + 100 + k }),
  });
  const input = tf.input({ shape: [o.inputFrames, o.height, o.width, o.channels], name: "frames" });
  let x: tf.SymbolicTensor = input;
  filters.forEach((f, i) => {
    const last = i === filters.length - 1;
    x = tf.layers
      .convLstm2d({ filters: f, kernelSize, padding: "same", returnSequences: !last, name: `enc${i}`, ...init(i) })
      .apply(x) as tf.SymbolicTensor;
  });
  x = new RepeatFrames({ frames: o.outputFrames, name: "repeat" }).apply(x) as tf.SymbolicTensor;
  [...filters].reverse().forEach((f, i) => {
    x = tf.layers
      .convLstm2d({ filters: f, kernelSize, padding: "same", returnSequences: true, name: `fc${i}`, ...init(10 + i) })
      .apply(x) as tf.SymbolicTensor;
  });
  if (o.persistence && (o.outputChannels ?? o.channels) !== o.channels)
    throw new TilecastError("E_ARGUMENT", "convlstm: persistence needs as many output channels as input channels");
  const head = tf.layers.conv2d({
    filters: o.outputChannels ?? o.channels,
    kernelSize: 1,
    activation: o.head ?? "linear",
    // Around persistence the head starts at zero: the untrained model forecasts no change.
    kernelInitializer: o.persistence ? tf.initializers.zeros() : tf.initializers.glorotUniform({ seed: o.seed }),
  });
  let y = tf.layers.timeDistributed({ layer: head, name: "head" }).apply(x) as tf.SymbolicTensor;
  if (o.persistence) {
    const last = new LastFrame({ name: "last_frame" }).apply(input) as tf.SymbolicTensor;
    const base = new RepeatFrames({ frames: o.outputFrames, name: "persistence" }).apply(last) as tf.SymbolicTensor;
    y = tf.layers.add({ name: "change" }).apply([base, y]) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: y, name: "convlstm_nowcaster" });
}
