/**
 * `fit(model, options)`: train a TF.js model on batches that arrive as a stream, one epoch at a
 * time, with masked losses, a learning-rate schedule, validation with scores, checkpoints, resume
 * and early stopping.
 *
 * Batches come from `train(epoch)`, an async iterable the trainer pulls at its own pace: each
 * batch's tensors are disposed and its `release()` called after its step, so the data path's
 * budget (a reader's concurrency) bounds memory, never the dataset. Every random choice of the
 * data path should depend on the seed and the epoch only; then a run stopped after epoch 2 and
 * resumed for 2 more ends with the weights of 4 epochs straight (the optimizer's moments and step
 * count are restored too).
 *
 * The optimizer is Adam (its rate set each epoch from the schedule). The monitored score
 * (`valLoss`, else `loss`, or a validation score such as `iou`, higher better) picks the `best/`
 * checkpoint and drives early stopping. A NaN loss stops the run with an error naming the epoch
 * and step.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { fit } from "tilecast/train";
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
 * const data = async function* () {
 *   yield { x: tf.tensor2d([[0], [1], [2]]), y: tf.tensor2d([[1], [3], [5]]) };
 * };
 * const r = await fit(model, { epochs: 50, loss: "mse", schedule: { type: "constant", lr: 0.1 }, train: data });
 * console.log(r.history.at(-1)?.loss); // close to 0
 * ```
 */
import type { z } from "zod";
import { TilecastError } from "../errors.js";
import type { modelCardSchema } from "../nn/model-card.js";
import { tf } from "../tfjs.js";
import { type Checkpoint, saveCheckpoint, type TrainerState } from "./checkpoint.js";
import { type EpochRecord, writeHistory } from "./history.js";
import { type LossFn, type LossSpec, lossFunction } from "./losses.js";
import { ReplicaPool } from "./replicas/pool.js";
import { learningRateAt, type ScheduleSpec } from "./schedule.js";
import type { Scorer } from "./scorers.js";

/** One batch: inputs, targets, and what the loss needs besides. */
export interface TrainBatch {
  x: tf.Tensor;
  y: tf.Tensor;
  /** 1 where a target cell counts (broadcast over channels). */
  mask?: tf.Tensor;
  /** Cell weights (latitude weights), broadcast over the target. */
  weights?: tf.Tensor;
  /** Called once the batch is used: frees the data path's slots. */
  release?(): void;
}

/** A batch stream for one epoch (0-based). */
export type BatchSource = (epoch: number) => AsyncIterable<TrainBatch>;

/** Options for {@link fit}. */
export interface FitOptions {
  /** The epoch to stop after (a resumed run continues to it). */
  epochs: number;
  loss: LossSpec;
  /** Default: constant 0.001. */
  schedule?: ScheduleSpec;
  train: BatchSource;
  validation?: BatchSource;
  /** Scores each validation epoch (segmentation IoU, ...). */
  scorer?: () => Scorer;
  /** The score that picks the best epoch: `valLoss` (default with validation), `loss`, or a score name. */
  monitor?: string;
  earlyStopping?: { patience: number; minDelta?: number };
  /** Where checkpoints, `history.json` and `curves.png` go, and the card they carry. */
  checkpoints?: { dir: string; card: z.input<typeof modelCardSchema>; extra?: Record<string, string | Uint8Array> };
  /** Continue from a checkpoint (its model must be the `model` given). */
  resume?: Checkpoint;
  /**
   * Copies of the model training in worker threads, each on a share of every batch (see
   * {@link ReplicaPool}); 1 (the default) trains on this thread. Worth it on the single-threaded
   * wasm and cpu backends, not on native TensorFlow, which uses every core already.
   */
  replicas?: number;
  signal?: AbortSignal;
  onStep?(epoch: number, step: number, loss: number): void;
  onEpoch?(record: EpochRecord): void;
}

/** What {@link fit} did. */
export interface FitResult {
  history: EpochRecord[];
  /** Epochs finished (including those before a resume). */
  epochs: number;
  best: number | null;
  bestEpoch: number | null;
  stoppedEarly: boolean;
}

const higherIsBetter = (monitor: string) => !/loss$/i.test(monitor);

function monitored(r: EpochRecord, monitor: string): number {
  const v = monitor === "loss" ? r.loss : monitor === "valLoss" ? r.valLoss : r.metrics[monitor];
  if (v === undefined)
    throw new TilecastError(
      "E_ARGUMENT",
      `monitor '${monitor}' is not reported (have: loss${r.valLoss !== undefined ? ", valLoss" : ""}${Object.keys(
        r.metrics,
      )
        .map((k) => `, ${k}`)
        .join("")})`,
    );
  return higherIsBetter(monitor) ? -v : v;
}

/** Free a used batch: its tensors, and its slots in the data path. */
export function disposeBatch(b: TrainBatch): void {
  tf.dispose([b.x, b.y, ...(b.mask ? [b.mask] : []), ...(b.weights ? [b.weights] : [])]);
  b.release?.();
}

/** One training step on this thread; the batch's loss. */
async function localStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  lossFn: LossFn,
  b: TrainBatch,
  vars: tf.Variable[],
): Promise<number> {
  const lossT = optimizer.minimize(
    () => lossFn(b.y, model.apply(b.x, { training: true }) as tf.Tensor, b),
    true,
    vars,
  ) as tf.Scalar;
  const loss = (await lossT.data())[0] as number;
  lossT.dispose();
  return loss;
}

/** One epoch of training steps; the mean loss and the samples seen. */
async function trainEpoch(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  lossFn: LossFn,
  batches: AsyncIterable<TrainBatch>,
  epoch: number,
  o: FitOptions,
  pool: ReplicaPool | null,
): Promise<{ loss: number; samples: number }> {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let sum = 0;
  let steps = 0;
  let samples = 0;
  for await (const b of batches) {
    try {
      if (o.signal?.aborted) throw new TilecastError("E_ABORTED", "training aborted");
      const loss = pool ? await pool.step(optimizer, b) : await localStep(model, optimizer, lossFn, b, vars);
      if (!Number.isFinite(loss))
        throw new TilecastError(
          "E_STAGE",
          `the loss became ${loss} at epoch ${epoch + 1}, step ${steps + 1} (learning rate too high?)`,
        );
      sum += loss;
      steps++;
      samples += b.x.shape[0] as number;
      o.onStep?.(epoch, steps, loss);
    } finally {
      disposeBatch(b);
    }
  }
  if (steps === 0) throw new TilecastError("E_ARGUMENT", `epoch ${epoch + 1} had no training batches`);
  return { loss: sum / steps, samples };
}

/** The validation loss and scores of one epoch. */
async function validate(
  model: tf.LayersModel,
  lossFn: LossFn,
  batches: AsyncIterable<TrainBatch>,
  scorer: Scorer | undefined,
  pool: ReplicaPool | null,
): Promise<{ valLoss: number; metrics: Record<string, number> }> {
  let sum = 0;
  let weight = 0;
  for await (const b of batches) {
    try {
      const pred = pool ? await pool.predict(b.x) : tf.tidy(() => model.predict(b.x) as tf.Tensor);
      const lossT = lossFn(b.y, pred, b);
      const n = b.x.shape[0] as number;
      sum += ((await lossT.data())[0] as number) * n;
      weight += n;
      if (scorer) {
        const mask = b.mask ? Uint8Array.from(await b.mask.data(), (v) => (v > 0 ? 1 : 0)) : null;
        const valid = mask && mask.length === pred.size / (pred.shape.at(-1) as number) ? mask : null;
        scorer.add(
          (await b.y.data()) as Float32Array,
          (await pred.data()) as Float32Array,
          valid,
          pred.shape,
          (await b.x.data()) as Float32Array,
        );
      }
      tf.dispose([pred, lossT]);
    } finally {
      disposeBatch(b);
    }
  }
  return { valLoss: weight ? sum / weight : Number.NaN, metrics: scorer?.result() ?? {} };
}

/** Train `model`; see the module documentation. */
export async function fit(model: tf.LayersModel, o: FitOptions): Promise<FitResult> {
  const lossFn = lossFunction(o.loss);
  const schedule = o.schedule ?? { type: "constant", lr: 0.001 };
  const optimizer = tf.train.adam(learningRateAt(schedule, 0, o.epochs));
  const state: TrainerState = o.resume
    ? structuredClone(o.resume.state)
    : { epoch: 0, best: null, bestEpoch: null, badEpochs: 0, history: [] };
  if (o.resume?.optimizer.length) await optimizer.setWeights(o.resume.optimizer);
  const monitor = o.monitor ?? (o.validation ? "valLoss" : "loss");
  let stoppedEarly = false;
  const pool =
    (o.replicas ?? 1) > 1 ? await ReplicaPool.create(model, { replicas: o.replicas ?? 1, loss: o.loss }) : null;
  try {
    for (let epoch = state.epoch; epoch < o.epochs; epoch++) {
      const started = performance.now();
      const lr = learningRateAt(schedule, epoch, o.epochs);
      // Adam reads its rate on every step; the field is protected in the typings only.
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      const { loss, samples } = await trainEpoch(model, optimizer, lossFn, o.train(epoch), epoch, o, pool);
      const val = o.validation ? await validate(model, lossFn, o.validation(epoch), o.scorer?.(), pool) : null;
      const record: EpochRecord = {
        epoch: epoch + 1,
        lr,
        loss,
        ...(val ? { valLoss: val.valLoss } : {}),
        metrics: val?.metrics ?? {},
        samples,
        seconds: Math.round(performance.now() - started) / 1000,
      };
      const score = monitored(record, monitor);
      const improved = state.best === null || score < state.best - (o.earlyStopping?.minDelta ?? 0);
      state.epoch = epoch + 1;
      state.history.push(record);
      if (improved) {
        state.best = score;
        state.bestEpoch = epoch + 1;
        state.badEpochs = 0;
      } else state.badEpochs++;
      if (o.checkpoints) {
        const c = o.checkpoints;
        const card = { ...c.card, training: { ...c.card.training, epochs: epoch + 1, epoch: epoch + 1 } };
        await saveCheckpoint(c.dir, model, optimizer, card, state, {
          best: improved,
          ...(c.extra ? { extra: c.extra } : {}),
        });
        await writeHistory(c.dir, state.history);
      }
      o.onEpoch?.(record);
      if (o.earlyStopping && state.badEpochs >= o.earlyStopping.patience && epoch + 1 < o.epochs) {
        stoppedEarly = true;
        break;
      }
    }
  } finally {
    optimizer.dispose();
    await pool?.close();
  }
  const sign = higherIsBetter(monitor) ? -1 : 1;
  return {
    history: state.history,
    epochs: state.epoch,
    best: state.best === null ? null : sign * state.best,
    bestEpoch: state.bestEpoch,
    stoppedEarly,
  };
}
