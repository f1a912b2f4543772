/**
 * A forecast's model as its cycles run it: the trained network (its input shape says which
 * stepper rolls it out) and its folded copy for inference ({@link inferenceModel}), kept for the
 * process's next cycle of the same model (model-cache.ts). A schedule runs cycle after cycle in
 * one process: each loaded and folded the model anew, and TF.js's map of tensor names grew about
 * 10 KB a cycle, never emptied.
 *
 * The same model is the same directory with the same content, on the same TF.js backend: a model
 * retrained in place between cycles is loaded afresh.
 *
 * Internal (used by `forecast.ts`).
 */
import { resolve } from "node:path";
import { type InferenceModel, inferenceModel } from "../nn/inference-model.js";
import { loadModelDir } from "../nn/model-card.js";
import { tf } from "../tfjs.js";
import type { Pipeline } from "./config.js";
import { modelHash } from "./manifest.js";
import { sharedModel } from "./model-cache.js";

/** A forecast model in use; `release` ends this run's use of it. */
export interface ForecastRunner {
  readonly model: tf.LayersModel;
  readonly runner: InferenceModel;
  release(): Promise<void>;
}

/** The network in `dir` (`p.model.path`) and its runner: the kept ones, or loaded now. */
export async function forecastRunner(p: Pipeline, dir: string): Promise<ForecastRunner> {
  const key = JSON.stringify([
    "forecast",
    resolve(dir),
    process.env.TILECAST_BACKEND ?? "",
    tf.getBackend(),
    await modelHash(p),
  ]);
  return sharedModel(key, async () => {
    const { model } = await loadModelDir(dir);
    let runner: InferenceModel;
    try {
      runner = await inferenceModel(model);
    } catch (e) {
      model.dispose();
      throw e;
    }
    return {
      model,
      runner,
      release: async () => {
        runner.dispose();
        model.dispose();
      },
    };
  });
}
