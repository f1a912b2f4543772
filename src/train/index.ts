/**
 * `tilecast/train`: training over streams. Masked losses, learning-rate schedules, validation
 * scorers, checkpoints with resume, early stopping, the history and its learning curves.
 * Pipelines' `train:` sections (`tilecast train`) are built on these.
 *
 * @example
 * ```ts
 * import { learningRateAt, lossFunction } from "tilecast/train";
 * const loss = lossFunction(["binary-crossentropy", "dice"]);
 * console.log(learningRateAt({ type: "cosine", lr: 0.01, epochs: 4 }, 2)); // 0.005
 * ```
 */

export { type ChartSeries, type LineChart, writeLineChart } from "../io/png/line-chart.js";
export { type Checkpoint, loadCheckpoint, saveCheckpoint, type TrainerState } from "./checkpoint.js";
export { type EpochRecord, writeHistory } from "./history.js";
export { type LossFn, type LossInputs, type LossSpec, lossFunction, lossName, lossSpec } from "./losses.js";
export { type ReplicaBatch, type ReplicaOptions, ReplicaPool } from "./replicas/pool.js";
export { shardSizes } from "./replicas/shards.js";
export { learningRateAt, type ScheduleSpec, scheduleSpec } from "./schedule.js";
export { nowcastScorer, predictedClasses, type Scorer, segmentationScorer } from "./scorers.js";
export { checkRegular, type SequenceSample, sequenceBatch, tileWindows, timeSplit } from "./sequences.js";
export { shuffleBuffer, shuffled } from "./shuffle.js";
export { type SplitSpec, splitSpec, splitTiles, type TileSplit } from "./split.js";
export { trainBatches } from "./tile-batches.js";
export { type BatchSource, type FitOptions, type FitResult, fit, type TrainBatch } from "./trainer.js";
