/**
 * What the three architectures share as registry entries: build from options, or load a trained
 * model directory (`path:`) whose card must agree with the input and with every option the spec
 * states; then wrap the network as a tile predictor.
 */
import { z } from "zod";
import { errorLine, TilecastError } from "../../errors.js";
import { inferenceModel } from "../../nn/inference-model.js";
import { loadModelDir, type ModelCard } from "../../nn/model-card.js";
import { modelSummary } from "../../nn/summary.js";
import { tf } from "../../tfjs.js";
import type { ArchitectureInput, LoadedModel, ModelDescriptor } from "../registry.js";
import { checkBandOrder, type InputBands } from "./band-order.js";
import { onnxPredictorOf } from "./onnx-predictor.js";
import { tileAdapter } from "./tile-adapter.js";

/** How an architecture is described before it becomes a registry entry. */
export interface ArchitectureDef<S extends z.ZodObject> {
  name: string;
  summary: string;
  options: S;
  build(options: z.infer<S>, input: ArchitectureInput): tf.LayersModel;
  /** Sequence models take `[k, T, h, w, c]`; tiles carry the frames as bands, frame-major. */
  sequence?: boolean;
}

/** The options of an architecture in a pipeline: its own plus `path` to a trained model. */
export type WithPath<S extends z.ZodObject> = z.ZodObject<S["shape"] & { path: z.ZodOptional<z.ZodString> }>;

function recorded(card: ModelCard, key: string): unknown {
  if (key === "inputFrames") return card.frames?.input ?? card.architecture.options[key];
  if (key === "outputFrames") return card.frames?.output ?? card.architecture.options[key];
  return card.architecture.options[key];
}

/** Refuse spec options that contradict (or are not recorded by) the saved model's card. */
export function checkAgainstCard(name: string, card: ModelCard, options: Record<string, unknown>, path: string): void {
  for (const [key, want] of Object.entries(options)) {
    if (key === "path" || want === undefined) continue;
    const have = recorded(card, key);
    if (have === undefined)
      throw new TilecastError(
        "E_ARGUMENT",
        `model.${key}: card.json does not record it, and options cannot change a saved ${name}; remove it from the spec`,
        { path },
      );
    if (JSON.stringify(have) !== JSON.stringify(want))
      throw new TilecastError(
        "E_ARGUMENT",
        `model.${key} is ${JSON.stringify(want)} but the saved ${name} has ${JSON.stringify(have)} (card.json); remove it from the spec or use another model`,
        { path },
      );
  }
}

async function modelFor<S extends z.ZodObject>(
  def: ArchitectureDef<S>,
  options: z.infer<WithPath<S>>,
  bands: number,
  inputNames?: InputBands,
): Promise<{ model: tf.LayersModel; frames: number; dir?: string; card?: ModelCard }> {
  const { path, ...rest } = options as { path?: string } & Record<string, unknown>;
  if (typeof path !== "string")
    return { model: def.build(rest as z.infer<S>, { bands }), frames: (rest.inputFrames as number | undefined) ?? 1 };
  const { model, card } = await loadModelDir(path);
  if (card.architecture.type !== def.name)
    throw new TilecastError("E_ARGUMENT", `the model is a ${card.architecture.type}, not a ${def.name}`, { path });
  checkAgainstCard(def.name, card, rest, path);
  const frames = card.frames?.input ?? 1;
  if (card.inputs.length * frames !== bands)
    throw new TilecastError(
      "E_ARGUMENT",
      `the model takes ${card.inputs.length * frames} bands (${card.inputs.map((i) => i.name).join(", ")}${frames > 1 ? ` × ${frames} frames` : ""}); the input has ${bands}`,
      { path },
    );
  if (frames === 1)
    checkBandOrder(
      card.inputs.map((i) => i.name),
      inputNames,
      path,
    );
  return { model, frames, dir: path, card };
}

/**
 * The TF.js predictor: the model with batch norm folded into its convolutions, run as one
 * TensorFlow graph on the native backend where it converts (`nn/inference-model.ts`).
 */
async function predictorOf(
  name: string,
  model: tf.LayersModel,
  frames: number,
  sequence: boolean,
): Promise<LoadedModel> {
  const a = tileAdapter(name, model, frames, sequence);
  const m = await inferenceModel(model);
  return {
    bands: a.outBands,
    runtime: {
      runtime: "tfjs",
      ...(m.graph ? { graph: true } : {}),
      ...(m.graphSkipped ? { graphSkipped: m.graphSkipped } : {}),
    },
    predictor: (x) => a.toTiles(m.predict(a.toInput(x))),
    release: async () => m.dispose(),
  };
}

/**
 * Turn an architecture definition into a registry entry (`path:` added to its options).
 *
 * @example
 * ```ts
 * import { architecture, unetOptions, unet, registerModel } from "tilecast/models";
 * registerModel(architecture({
 *   name: "small-unet",
 *   summary: "a U-Net of depth 2",
 *   options: unetOptions,
 *   build: (o, input) => unet({ ...o, depth: 2, inputShape: [input.height ?? null, input.width ?? null, input.bands] }),
 * }));
 * ```
 */
export function architecture<S extends z.ZodObject>(def: ArchitectureDef<S>): ModelDescriptor<WithPath<S>> {
  const options = def.options.extend({ path: z.string().optional() }) as unknown as WithPath<S>;
  return {
    name: def.name,
    summary: def.summary,
    options,
    build: (o, input) => {
      const { path: _path, ...rest } = o as { path?: string } & Record<string, unknown>;
      return def.build(rest as z.infer<S>, input);
    },
    async load(o, { inputBands, inputNames, runtime = "tfjs", scaling, batch, beforeTfjs }) {
      const { model, frames, dir, card } = await modelFor(def, o, inputBands, inputNames);
      const sequence = def.sequence ?? false;
      const receptiveField = modelSummary(model).receptiveField.size;
      if (runtime === "tfjs") {
        await beforeTfjs?.();
        return { ...(await predictorOf(def.name, model, frames, sequence)), receptiveField };
      }
      try {
        return {
          ...(await onnxPredictorOf(def.name, model, { frames, sequence, dir, card, scaling, batch })),
          receptiveField,
        };
      } catch (e) {
        if (runtime === "onnx")
          throw new TilecastError("E_UNSUPPORTED", `runtime onnx: ${errorLine(e)}`, {
            ...(dir ? { path: dir } : {}),
            cause: e,
          });
        await beforeTfjs?.(); // the model's weights follow it to the backend it selects
        const fallback = await predictorOf(def.name, model, frames, sequence);
        return { ...fallback, receptiveField, runtime: { runtime: "tfjs", fallback: errorLine(e) } };
      }
    },
  };
}
