/**
 * How a run loads and feeds its model: whether the model normalizes the tiles itself (raw,
 * bands-first batches for ONNX Runtime with the normalization in its graph), how `batch` stacks
 * for it, and how many batches the run holds so reading never waits for the model.
 *
 * Internal (used by `run.ts`).
 */

import type { OperatorFunction } from "rxjs";
import { TilecastError } from "../errors.js";
import type { DType } from "../grid/dtype.js";
import type { InputBands } from "../models/descriptors/band-order.js";
import { createModel, type LoadContext, type LoadedModel } from "../models/registry.js";
import { type ModelCard, readModelCard } from "../nn/model-card.js";
import type { BatchOptions } from "../stages/batch.js";
import type { Normalization, NormalizeOperator } from "../stages/normalize.js";
import { isAsyncPredictor, type Predictor } from "../stages/predict.js";
import { inputScaling, planarExact } from "../stages/stack-planar.js";
import type { Tile } from "../stages/tile.js";
import type { Pipeline } from "./config.js";
import { modelHash } from "./manifest.js";
import { sharedModel } from "./model-cache.js";
import { isNetwork } from "./run-backend.js";

/**
 * What the run's last tile stage leaves to the batch or the model: a last `normalize` stage
 * (`fused`) is done by `batch` as it stacks (same values, one pass fewer), or offered to the model
 * (`load.scaling`) for sample types float32 holds exactly and bands without a value transform.
 * `load` is what `createModel` is told besides the bands.
 */
export function modelFeed(
  p: Pipeline,
  stages: readonly [string, OperatorFunction<Tile, Tile>][],
  dtype: DType,
  bands: number,
): { fused: Normalization | undefined; load: Omit<LoadContext, "inputBands"> } {
  const fused = (stages.at(-1)?.[1] as Partial<NormalizeOperator> | undefined)?.normalization;
  const scaling = fused && planarExact(dtype) ? inputScaling(fused, bands) : null;
  return { fused, load: { runtime: p.runtime, batch: p.batch, ...(scaling ? { scaling } : {}) } };
}

/**
 * The run's model, loaded as {@link modelFeed} says, and `fused`: a last `normalize` stage, done
 * by `batch` as it stacks unless the model takes it into its graph.
 * `beforeTfjs` (`RunOptions`) is called before a model that is not a network; a network's load
 * calls it when TF.js is to run it.
 */
export async function loadRunModel(
  p: Pipeline,
  stages: readonly [string, OperatorFunction<Tile, Tile>][],
  dtype: DType,
  bands: number,
  beforeTfjs?: () => Promise<unknown>,
  inputNames?: InputBands,
): Promise<{ fused: Normalization | undefined; model: LoadedModel }> {
  const { fused, load } = modelFeed(p, stages, dtype, bands);
  const network = isNetwork(p.model.type);
  if (beforeTfjs && !network) await beforeTfjs();
  const create = () =>
    createModel(p.model, bands, {
      ...load,
      ...(beforeTfjs ? { beforeTfjs } : {}),
      ...(inputNames ? { inputNames } : {}),
    });
  // A network is kept for the process's next run of it (model-cache.ts); a kept one on TF.js
  // selects its backend again, as its load did.
  const again = async (m: LoadedModel) => (m.runtime?.runtime === "onnx" ? undefined : beforeTfjs?.());
  const model = await (network
    ? sharedModel(await modelKey(p, bands, load, inputNames), create, again)
    : create()
  ).catch((e: unknown) => {
    // A model type or option the file got wrong names the file, as training's do.
    if (e instanceof TilecastError && e.path === undefined)
      throw new TilecastError(e.code, e.problem, { path: p.file, cause: e });
    throw e;
  });
  return { fused, model };
}

/** What makes a loaded network the same one (see model-cache.ts). */
async function modelKey(
  p: Pipeline,
  bands: number,
  load: Omit<LoadContext, "inputBands">,
  inputNames: InputBands | undefined,
): Promise<string> {
  return JSON.stringify([
    p.model,
    bands,
    load,
    inputNames ? [inputNames.names, inputNames.indices] : null,
    process.env.TILECAST_BACKEND ?? "",
    await modelHash(p),
  ]);
}

/** The card of the trained model a pipeline runs (`model.path`), or null for none or an unreadable one. */
export async function pipelineCard(p: Pipeline): Promise<ModelCard | null> {
  return typeof p.model.path === "string" ? readModelCard(p.model.path).catch(() => null) : null;
}

/**
 * The names the model's card gives its output channels (a segmentation model's classes), where
 * it names each of the output's `bands`; null otherwise. A run's output bands carry them, so GDAL,
 * QGIS and xarray show `land, water, cloud, shadow`, not Band 1 to 4.
 */
export async function outputBandNames(p: Pipeline, bands: number): Promise<string[] | null> {
  const names = (await pipelineCard(p))?.outputs.map((o) => o.name);
  return names && names.length === bands ? names : null;
}

/** How `batch` stacks for `model`: normalized as it stacks, or raw for a model that scales itself. */
export function batchOptions(fused: Normalization | undefined, model: LoadedModel): BatchOptions {
  if (model.planar) return { planar: model.planar, host: true };
  return { ...(fused ? { normalize: fused } : {}), host: model.host ?? false };
}

/**
 * Batches a run holds: those the model holds (see `predict`) and two filling, so reading never
 * waits for the model; two in all for a model on the main thread (one filling, one in it).
 */
export function inFlightBatches(m: Predictor): number {
  return isAsyncPredictor(m) ? (m.inFlight ?? 2) + 2 : 2;
}
