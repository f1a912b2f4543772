/**
 * What a training run starts from, and what it checks before its first epoch: the checkpoint
 * to resume (or none, refusing to overwrite one by accident), and that `train.monitor` names a
 * score the run reports.
 *
 * Internal (used by train.ts).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { TilecastError } from "../errors.js";
import { type Checkpoint, loadCheckpoint } from "../train/checkpoint.js";
import type { TrainRunOptions } from "./train.js";
import type { TrainingData } from "./train-data.js";

/** The checkpoint to resume, or null to start fresh (after checking what is on disk). */
export async function startingPoint(
  dir: string,
  print: string,
  o: TrainRunOptions,
  file: string,
): Promise<Checkpoint | null> {
  if (o.force) return null; // removed once the run's setup has passed its checks (trainPipeline)
  const ck = await loadCheckpoint(dir);
  if (!ck) {
    if (o.resume) throw new TilecastError("E_NOT_FOUND", "nothing to resume: no checkpoint here yet", { path: dir });
    return null;
  }
  if (!o.resume)
    throw new TilecastError("E_ARGUMENT", "checkpoints exist: --resume continues them, --force starts over", {
      path: dir,
    });
  const saved = await readFile(join(dir, "last", "pipeline.sha256"), "utf8").catch(() => "");
  if (saved.trim() !== print)
    throw new TilecastError(
      "E_ARGUMENT",
      `the train section, model, tiling or normalization changed since the checkpoint in ${dir}; --force starts over`,
      { path: file },
    );
  return ck;
}

/**
 * `train.monitor` among the scores the run reports, before the first epoch (a misspelt one failed
 * after the first epoch had run, minutes or hours in): `loss`, and with validation data `valLoss`
 * and the task's scores.
 */
export function checkMonitor(monitor: string | undefined, data: TrainingData, file: string): void {
  if (monitor === undefined) return;
  const validated = data.counts.validation > 0;
  const known = ["loss", ...(validated ? ["valLoss", ...(data.scorer?.().names ?? [])] : [])];
  if (!known.includes(monitor))
    throw new TilecastError(
      "E_ARGUMENT",
      `train.monitor: '${monitor}' is not a score this run reports (${known.join(", ")}${validated ? "" : "; the others need validation data"})`,
      { path: file },
    );
}
