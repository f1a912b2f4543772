/**
 * Models by name, so pipeline files can say `model: {type: identity}`. A factory gets the
 * model options from the file and the number of input bands, and returns a predictor and its
 * output band count. Built in: `identity` (the input, for checking a pipeline end to end) and
 * `ndvi` (a normalized difference `(a - b) / (a + b)` of two bands: `nir`, `red`, 0-based).
 * Trained architectures register themselves here too.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { registerModel } from "tilecast";
 * registerModel("double", async (_options, bands) => ({ predictor: (x: tf.Tensor4D) => x.mul(2), bands }));
 * ```
 */
import * as tf from "@tensorflow/tfjs";
import { TilecastError } from "../errors.js";
import type { Predictor } from "../stages/predict.js";

/** A ready model: what to run and how many bands it returns. */
export interface LoadedModel {
  predictor: Predictor;
  bands: number;
}

/** Builds a model from its pipeline options and the input band count. */
export type ModelFactory = (options: Record<string, unknown>, inputBands: number) => Promise<LoadedModel>;

const factories = new Map<string, ModelFactory>();

/** Register (or replace) a model type. */
export function registerModel(type: string, factory: ModelFactory): void {
  factories.set(type, factory);
}

/** Model types known so far. */
export function modelTypes(): string[] {
  return [...factories.keys()].sort();
}

/** Build a model from `{ type, ...options }`. */
export async function createModel(
  spec: { type: string } & Record<string, unknown>,
  inputBands: number,
): Promise<LoadedModel> {
  const f = factories.get(spec.type);
  if (!f)
    throw new TilecastError("E_ARGUMENT", `unknown model type '${spec.type}' (known: ${modelTypes().join(", ")})`);
  return f(spec, inputBands);
}

function bandOption(options: Record<string, unknown>, key: string, bands: number): number {
  const v = options[key];
  if (!(typeof v === "number" && Number.isInteger(v) && v >= 0 && v < bands))
    throw new TilecastError("E_ARGUMENT", `model.${key} must be a band index below ${bands}, got ${String(v)}`);
  return v;
}

registerModel("identity", async (_o, bands) => ({ predictor: (x) => x.clone(), bands }));

registerModel("ndvi", async (o, bands) => {
  const nir = bandOption(o, "nir", bands);
  const red = bandOption(o, "red", bands);
  return {
    bands: 1,
    predictor: (x) => {
      const a = x.slice([0, 0, 0, nir], [-1, -1, -1, 1]);
      const b = x.slice([0, 0, 0, red], [-1, -1, -1, 1]);
      return tf.divNoNan(a.sub(b), a.add(b));
    },
  };
});
