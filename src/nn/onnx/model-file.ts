/**
 * `model.onnx` beside a model directory's `model.json`: written by `tilecast model export`
 * (atomically), with the opset, the exporter's revision and a SHA-256 of the weights it came from
 * recorded in the card. A model whose weights no longer match the recorded hash (retrained,
 * replaced), or whose file an earlier revision of the exporter wrote, is exported afresh instead
 * of run from the stale file.
 *
 * @example
 * ```ts
 * import { exportModelDir } from "tilecast/nn";
 * const r = await exportModelDir("models/scene-water", "/tmp/water.onnx");
 * console.log(r.opset); // 17
 * ```
 */
import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { errorLine, TilecastError } from "../../errors.js";
import { atomicWrite } from "../../io/atomic.js";
import { readInput } from "../../io/input-file.js";
import { loadModelDir, type ModelCard, modelCardSchema, readModelCard } from "../model-card.js";
import { EXPORTER, exportOnnx, OPSET } from "./export.js";

/** SHA-256 (hex) of a model's weights, in `getWeights()` order. */
export function weightsDigest(model: tf.LayersModel): string {
  const h = createHash("sha256");
  for (const w of model.getWeights()) {
    const d = w.dataSync() as Float32Array;
    h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  return h.digest("hex");
}

/**
 * The ONNX bytes to run `model`: the directory's exported file when its recorded weights hash
 * matches, else a fresh export. `source` says which. `card` is the directory's card when the
 * caller has read it already.
 */
export async function onnxBytesFor(
  model: tf.LayersModel,
  dir?: string,
  known?: ModelCard,
): Promise<{ bytes: Uint8Array; source: "file" | "export" | "stale-file" }> {
  if (dir) {
    const card = known ?? (await readModelCard(dir).catch(() => null));
    if (card?.onnx) {
      const current = card.onnx.opset >= OPSET && (card.onnx.exporter ?? 1) >= EXPORTER;
      if (current && card.onnx.weightsSha256 === weightsDigest(model)) {
        const bytes = await readInput(join(dir, card.onnx.file)).catch(() => null);
        if (bytes) return { bytes: new Uint8Array(bytes), source: "file" };
      }
      return { bytes: exportOnnx(model), source: "stale-file" };
    }
  }
  return { bytes: exportOnnx(model), source: "export" };
}

/** What {@link exportModelDir} wrote. */
export interface OnnxExport {
  file: string;
  opset: number;
  weightsSha256: string;
  bytes: number;
}

/**
 * Export a model directory to ONNX: `out` (default `DIR/model.onnx`, recorded in the card with
 * the opset and weights hash so a stale export is detected). Written atomically.
 */
export async function exportModelDir(dir: string, out?: string): Promise<OnnxExport> {
  const { model, card } = await loadModelDir(dir);
  let bytes: Uint8Array;
  try {
    bytes = exportOnnx(model);
  } catch (e) {
    model.dispose();
    // Name the model directory, as every other error about it does.
    if (e instanceof TilecastError && !e.path) throw new TilecastError(e.code, e.problem, { path: dir, cause: e });
    throw e;
  }
  const target = resolve(out ?? join(dir, "model.onnx"));
  const weightsSha256 = weightsDigest(model);
  model.dispose();
  try {
    await atomicWrite(target, bytes);
  } catch (e) {
    if (e instanceof TilecastError) throw e; // atomicWrite's errors name the target and the problem
    throw new TilecastError("E_WRITE", `cannot write the ONNX model (${errorLine(e)})`, { path: target, cause: e });
  }
  if (resolve(target) === resolve(join(dir, "model.onnx"))) {
    const onnx = { file: "model.onnx", opset: OPSET, weightsSha256, exporter: EXPORTER };
    const next = modelCardSchema.parse({ ...card, onnx });
    await atomicWrite(join(dir, "card.json"), `${JSON.stringify(next, null, 2)}\n`);
  }
  return { file: out ?? target, opset: OPSET, weightsSha256, bytes: bytes.length };
}
