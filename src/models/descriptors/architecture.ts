/**
 * What the three architectures share as registry entries: build from options, or load a trained
 * model directory (`path:`) whose card must agree with the input and with every option the spec
 * states; then wrap the network as a tile predictor.
 */
import { z } from "zod";
import { errorLine, TilecastError } from "../../errors.js";
import { foldBatchNorm } from "../../nn/fold-batch-norm.js";
import { loadModelDir, type ModelCard } from "../../nn/model-card.js";
import { modelSummary } from "../../nn/summary.js";
import { takeSource, tensorFromArray, transferableSource } from "../../nn/tensor-array.js";
import { tf } from "../../tfjs.js";
import type { ArchitectureInput, LoadedModel, ModelDescriptor } from "../registry.js";

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
function checkAgainstCard(name: string, card: ModelCard, options: Record<string, unknown>, path: string): void {
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
  return { model, frames, dir: path, card };
}

function poolFactor(model: tf.LayersModel): number {
  return 2 ** model.layers.filter((l) => l.getClassName() === "MaxPooling2D").length;
}

/**
 * How tiles `[k, h, w, bands]` become the network's input and its output becomes tiles again:
 * sequence models take `[k, T, h, w, c]` with the frames as bands, frame-major.
 */
function tileAdapter(name: string, model: tf.LayersModel, frames: number, sequence: boolean) {
  const out = model.outputs[0]?.shape ?? [];
  const outBands = (out[out.length - 1] as number) * (sequence ? (out[1] as number) : 1);
  const m = sequence ? 1 : poolFactor(model);
  return {
    outBands,
    toInput(x: tf.Tensor4D): tf.Tensor {
      const [k, h, w, c] = x.shape;
      if (h % m !== 0 || w % m !== 0)
        throw new TilecastError(
          "E_ARGUMENT",
          `${name}: tile windows of ${h}x${w} are not divisible by ${m}; choose tileSize + 2·overlap divisible by ${m}`,
        );
      return sequence ? x.reshape([k, h, w, frames, c / frames]).transpose([0, 3, 1, 2, 4]) : x;
    },
    toTiles(y: tf.Tensor): tf.Tensor4D {
      if (!sequence) return y as tf.Tensor4D;
      const [k, , h, w] = y.shape as number[];
      return y.transpose([0, 2, 3, 1, 4]).reshape([k as number, h as number, w as number, outBands]);
    },
  };
}

/** The TF.js predictor: the model with batch norm folded into its convolutions. */
async function predictorOf(
  name: string,
  model: tf.LayersModel,
  frames: number,
  sequence: boolean,
): Promise<LoadedModel> {
  const a = tileAdapter(name, model, frames, sequence);
  const folded = await foldBatchNorm(model);
  return {
    bands: a.outBands,
    runtime: { runtime: "tfjs" },
    predictor: (x) => a.toTiles(folded.predict(a.toInput(x)) as tf.Tensor),
  };
}

/** The same predictor on ONNX Runtime: one session, batches awaited off the main thread. */
async function onnxPredictorOf(
  name: string,
  model: tf.LayersModel,
  frames: number,
  sequence: boolean,
  dir: string | undefined,
  card: ModelCard | undefined,
): Promise<LoadedModel> {
  const { OnnxSession, onnxBytesFor, onnxSpinning, pipelineOnnxThreads } = await import("../../nn/onnx/index.js");
  const { bytes, source } = await onnxBytesFor(model, dir, card);
  // A tile model runs beside a data path: its idle threads sleep, leaving it the cores.
  const session = await OnnxSession.create(bytes, { threads: pipelineOnnxThreads(), spin: onnxSpinning(false) });
  const a = tileAdapter(name, model, frames, sequence);
  return {
    bands: a.outBands,
    runtime: { runtime: "onnx", provider: session.provider, source },
    host: true,
    predictor: {
      async predictAsync(x) {
        const input = tf.tidy(() => a.toInput(x));
        const shape = input.shape;
        // Stacked tiles go to the worker as they are (their array is handed over, not copied):
        // a pipeline's batch is taken whole (and disposed), else the array the backend copied.
        const own = takeSource(input) ?? transferableSource(input);
        const data = own ?? ((await input.data()) as Float32Array);
        if (input !== x) input.dispose();
        const out = await session.run(data, shape, { transfer: own !== null });
        // The stitcher reads the output's array: it stays on the host, uncopied.
        return tf.tidy(() => a.toTiles(tensorFromArray(out.data, out.dims, { host: true })));
      },
    },
    release: () => session.release(),
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
    async load(o, { inputBands, runtime = "tfjs" }) {
      const { model, frames, dir, card } = await modelFor(def, o, inputBands);
      const sequence = def.sequence ?? false;
      const receptiveField = modelSummary(model).receptiveField.size;
      if (runtime === "tfjs") return { ...(await predictorOf(def.name, model, frames, sequence)), receptiveField };
      try {
        return { ...(await onnxPredictorOf(def.name, model, frames, sequence, dir, card)), receptiveField };
      } catch (e) {
        if (runtime === "onnx")
          throw new TilecastError("E_UNSUPPORTED", `runtime onnx: ${errorLine(e)}`, {
            ...(dir ? { path: dir } : {}),
            cause: e,
          });
        const fallback = await predictorOf(def.name, model, frames, sequence);
        return { ...fallback, receptiveField, runtime: { runtime: "tfjs", fallback: errorLine(e) } };
      }
    },
  };
}
