/**
 * What the three architectures share as registry entries: build from options, or load a trained
 * model directory (`path:`) whose card must agree with the input and with every option the spec
 * states; then wrap the network as a tile predictor.
 */
import { z } from "zod";
import { errorLine, TilecastError } from "../../errors.js";
import { inferenceModel } from "../../nn/inference-model.js";
import { loadModelDir, type ModelCard, readModelCard } from "../../nn/model-card.js";
import { modelSummary } from "../../nn/summary.js";
import { tf } from "../../tfjs.js";
import type { ArchitectureInput, LoadContext, LoadedModel, ModelDescriptor } from "../registry.js";
import { checkBandOrder, type InputBands } from "./band-order.js";
import { type OnnxPredictorOptions, onnxPredictorOf } from "./onnx-predictor.js";
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
  // The card is checked against the spec and the input before the weights are loaded: a refused
  // model loads nothing (its weights, read first, were kept for every refusal).
  const frames = checkCard(def.name, await readModelCard(path), path, rest, bands, inputNames);
  const { model, card } = await loadModelDir(path);
  return { model, frames, dir: path, card };
}

/** The frames the model at `path` takes, once its card agrees with the spec and the input. */
function checkCard(
  name: string,
  card: ModelCard,
  path: string,
  rest: Record<string, unknown>,
  bands: number,
  inputNames?: InputBands,
): number {
  if (card.architecture.type !== name)
    throw new TilecastError("E_ARGUMENT", `the model is a ${card.architecture.type}, not a ${name}`, { path });
  checkAgainstCard(name, card, rest, path);
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
  return frames;
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
 * What runs `model`: TF.js, or ONNX Runtime where the runtime asks for it, falling back to TF.js
 * when the export or the session fails and the runtime is `auto`.
 */
async function runnerOf(
  name: string,
  model: tf.LayersModel,
  runtime: LoadContext["runtime"],
  beforeTfjs: LoadContext["beforeTfjs"],
  o: OnnxPredictorOptions,
): Promise<LoadedModel> {
  if (runtime === "tfjs" || runtime === undefined) {
    await beforeTfjs?.();
    return predictorOf(name, model, o.frames, o.sequence);
  }
  try {
    return await onnxPredictorOf(name, model, o);
  } catch (e) {
    if (runtime === "onnx")
      throw new TilecastError("E_UNSUPPORTED", `runtime onnx: ${errorLine(e)}`, {
        ...(o.dir ? { path: o.dir } : {}),
        cause: e,
      });
    await beforeTfjs?.(); // the model's weights follow it to the backend it selects
    const fallback = await predictorOf(name, model, o.frames, o.sequence);
    return { ...fallback, runtime: { runtime: "tfjs", fallback: errorLine(e) } };
  }
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
      // The model is this load's: released with what runs it, or at once when loading fails. A
      // worker or a schedule runs thousands of scenes in one process, each loading it anew, and
      // kept its weights (and their ONNX export's) for every one.
      try {
        const sequence = def.sequence ?? false;
        const receptiveField = modelSummary(model).receptiveField.size;
        const loaded = await runnerOf(def.name, model, runtime, beforeTfjs, {
          frames,
          sequence,
          dir,
          card,
          scaling,
          batch,
        });
        return {
          ...loaded,
          receptiveField,
          release: async () => {
            try {
              await loaded.release?.();
            } finally {
              model.dispose();
            }
          },
        };
      } catch (e) {
        model.dispose();
        throw e;
      }
    },
  };
}
