/**
 * Save and load tfjs models in Node without `tfjs-node`: a file {@link tf.io.IOHandler} that
 * writes `model.json` (topology, weights manifest, training config, metadata) and one
 * `weights.bin`, the layout `tf.loadLayersModel` reads everywhere. Saving is atomic: both files
 * are written into a temporary directory that replaces the target on success.
 *
 * `file://` URLs are routed here (`model.save("file://models/x")`,
 * `tf.loadLayersModel("file://models/x/model.json")`), unless tfjs-node is loaded, whose own
 * handler then serves them.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { fileIO } from "tilecast";
 * const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * await m.save(fileIO("/tmp/tiny-model"));
 * const back = await tf.loadLayersModel(fileIO("/tmp/tiny-model"));
 * ```
 */
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { TilecastError } from "../errors.js";
import { type DirectoryKind, discard, ensureParent, publish, tempPathFor, trackTemp } from "../io/atomic.js";
import { readInput } from "../io/input-file.js";
import { readInJob } from "../io/reading.js";
import { tf } from "../tfjs.js";

/** A model directory may replace an empty directory or an older model directory, nothing else. */
const MODEL_DIRECTORY: DirectoryKind = {
  label: "a model directory",
  markers: ["model.json", "card.json", "weights.bin"],
};

const WEIGHTS = "weights.bin";

function concatWeights(data: tf.io.WeightData | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out;
}

/** Where the model lives: a directory, or its `model.json`. */
function modelJsonPath(target: string): { dir: string; json: string } {
  const p = resolve(target);
  return p.endsWith(".json") ? { dir: dirname(p), json: p } : { dir: p, json: join(p, "model.json") };
}

/** Write model artifacts into `dir` (created, or replaced atomically); `extra` files go beside them. */
export async function writeArtifacts(
  dir: string,
  artifacts: tf.io.ModelArtifacts,
  extra: Record<string, string | Uint8Array> = {},
): Promise<tf.io.SaveResult> {
  const weights = concatWeights(artifacts.weightData);
  const modelJson = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? "layers-model",
    generatedBy: artifacts.generatedBy,
    convertedBy: "tilecast",
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    weightsManifest: [{ paths: [WEIGHTS], weights: artifacts.weightSpecs ?? [] }],
  };
  await ensureParent(join(dir, "x"));
  const temp = tempPathFor(dir);
  trackTemp(temp);
  try {
    await mkdir(temp);
    await writeFile(join(temp, "model.json"), `${JSON.stringify(modelJson)}\n`);
    await writeFile(join(temp, WEIGHTS), weights);
    for (const [name, text] of Object.entries(extra)) await writeFile(join(temp, name), text);
    await publish(temp, dir, MODEL_DIRECTORY);
  } catch (e) {
    await discard(temp);
    throw new TilecastError("E_WRITE", `cannot save the model: ${(e as Error).message}`, { path: dir, cause: e });
  }
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: "JSON",
      modelTopologyBytes: JSON.stringify(artifacts.modelTopology ?? null).length,
      weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
      weightDataBytes: weights.byteLength,
    },
  };
}

/** Read `model.json` and its weight files. Errors name the file and the problem. */
export async function readArtifacts(target: string): Promise<tf.io.ModelArtifacts> {
  const { dir, json } = modelJsonPath(target);
  let text: string;
  try {
    text = await readInput(json, "utf8");
  } catch (e) {
    if (e instanceof TilecastError) throw e;
    const code = (e as { code?: string }).code;
    throw new TilecastError(
      code === "ENOENT" ? "E_NOT_FOUND" : "E_FORMAT",
      code === "ENOENT" ? "no model.json here" : (e as Error).message,
      {
        path: json,
        cause: e,
      },
    );
  }
  let m: {
    modelTopology?: object;
    weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    format?: string;
    generatedBy?: string;
    convertedBy?: string;
    trainingConfig?: tf.io.TrainingConfig;
    userDefinedMetadata?: { [key: string]: {} };
  };
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new TilecastError("E_FORMAT", `not valid JSON (${(e as Error).message})`, { path: json, cause: e });
  }
  if (!m.modelTopology || !Array.isArray(m.weightsManifest))
    throw new TilecastError("E_FORMAT", "model.json lacks modelTopology or weightsManifest", { path: json });
  await readInJob(json); // an output over the model (model export --out DIR/model.json) is refused
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of m.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const file = join(dir, p);
      await readInJob(file);
      buffers.push(
        await readInput(file).catch((e) => {
          if (e instanceof TilecastError) throw e;
          throw new TilecastError("E_NOT_FOUND", `weights file missing (listed in ${basename(json)})`, {
            path: file,
            cause: e,
          });
        }),
      );
    }
  }
  const weightData = concatWeights(
    buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer),
  );
  const bytesPer = { float32: 4, int32: 4, bool: 1 } as Record<string, number>;
  const checkable = specs.every((s) => !s.quantization && bytesPer[s.dtype] !== undefined);
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (bytesPer[s.dtype] ?? 0), 0);
  if (checkable && weightData.byteLength !== expected)
    throw new TilecastError(
      "E_TRUNCATED",
      `weights are ${weightData.byteLength} bytes; the manifest needs ${expected}`,
      { path: dir },
    );
  return {
    modelTopology: m.modelTopology,
    weightSpecs: specs,
    weightData: weightData.buffer as ArrayBuffer,
    ...(m.format ? { format: m.format } : {}),
    ...(m.generatedBy ? { generatedBy: m.generatedBy } : {}),
    ...(m.convertedBy ? { convertedBy: m.convertedBy } : {}),
    ...(m.trainingConfig ? { trainingConfig: m.trainingConfig } : {}),
    ...(m.userDefinedMetadata ? { userDefinedMetadata: m.userDefinedMetadata } : {}),
  };
}

/** An IOHandler for a model directory (or its `model.json`). */
export function fileIO(target: string): tf.io.IOHandler {
  return {
    save: (artifacts) => writeArtifacts(modelJsonPath(target).dir, artifacts),
    load: () => readArtifacts(target),
  };
}

let nativeIO = false;

/** Tell the router that tfjs-node's own `file://` handler is loaded. */
export function useNativeFileIO(): void {
  nativeIO = true;
}

const route = ((url: string | string[]) => {
  const u = Array.isArray(url) ? url[0] : url;
  if (nativeIO || typeof u !== "string" || !u.startsWith("file://")) return null;
  return fileIO(u.slice("file://".length));
}) as Parameters<typeof tf.io.registerSaveRouter>[0]; // routers return null for URLs they do not serve
tf.io.registerSaveRouter(route);
tf.io.registerLoadRouter(route);
