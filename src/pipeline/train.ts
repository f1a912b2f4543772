/**
 * `trainPipeline(p)`: train the pipeline's model on its input and `input.labels` as its `train:`
 * section says (`tilecast train`). The same stages as a run feed it: tiles are read in a seeded
 * order per epoch (a different one each epoch), normalized, passed through the file's tile
 * stages and `augment` (seeded by tile and epoch), mixed in a bounded shuffle buffer and batched.
 * The reader's concurrency bounds memory: a scene larger than memory trains.
 *
 * Validation tiles come from a spatial split (`train.split`, see {@link splitTiles}) and are
 * scored each epoch (IoU, F1, accuracy for classes). Checkpoints (`last/` with the optimizer,
 * `best/`), `history.json` and `curves.png` go to `train.checkpoints`; at the end the best epoch's
 * model is written to `train.output` with its card and statistics (and `model.onnx`), atomically.
 *
 * Existing checkpoints are never overwritten by accident: `resume` continues them (refused when
 * the train section or model changed), `force` starts over.
 *
 * @example
 * ```ts
 * import { loadPipeline, trainPipeline } from "tilecast/pipeline";
 * const p = await loadPipeline("pipelines/scene-seg-train.yaml", ["train.epochs=1", "train.output=/tmp/seg", "train.tilesPerEpoch=4", "train.onnx=false"]);
 * const s = await trainPipeline(p, { force: true });
 * console.log(s.epochs, s.output); // 1 /tmp/seg
 * ```
 */
import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { isAbsolute, join, relative } from "node:path";
import type { OperatorFunction } from "rxjs";
import { TilecastError } from "../errors.js";
import type { Stats } from "../grid/band-stats.js";
import type { GridSource } from "../io/types.js";
import { buildArchitecture } from "../models/registry.js";
import { quietCpuBanner } from "../nn/backend.js";
import { loadModelDir, saveModelDir } from "../nn/model-card.js";
import { exportModelDir } from "../nn/onnx/model-file.js";
import { normalize } from "../stages/normalize.js";
import type { Tile } from "../stages/tile.js";
import { tf } from "../tfjs.js";
import type { EpochRecord } from "../train/history.js";
import { lossName } from "../train/losses.js";
import { fit } from "../train/trainer.js";
import { checkAligned } from "./aligned.js";
import type { Pipeline } from "./config.js";
import { normalizeStats, openInput, openLabels, planFor, singleVariable } from "./input.js";
import { classLabels, trainsOnClasses } from "./label-classes.js";
import { checkOutputRoot } from "./output-root.js";
import { createTileStages } from "./stages.js";
import type { TrainSection } from "./train-config.js";
import { sequenceData, tileData } from "./train-data.js";
import { tileOutputs } from "./train-outputs.js";
import { checkMonitor, startingPoint } from "./train-start.js";
import { stateData } from "./train-state.js";
import { trainedFrames } from "./trained-frames.js";

/** What a training run did. */
export interface TrainSummary {
  pipeline: string;
  output: string;
  checkpoints: string;
  epochs: number;
  bestEpoch: number | null;
  /** The monitored score of the best epoch. */
  best: number | null;
  monitor: string;
  stoppedEarly: boolean;
  resumed: boolean;
  /** Tiles, or time windows per tile for sequences, on each side of the split, and those left out. */
  tiles: { unit: "tiles" | "windows" | "pairs"; train: number; validation: number; dropped: number };
  history: EpochRecord[];
  seconds: number;
  backend: string;
  /** Model copies that trained in worker threads (1: this thread). */
  replicas: number;
}

/** How a training run is observed and controlled. */
export interface TrainRunOptions {
  /** Continue from the checkpoints' `last/`. */
  resume?: boolean;
  /** Delete existing checkpoints and start over. */
  force?: boolean;
  signal?: AbortSignal;
  onEpoch?(record: EpochRecord): void;
  /** After each step: epoch (0-based), step (1-based) and the steps an epoch has. */
  onStep?(epoch: number, step: number, steps: number, loss: number): void;
  outputRoot?: string;
}

/** What must not change between a checkpoint and its resume. */
function fingerprint(p: Pipeline, t: TrainSection): string {
  // How the steps are computed (replicas) may change on resume; what they compute may not.
  const { epochs: _e, earlyStopping: _s, output: _o, checkpoints: _c, onnx: _x, replicas: _r, ...rest } = t;
  const subject = {
    train: rest,
    model: p.model,
    tiling: p.tiling,
    normalize: p.normalize,
    augment: p.augment,
    stages: p.stages,
  };
  return createHash("sha256").update(JSON.stringify(subject)).digest("hex").slice(0, 16);
}

/**
 * Worker replicas for `train.replicas`: `auto` is one per core (at most the batch) on the
 * single-threaded wasm and cpu backends, 1 on native TensorFlow.
 */
export function replicaCount(t: Pick<TrainSection, "replicas" | "batch">, backend = tf.getBackend()): number {
  if (t.replicas !== "auto") return t.replicas;
  return backend === "wasm" || backend === "cpu" ? Math.max(1, Math.min(availableParallelism(), t.batch)) : 1;
}

/** A path as the card records it: relative to the working directory when under it (cards ship). */
const here = (path: string) => {
  const r = relative(process.cwd(), path);
  return r.startsWith("..") || isAbsolute(r) ? path : r;
};

/** The model to train: built from the spec (seeded from `train.seed` unless it says), or the checkpoint's. */
function buildModel(p: Pipeline, bands: number, seed: number): tf.LayersModel {
  const { type, path, ...options } = p.model;
  if (path !== undefined)
    throw new TilecastError(
      "E_ARGUMENT",
      "model.path: a train pipeline builds its model from options (fine-tuning is not supported yet)",
      { path: p.file },
    );
  try {
    return buildArchitecture(type, { seed, ...options }, { bands, height: null, width: null });
  } catch (e) {
    if (e instanceof TilecastError && e.path === undefined)
      throw new TilecastError(e.code, e.problem, { path: p.file, cause: e });
    throw e;
  }
}

/** A tile model's inputs: each band by name, with the statistics it was normalized with. */
function tileInputs(p: Pipeline, src: GridSource, stats: Stats | null, bands: number) {
  return Array.from({ length: bands }, (_, b) => ({
    name: src.meta.attrs.bandNames?.[p.input.bands?.[b] ?? b] ?? `band ${b + 1}`,
    ...(stats?.bands[b] ? { mean: stats.bands[b].mean, std: stats.bands[b].std } : {}),
  }));
}

/** A sequence model's channels (the variable, in and out) and its frames. */
function sequenceChannels(p: Pipeline, src: GridSource, seq: { input: number; output: number }) {
  const units = typeof src.meta.attrs.units === "string" ? { units: src.meta.attrs.units } : {};
  const channel = [{ name: singleVariable(p, "a sequence model") ?? "value", ...units }];
  return { inputs: channel, outputs: channel, frames: { input: seq.input, output: seq.output, ...trainedFrames(src) } };
}

/** Train the pipeline's model; see the module documentation. */
export async function trainPipeline(p: Pipeline, o: TrainRunOptions = {}): Promise<TrainSummary> {
  const started = performance.now();
  const t = p.train;
  if (!t) throw new TilecastError("E_ARGUMENT", "the pipeline has no train section", { path: p.file });
  if (!p.input.labels && !t.sequence)
    throw new TilecastError("E_ARGUMENT", "training needs input.labels (a label raster on the input's grid)", {
      path: p.file,
    });
  const checkpoints = t.checkpoints ?? `${t.output}.train`;
  await checkOutputRoot(p, o.outputRoot ?? process.env.TILECAST_OUTPUT_ROOT);
  await tf.ready();
  quietCpuBanner();
  const print = fingerprint(p, t);
  const resume = await startingPoint(checkpoints, print, o, p.file);
  const signal = o.signal ?? new AbortController().signal;
  const src = await openInput(p, signal);
  let labels: GridSource | null = null;
  try {
    labels = await openLabels(p);
    if (labels) checkAligned(src.meta, labels.meta);
    const plan = planFor(p, src);
    const stats: Stats | null = p.normalize ? await normalizeStats(p.normalize, p, src, plan) : null;
    const ctx = { pipeline: p, source: src, plan, signal, log: () => {} };
    const stages: OperatorFunction<Tile, Tile>[] = [
      ...(stats ? [normalize(stats, { method: p.normalize?.method ?? "zscore" })] : []),
      ...(await createTileStages(p.stages, ctx)).map(([, op]) => op),
    ];
    const bands = p.input.bands?.length ?? src.meta.bands;
    // A sequence model sees `input` frames of one variable (a state model as many time levels);
    // a tile model every band.
    const model = resume?.model ?? buildModel(p, t.sequence ? t.sequence.input : bands, t.seed);
    const state = t.sequence !== undefined && model.inputs[0]?.shape.length === 4;
    const channels = model.outputs[0]?.shape.at(-1) ?? 1;
    // Class indices for a segmentation model: one channel is a probability of the second of two.
    if (labels && trainsOnClasses(p)) labels = classLabels(labels, Math.max(2, channels));
    const c = { p, t, src, labels, plan, stages };
    let data: ReturnType<typeof tileData>;
    let outputs: ReturnType<typeof tileOutputs>;
    try {
      outputs = t.sequence ? [] : tileOutputs(p, channels);
      data = state ? stateData({ p, t, src, stats }) : t.sequence ? sequenceData(c) : tileData(c);
      checkMonitor(t.monitor, data, p.file);
    } catch (e) {
      model.dispose();
      throw e;
    }
    const steps = data.stepsPerEpoch;
    const statsFile: Record<string, string> = stats ? { "stats.json": `${JSON.stringify(stats, null, 2)}\n` } : {};
    const card = {
      architecture: {
        type: p.model.type,
        options: { seed: t.seed, ...Object.fromEntries(Object.entries(p.model).filter(([k]) => k !== "type")) },
      },
      ...(t.sequence ? sequenceChannels(p, src, t.sequence) : { inputs: tileInputs(p, src, stats, bands), outputs }),
      tileSize: p.tiling.size + 2 * p.tiling.overlap,
      training: {
        data: t.sequence
          ? `${here(p.input.path)}: windows wholly before ${t.sequence.until} (validation: after)`
          : `${here(p.input.path)} with labels ${here(p.input.labels ?? "")}`,
        loss: lossName(t.loss),
        pipeline: here(p.file),
        seed: t.seed,
      },
    };
    const replicas = replicaCount(t);
    // --force starts over: the old checkpoints go only now, so a run refused for its setup (a
    // misspelt monitor, labels off the grid) leaves them as they were.
    if (o.force) await rm(checkpoints, { recursive: true, force: true });
    const result = await fit(model, {
      epochs: t.epochs,
      loss: t.loss,
      schedule: t.schedule,
      train: data.train,
      validation: data.validation,
      ...(data.scorer ? { scorer: data.scorer } : {}),
      ...(t.monitor ? { monitor: t.monitor } : {}),
      ...(t.earlyStopping ? { earlyStopping: t.earlyStopping } : {}),
      checkpoints: { dir: checkpoints, card, extra: { ...statsFile, "pipeline.sha256": `${print}\n` } },
      ...(resume ? { resume } : {}),
      replicas,
      signal,
      onStep: (epoch, step, loss) => o.onStep?.(epoch, step, steps, loss),
      onEpoch: (r) => o.onEpoch?.(r),
    });
    // The product: the best epoch's model (with validation it is best/; the run always has one).
    const best = await loadModelDir(join(checkpoints, "best"));
    const bestRecord = result.history.find((h) => h.epoch === result.bestEpoch);
    const metrics = Object.fromEntries(
      Object.entries({ loss: bestRecord?.loss, valLoss: bestRecord?.valLoss, ...bestRecord?.metrics })
        .filter(([, v]) => typeof v === "number" && Number.isFinite(v))
        .map(([k, v]) => [k, Number((v as number).toPrecision(4))]), // four significant digits
    );
    await saveModelDir(t.output, best.model, { ...best.card, metrics }, statsFile);
    best.model.dispose();
    if (t.onnx) await exportModelDir(t.output);
    model.dispose();
    return {
      pipeline: p.file,
      output: t.output,
      checkpoints,
      epochs: result.epochs,
      bestEpoch: result.bestEpoch,
      best: result.best,
      monitor: t.monitor ?? "valLoss",
      stoppedEarly: result.stoppedEarly,
      resumed: resume !== null,
      tiles: data.counts,
      history: result.history,
      seconds: Math.round(performance.now() - started) / 1000,
      backend: tf.getBackend(),
      replicas,
    };
  } finally {
    await labels?.close();
    await src.close();
  }
}
