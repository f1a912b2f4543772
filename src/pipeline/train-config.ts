/**
 * The `train:` section of a pipeline file: what `tilecast train` does with the pipeline's input
 * (image and `input.labels`), tiling, `normalize`, `augment` and `model` keys.
 *
 * ```yaml
 * train:
 *   output: ../models/scene-seg          # the trained model directory (best epoch)
 *   checkpoints: ../out/train/scene-seg  # last/ and best/ checkpoints, history.json, curves.png
 *   epochs: 20
 *   batch: 8
 *   loss: [categorical-crossentropy, dice]
 *   schedule: { type: cosine, lr: 0.01 }
 *   split: { by: blocks, block: 4, validation: 0.2 }
 *   shuffle: 32                          # tiles in the shuffle buffer
 *   seed: 1
 *   monitor: iou                         # picks the best epoch (default valLoss)
 *   earlyStopping: { patience: 5 }
 *   classes: [land, water, cloud, shadow]
 *   replicas: auto                       # model copies training in worker threads
 * ```
 *
 * @example
 * ```ts
 * import { trainSection } from "tilecast/pipeline";
 * const t = trainSection.parse({ output: "models/x", epochs: 2, loss: "mse" });
 * console.log(t.batch, t.split); // 8 { by: "blocks", block: 4, validation: 0.2, seed: 0 }
 * ```
 */
import { z } from "zod";
import { lossSpec } from "../train/losses.js";
import { scheduleSpec } from "../train/schedule.js";
import { splitSpec } from "../train/split.js";

/** The schema of `train:`. */
export const trainSection = z.strictObject({
  /** The trained model's directory (written atomically at the end). */
  output: z.string(),
  /** Checkpoints, history and curves (default: `<output>.train`). */
  checkpoints: z.string().optional(),
  epochs: z.number().int().positive(),
  batch: z.number().int().positive().default(8),
  loss: lossSpec,
  schedule: scheduleSpec.default({ type: "constant", lr: 0.001, warmup: 0 }),
  split: splitSpec.default({ by: "blocks", block: 4, validation: 0.2, seed: 0 }),
  /** Tiles held in the shuffle buffer (0: read order, already shuffled per epoch). */
  shuffle: z.number().int().nonnegative().default(32),
  /** Training tiles drawn each epoch (default: all). */
  tilesPerEpoch: z.number().int().positive().optional(),
  seed: z.number().int().default(0),
  monitor: z.string().optional(),
  earlyStopping: z
    .strictObject({ patience: z.number().int().positive(), minDelta: z.number().nonnegative().default(0) })
    .optional(),
  /** Class names (the model's output channels; one probability channel for two classes). */
  classes: z.array(z.string()).min(2).optional(),
  /**
   * Train on time windows of the input's time steps (its bands) instead of labelled tiles: `input`
   * frames in, `output` frames to forecast; windows wholly before `until` train, wholly after it
   * validate. A missing time step is an error unless `allowGaps` (windows across it are skipped).
   */
  sequence: z
    .strictObject({
      input: z.number().int().positive(),
      output: z.number().int().positive(),
      until: z.string(),
      allowGaps: z.boolean().default(false),
      /** Training windows drawn from each tile per epoch (default: all), a new draw every epoch. */
      windowsPerTile: z.number().int().positive().optional(),
    })
    .optional(),
  /** Rain thresholds (in the data's units) that sequence validation scores CSI at (default [1]). */
  thresholds: z.array(z.number()).min(1).optional(),
  /**
   * Copies of the model training on shares of each batch in worker threads (`ReplicaPool`).
   * `auto`: one per core on the single-threaded wasm and cpu backends, none on native
   * TensorFlow (which uses every core already).
   */
  replicas: z.union([z.number().int().positive(), z.literal("auto")]).default("auto"),
  /** Export `model.onnx` beside the trained model (default true). */
  onnx: z.boolean().default(true),
});

/** A parsed `train:` section. */
export type TrainSection = z.infer<typeof trainSection>;

/** Resolve the section's paths against the pipeline file's directory. */
export function resolveTrainPaths(t: TrainSection, abs: (p: string) => string): TrainSection {
  const output = abs(t.output);
  return { ...t, output, checkpoints: t.checkpoints ? abs(t.checkpoints) : `${output}.train` };
}
