/**
 * The `model:` section of a forecast pipeline, checked against the trained model it runs. A
 * forecast loads `model.path` itself, and read no other key: `type: unet` over a ConvLSTM's
 * directory, a misspelt key, or `filters: [64]` over a model of 16 ran the saved model, exit 0.
 * Now the type must be the card's, every key one the architecture has, and each stated option
 * the card's, as `tilecast run` requires.
 *
 * Internal (used by `forecast.ts`).
 */
import type { z } from "zod";
import { TilecastError } from "../errors.js";
import { checkAgainstCard } from "../models/descriptors/architecture.js";
import { modelDescriptor } from "../models/registry.js";
import type { ModelCard } from "../nn/model-card.js";
import type { Pipeline } from "./config.js";

/** Refuse a model section that disagrees with the saved model in `dir`; see the module documentation. */
export function checkForecastModel(p: Pipeline, card: ModelCard, dir: string): void {
  const { type, path: _path, ...options } = p.model;
  const saved = card.architecture.type;
  if (type !== saved)
    throw new TilecastError("E_ARGUMENT", `model.type is ${type}, but the model in ${dir} is a ${saved}`, {
      path: p.file,
    });
  const shape = (modelDescriptor(saved).options as unknown as Partial<z.ZodObject>).shape ?? {};
  const unknown = Object.keys(options).filter((k) => !(k in shape));
  if (unknown.length)
    throw new TilecastError("E_ARGUMENT", `model ${saved}: unknown key '${unknown.join("', '")}'`, { path: p.file });
  checkAgainstCard(saved, card, options, dir);
}
