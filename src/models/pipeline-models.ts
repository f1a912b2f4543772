/**
 * Registers the architectures with the pipeline model registry ({@link registerModel}), so a
 * pipeline file can say `model: {type: unet, depth: 3}` or `model: {type: unet, path: ../models/water}`.
 * Tiles are `[k, h, w, bands]`; for `convlstm` the bands are frames × channels, frame-major,
 * and the predicted frames come back the same way.
 *
 * @example
 * ```ts
 * import { createModel } from "tilecast";
 * const { bands } = await createModel({ type: "global-cnn", blocks: 1, filters: 4 }, 3);
 * console.log(bands); // 3
 * ```
 */
import * as tf from "@tensorflow/tfjs";
import { TilecastError } from "../errors.js";
import { loadModelDir } from "../nn/model-card.js";
import { type LoadedModel, registerModel } from "../pipeline/models.js";
import { type ArchitectureName, architectureNames, buildArchitecture } from "./architectures.js";

async function modelFor(name: ArchitectureName, options: Record<string, unknown>, bands: number) {
  const { type: _type, path, ...rest } = options;
  if (typeof path !== "string")
    return { model: buildArchitecture(name, rest, { bands }), frames: rest.inputFrames as number | undefined };
  const { model, card } = await loadModelDir(path);
  if (card.architecture.type !== name)
    throw new TilecastError("E_ARGUMENT", `the model is a ${card.architecture.type}, not a ${name}`, { path });
  const frames = card.frames?.input ?? 1;
  if (card.inputs.length * frames !== bands)
    throw new TilecastError(
      "E_ARGUMENT",
      `the model takes ${card.inputs.length * frames} bands (${card.inputs.map((i) => i.name).join(", ")}${frames > 1 ? ` × ${frames} frames` : ""}); the input has ${bands}`,
      { path },
    );
  return { model, frames: card.frames?.input };
}

function poolFactor(model: tf.LayersModel): number {
  return 2 ** model.layers.filter((l) => l.getClassName() === "MaxPooling2D").length;
}

async function load(name: ArchitectureName, options: Record<string, unknown>, bands: number): Promise<LoadedModel> {
  const { model, frames } = await modelFor(name, options, bands);
  const out = model.outputs[0]?.shape ?? [];
  const outBands = (out[out.length - 1] as number) * (name === "convlstm" ? (out[1] as number) : 1);
  if (name === "convlstm") {
    const t = frames ?? 1;
    return {
      bands: outBands,
      predictor: (x) => {
        const [k, h, w, c] = x.shape;
        const seq = x.reshape([k, h, w, t, c / t]).transpose([0, 3, 1, 2, 4]);
        const y = model.predict(seq) as tf.Tensor5D;
        return y.transpose([0, 2, 3, 1, 4]).reshape([k, h, w, outBands]);
      },
    };
  }
  const m = poolFactor(model);
  return {
    bands: outBands,
    predictor: (x) => {
      const [, h, w] = x.shape;
      if (h % m !== 0 || w % m !== 0)
        throw new TilecastError(
          "E_ARGUMENT",
          `${name}: tile windows of ${h}x${w} are not divisible by ${m}; choose tileSize + 2·overlap divisible by ${m}`,
        );
      return model.predict(x) as tf.Tensor;
    },
  };
}

for (const name of architectureNames) registerModel(name, (options, bands) => load(name, options, bands));
