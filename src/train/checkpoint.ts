/**
 * Checkpoints of a training run, in a directory the run owns:
 *
 * - `last/`: the model directory after the latest finished epoch (`model.json`, `weights.bin`,
 *   `card.json`, any extra files such as `stats.json`), plus the optimizer's state
 *   (`optimizer.json` + `optimizer.bin`: Adam's moments and its step count) and the trainer's
 *   (`trainer.json`: epochs done, the best score, epochs without improvement, the history).
 *   Resuming from it continues exactly where the run stopped.
 * - `best/`: the model directory of the best epoch by the monitored score.
 *
 * Each directory is written beside its target and renamed over it, so a crash mid-save leaves the
 * previous checkpoint whole.
 *
 * @example
 * ```ts
 * import { loadCheckpoint } from "tilecast/train";
 * const ck = await loadCheckpoint("out/train/scene-seg");
 * console.log(ck?.state.epoch);
 * ```
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { z } from "zod";
import { TilecastError } from "../errors.js";
import { loadModelDir, type ModelCard, type modelCardSchema, saveModelDir } from "../nn/model-card.js";
import { tf } from "../tfjs.js";
import type { EpochRecord } from "./history.js";

/** What the trainer keeps between epochs. */
export interface TrainerState {
  /** Epochs finished. */
  epoch: number;
  /** The best monitored score so far (lower is better), and its epoch (1-based). */
  best: number | null;
  bestEpoch: number | null;
  /** Epochs since the best, for early stopping. */
  badEpochs: number;
  history: EpochRecord[];
}

/** A checkpoint read back. */
export interface Checkpoint {
  model: tf.LayersModel;
  card: ModelCard;
  optimizer: { name: string; tensor: tf.Tensor }[];
  state: TrainerState;
}

/** Save `last/` (model, optimizer, state) and, when `best`, `best/` too. */
export async function saveCheckpoint(
  dir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  card: z.input<typeof modelCardSchema>,
  state: TrainerState,
  options: { best: boolean; extra?: Record<string, string | Uint8Array> },
): Promise<void> {
  const weights = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(weights);
  // The moments are the optimizer's own variables; only the step count is a fresh tensor.
  tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  const extra = options.extra ?? {};
  await saveModelDir(join(dir, "last"), model, card, {
    ...extra,
    "optimizer.json": `${JSON.stringify({ class: optimizer.getClassName(), specs })}\n`,
    "optimizer.bin": new Uint8Array(data as ArrayBuffer),
    "trainer.json": `${JSON.stringify(state, null, 1)}\n`,
  });
  if (options.best) await saveModelDir(join(dir, "best"), model, card, extra);
}

/** Read `last/` back, or null when the run has none yet. Errors name the file. */
export async function loadCheckpoint(dir: string): Promise<Checkpoint | null> {
  const last = join(dir, "last");
  const stateFile = join(last, "trainer.json");
  let stateText: string;
  try {
    stateText = await readFile(stateFile, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new TilecastError("E_FORMAT", (e as Error).message, { path: stateFile, cause: e });
  }
  const { model, card } = await loadModelDir(last);
  const optFile = join(last, "optimizer.json");
  try {
    const state = JSON.parse(stateText) as TrainerState;
    const { specs } = JSON.parse(await readFile(optFile, "utf8")) as { specs: tf.io.WeightsManifestEntry[] };
    const bin = await readFile(join(last, "optimizer.bin"));
    const map = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), specs);
    return { model, card, state, optimizer: specs.map((s) => ({ name: s.name, tensor: map[s.name] as tf.Tensor })) };
  } catch (e) {
    throw new TilecastError("E_FORMAT", `checkpoint unreadable: ${(e as Error).message}`, { path: last, cause: e });
  }
}
