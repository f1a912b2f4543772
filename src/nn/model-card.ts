/**
 * Model directories: `model.json` + `weights.bin` (see {@link fileIO}) and `card.json`, which
 * says what the model expects and how it was made, so a pipeline can feed it correctly:
 * the architecture and its options, the inputs in order with their normalization statistics,
 * the outputs, the tile size, the training data, metrics and the backend it was trained on.
 *
 * @example
 * ```ts
 * import { loadModelDir, saveModelDir, unet } from "tilecast";
 * const model = unet({ inputShape: [32, 32, 2], depth: 2, filters: 4 });
 * await saveModelDir("/tmp/unet-card", model, {
 *   architecture: { type: "unet", options: { depth: 2, filters: 4 } },
 *   inputs: [{ name: "nir", mean: 0.3, std: 0.1 }, { name: "red", mean: 0.1, std: 0.05 }],
 *   outputs: [{ name: "water" }],
 *   tileSize: 32,
 * });
 * const { card } = await loadModelDir("/tmp/unet-card");
 * console.log(card.inputs.map((i) => i.name)); // ["nir", "red"]
 * ```
 */
import { join } from "node:path";
import { z } from "zod";
import { TilecastError } from "../errors.js";
import { readInput } from "../io/input-file.js";
import { tf } from "../tfjs.js";
import { readArtifacts, writeArtifacts } from "./file-io.js";
// tilecast's custom layers register on import: every model directory then loads, whoever loads it.
import "./channel-slice.js";
import "./last-frame.js";
import "./periodic-padding.js";
import "./repeat-frames.js";

const channel = z.object({
  name: z.string(),
  mean: z.number().optional(),
  std: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  units: z.string().optional(),
});

/** The schema of `card.json`. */
export const modelCardSchema = z.object({
  architecture: z.object({ type: z.string(), options: z.record(z.string(), z.unknown()).default({}) }),
  inputs: z.array(channel).min(1),
  outputs: z.array(channel).min(1),
  tileSize: z.number().int().positive().optional(),
  /**
   * Frames in and out, for sequence models, and the minutes between frames and the cell size the
   * model learned at (a forecast refuses input of another; `pipeline/trained-frames.ts`).
   */
  frames: z
    .object({
      input: z.number().int().positive(),
      output: z.number().int().positive(),
      stepMinutes: z.number().positive().optional(),
      /** The size of a cell: metres on a projected grid, degrees on a geographic one. */
      cell: z.object({ x: z.number().positive(), y: z.number().positive(), units: z.enum(["m", "degree"]) }).optional(),
    })
    .optional(),
  training: z
    .object({
      data: z.string().optional(),
      epochs: z.number().optional(),
      steps: z.number().optional(),
      loss: z.string().optional(),
      /** The train pipeline that made the model (`tilecast train` fills it in). */
      pipeline: z.string().optional(),
      seed: z.number().optional(),
      /** The epoch (1-based) whose weights these are, for the best of a run. */
      epoch: z.number().optional(),
    })
    .optional(),
  metrics: z.record(z.string(), z.number()).optional(),
  backend: z.string().optional(),
  /** The ONNX export beside the model (`tilecast model export`), and the weights it came from. */
  onnx: z
    .object({
      file: z.string(),
      opset: z.number().int(),
      weightsSha256: z.string(),
      /** The exporter's revision (`EXPORTER` in onnx/graph.ts); absent: 1. */
      exporter: z.number().int().optional(),
    })
    .optional(),
  created: z.string().optional(),
  tilecast: z.string().optional(),
});

/** The contents of `card.json`. */
export type ModelCard = z.infer<typeof modelCardSchema>;

/**
 * Save a model and its card into `dir` atomically. `backend` and `created` are filled in;
 * `extra` files (statistics, a checkpoint's optimizer state) land in the same commit.
 */
export async function saveModelDir(
  dir: string,
  model: tf.LayersModel,
  card: z.input<typeof modelCardSchema>,
  extra: Record<string, string | Uint8Array> = {},
): Promise<void> {
  const full = modelCardSchema.parse({ backend: tf.getBackend(), created: new Date().toISOString(), ...card });
  await model.save(
    tf.io.withSaveHandler((artifacts) =>
      writeArtifacts(dir, artifacts, { "card.json": `${JSON.stringify(full, null, 2)}\n`, ...extra }),
    ),
  );
}

/** Read `card.json` from a model directory; errors name the file and the bad key. */
export async function readModelCard(dir: string): Promise<ModelCard> {
  const path = join(dir, "card.json");
  let raw: unknown;
  try {
    raw = JSON.parse(await readInput(path, "utf8"));
  } catch (e) {
    if (e instanceof TilecastError) throw e;
    const missing = (e as { code?: string }).code === "ENOENT";
    throw new TilecastError(
      missing ? "E_NOT_FOUND" : "E_FORMAT",
      missing ? "no card.json in the model directory" : (e as Error).message,
      {
        path,
        cause: e,
      },
    );
  }
  const r = modelCardSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new TilecastError("E_FORMAT", `${issue?.path.join(".") || "card"}: ${issue?.message}`, { path });
  }
  return r.data;
}

/** Load a model directory: the model (custom layers included) and its card. */
export async function loadModelDir(dir: string): Promise<{ model: tf.LayersModel; card: ModelCard }> {
  const card = await readModelCard(dir);
  const artifacts = await readArtifacts(dir);
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  return { model, card };
}
