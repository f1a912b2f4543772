/**
 * Models by name, so pipeline files can say `model: {type: unet, depth: 3}`. Each model type is
 * one {@link ModelDescriptor}: its name, its options as a zod schema (the single source of their
 * TypeScript type), how to build the network (architectures) and how to ready a predictor for
 * tiles. Built in, registered by this module itself: `identity`, `ndvi`, `unet`, `convlstm`,
 * `global-cnn`. {@link registerModel} adds a user's own.
 *
 * Tiles reach a predictor as `[k, h, w, bands]`; for `convlstm` the bands are frames ×
 * channels, frame-major, and the predicted frames come back the same way. An architecture given
 * `path:` loads that trained model directory and checks its card against the input bands and
 * against any option the spec states; a contradiction is an error, never silently ignored.
 *
 * @example
 * ```ts
 * import { createModel } from "tilecast/models";
 * const { bands } = await createModel({ type: "global-cnn", blocks: 1, filters: 4 }, 3);
 * console.log(bands); // 3
 * ```
 */
import type * as tf from "@tensorflow/tfjs";
import type { z } from "zod";
import { TilecastError } from "../errors.js";
import type { InputScaling } from "../nn/onnx/export.js";
import { silenceTfjsNoise } from "../nn/quiet.js";
import type { Predictor } from "../stages/predict.js";
import type { InputBands } from "./descriptors/band-order.js";
import { convLstmModel } from "./descriptors/convlstm.js";
import { globalCnnModel } from "./descriptors/global-cnn.js";
import { identityModel } from "./descriptors/identity.js";
import { ndviModel } from "./descriptors/ndvi.js";
import { unetModel } from "./descriptors/unet.js";
import { parseOptions } from "./options.js";

/** Which engine runs inference: `auto` takes ONNX Runtime when it loads and the model exports. */
export type InferenceRuntime = "auto" | "onnx" | "tfjs";

/** What runs a loaded model, and why (for run summaries and logs). */
export interface RuntimeReport {
  runtime: "onnx" | "tfjs";
  /** ONNX Runtime's execution provider (cpu, cuda, tensorrt). */
  provider?: string;
  /** Where the ONNX graph came from: the directory's model.onnx, or an export made now. */
  source?: string;
  /** Why ONNX Runtime was not used under `auto`. */
  fallback?: string;
  /** ONNX Runtime sessions each batch is split over. */
  sessions?: number;
  /** The model normalizes raw input itself (the pipeline's last `normalize`, in its ONNX graph). */
  normalizes?: boolean;
  /** TF.js on native TensorFlow: the model runs as one TensorFlow graph (`nn/tf-graph`). */
  graph?: boolean;
  /** TF.js on native TensorFlow: why the model runs op by op instead of as one graph. */
  graphSkipped?: string;
}

/** A ready model: what to run and how many bands it returns. */
export interface LoadedModel {
  predictor: Predictor;
  bands: number;
  /** Set for networks (architectures); functions such as ndvi run in TF.js. */
  runtime?: RuntimeReport;
  /**
   * The predictor reads its input on the JavaScript side, not through the TF.js backend (ONNX
   * Runtime, `identity`): a pipeline stacks its batches on the host (`batch`'s `host`).
   */
  host?: boolean;
  /**
   * Set when the model normalizes its input itself (the context's `scaling`): it takes raw,
   * bands-first batches (`batch`'s `planar`, `[k, bands, h, w]`) and no others.
   */
  planar?: InputScaling;
  /**
   * Tiles a batch should hold for this model, when not the context's `batch`: a pool of ONNX
   * Runtime sessions takes a session's share at a time, every session busy with its own.
   */
  batchSize?: number;
  /** Free the model's resources (an ONNX Runtime session). */
  release?(): Promise<void>;
  /** The network's receptive field in pixels (a pixel's output depends on this square). */
  receptiveField?: number;
}

/** The input an architecture is built for (`null` sizes accept any). */
export interface ArchitectureInput {
  bands: number;
  height?: number | null;
  width?: number | null;
}

/**
 * One model type.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { z } from "zod";
 * import { createModel, registerModel } from "tilecast/models";
 * registerModel({
 *   name: "scale",
 *   summary: "multiply every band by a factor",
 *   options: z.strictObject({ factor: z.number() }),
 *   load: async (o, { inputBands }) => ({ predictor: (x: tf.Tensor4D) => x.mul(o.factor), bands: inputBands }),
 * });
 * const m = await createModel({ type: "scale", factor: 2 }, 3);
 * console.log(m.bands); // 3
 * ```
 */
export interface ModelDescriptor<S extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>> {
  readonly name: string;
  /** One line for `tilecast doctor` and errors. */
  readonly summary: string;
  /** The options a spec may give besides `type` (validated; errors name the key). */
  readonly options: S;
  /** Build the untrained network (architectures only). */
  build?(options: z.infer<S>, input: ArchitectureInput): tf.LayersModel;
  /** Ready a predictor for tiles of `inputBands` bands. */
  load(options: z.infer<S>, context: LoadContext): Promise<LoadedModel>;
}

/** What a descriptor's `load` is told besides its options. */
export interface LoadContext {
  inputBands: number;
  /**
   * The input bands' names and source indices, where known: a trained model refuses bands it
   * names in another order (`descriptors/band-order.ts`).
   */
  inputNames?: InputBands;
  /** Inference engine for networks (default `tfjs` in code, `auto` in pipelines). */
  runtime?: InferenceRuntime;
  /**
   * The normalization the tiles would get before the model: a model that can apply it itself
   * (ONNX Runtime, in its graph) says so with {@link LoadedModel.planar} and is then given raw,
   * bands-first batches.
   */
  scaling?: InputScaling;
  /** Tiles a batch holds (default 1): a model may split larger batches over its sessions. */
  batch?: number;
  /**
   * Called before TF.js runs a network (runtime `tfjs`, or `auto` falling back to it): a caller
   * that loaded TF.js with its cpu backend alone, ONNX Runtime being due to run the model, selects
   * the compute backend here (see `pipeline/run-backend.ts`).
   */
  beforeTfjs?: () => Promise<unknown>;
}

silenceTfjsNoise();

const registry = new Map<string, ModelDescriptor>();

/**
 * Register (or replace) a model type.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { registerModel, modelTypes } from "tilecast/models";
 * registerModel({ name: "copy", summary: "the input", options: z.strictObject({}), load: async (_o, c) => ({ predictor: (x) => x.clone(), bands: c.inputBands }) });
 * console.log(modelTypes().includes("copy")); // true
 * ```
 */
export function registerModel<S extends z.ZodType<Record<string, unknown>>>(d: ModelDescriptor<S>): void {
  registry.set(d.name, d as unknown as ModelDescriptor);
}

for (const d of [identityModel, ndviModel, unetModel, convLstmModel, globalCnnModel]) registerModel(d);

/**
 * Model types known, sorted.
 *
 * @example
 * ```ts
 * import { modelTypes } from "tilecast/models";
 * console.log(modelTypes()); // ["convlstm", "global-cnn", "identity", "ndvi", "unet"]
 * ```
 */
export function modelTypes(): string[] {
  return [...registry.keys()].sort();
}

/**
 * The descriptor of a model type; an unknown name is an `E_ARGUMENT` error listing the known ones.
 *
 * @example
 * ```ts
 * import { modelDescriptor } from "tilecast/models";
 * console.log(modelDescriptor("unet").summary);
 * ```
 */
export function modelDescriptor(type: string): ModelDescriptor {
  const d = registry.get(type);
  if (!d) throw new TilecastError("E_ARGUMENT", `unknown model type '${type}' (known: ${modelTypes().join(", ")})`);
  return d;
}

/**
 * Names of the types that build a network from options (`unet`, `convlstm`, `global-cnn`, and
 * any registered with `build`).
 *
 * @example
 * ```ts
 * import { architectureNames } from "tilecast/models";
 * console.log(architectureNames()); // ["unet", "convlstm", "global-cnn"]
 * ```
 */
export function architectureNames(): string[] {
  return [...registry.values()].filter((d) => d.build).map((d) => d.name);
}

/**
 * Ready a model from `{ type, ...options }` for tiles of `inputBands` bands. Networks run in
 * TF.js unless `options.runtime` is `onnx` (ONNX Runtime, an error if it cannot) or `auto` (ONNX
 * Runtime when it loads and the model exports, else TF.js; `runtime.fallback` says why).
 *
 * @example
 * ```ts
 * import { createModel } from "tilecast/models";
 * const m = await createModel({ type: "ndvi", nir: 3, red: 2 }, 4);
 * console.log(m.bands); // 1
 * ```
 */
export async function createModel(
  spec: { type: string } & Record<string, unknown>,
  inputBands: number,
  options: Omit<LoadContext, "inputBands"> = {},
): Promise<LoadedModel> {
  const { type, ...rest } = spec;
  const d = modelDescriptor(type);
  return d.load(parseOptions(d, rest), { ...options, inputBands, runtime: options.runtime ?? "tfjs" });
}

/**
 * Build an architecture's untrained network by name for `input`, options validated.
 *
 * @example
 * ```ts
 * import { buildArchitecture } from "tilecast/models";
 * const m = buildArchitecture("unet", { depth: 2, filters: 8 }, { bands: 4, height: 64, width: 64 });
 * console.log(m.countParams());
 * ```
 */
export function buildArchitecture(
  name: string,
  options: Record<string, unknown>,
  input: ArchitectureInput,
): tf.LayersModel {
  const d = registry.get(name);
  if (!d?.build)
    throw new TilecastError("E_ARGUMENT", `unknown architecture '${name}' (known: ${architectureNames().join(", ")})`);
  const { path: _path, ...rest } = options;
  return d.build(parseOptions(d, rest), input);
}
