/**
 * `tilecast doctor` and `tilecast model summary`: which backend runs and why, and what a model
 * looks like (layers, output shapes, parameters, receptive field). Loaded on use, since both
 * import TensorFlow.js.
 */
import { stat } from "node:fs/promises";
import { TilecastError } from "../errors.js";
import { architectureNames, buildArchitecture, modelTypes } from "../models/registry.js";
import { describeBackend, selectBackend } from "../nn/backend.js";
import { loadModelDir } from "../nn/model-card.js";
import { formatModelSummary, modelSummary } from "../nn/summary.js";
import { parseSets } from "../pipeline/config.js";
import { describeHugePages, hugePages } from "../util/huge-pages.js";

/** Print the backend report and the inference runtime. */
export async function doctorCommand(o: { json?: boolean }): Promise<void> {
  const r = await selectBackend();
  const { onnxRuntimeInfo } = await import("../nn/onnx/runtime.js");
  const { vulkanGpu } = await import("../nn/onnx/vulkan.js");
  const onnx = await onnxRuntimeInfo();
  const vulkan = vulkanGpu();
  const huge = await hugePages();
  const report = {
    ...r,
    onnx,
    vulkanGpu: vulkan,
    inference: onnx.available ? "onnx" : "tfjs",
    node: process.versions.node,
    hugePages: huge,
    modelTypes: modelTypes(),
  };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const lines = [
    `inference ${onnx.available ? `ONNX Runtime ${onnx.version}, providers ${onnx.providers.join(" > ")}, ${onnx.threads} threads` : `TF.js (${onnx.reason})`}`,
    `backend   ${describeBackend(r)}`,
    `package   ${r.package}`,
    `gpu       TF.js ${r.gpu ? "on CUDA" : "no"}; ONNX Runtime ${vulkan ? `WebGPU over Vulkan (${vulkan})` : "no Vulkan GPU found"}`,
    ...r.skipped.map((s) => `skipped   ${s.backend}: ${s.reason}`),
    `node      ${process.versions.node}`,
    `memory    ${describeHugePages(huge)}`,
    `models    ${report.modelTypes.join(", ")}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** Parse `HxWxC` (or `TxHxWxC` for sequence models: frames × channels bands). */
function parseInput(text: string): { height: number; width: number; bands: number } {
  const v = text.split("x").map(Number);
  if (!(v.length === 3 && v.every((n) => Number.isInteger(n) && n > 0)))
    throw new TilecastError("E_ARGUMENT", `--input must look like 128x128x4 (height x width x bands), got '${text}'`);
  const [height, width, bands] = v as [number, number, number];
  return { height, width, bands };
}

/** Summarise a model directory or an architecture by name. */
export async function modelSummaryCommand(
  model: string,
  o: { json?: boolean; input: string; set: string[] },
): Promise<void> {
  await selectBackend();
  const isDir = await stat(model).then(
    (s) => s.isDirectory(),
    () => false,
  );
  let m: import("@tensorflow/tfjs").LayersModel;
  if (isDir) m = (await loadModelDir(model)).model;
  else if (architectureNames().includes(model))
    m = buildArchitecture(model, Object.fromEntries(parseSets(o.set)), parseInput(o.input));
  else
    throw new TilecastError(
      "E_NOT_FOUND",
      `not a model directory or an architecture (${architectureNames().join(", ")})`,
      { path: model },
    );
  const s = modelSummary(m);
  process.stdout.write(o.json ? `${JSON.stringify(s)}\n` : `${formatModelSummary(s)}\n`);
}

/** Export a model directory to ONNX and say where it went. */
export async function modelExportCommand(dir: string, o: { out?: string }): Promise<void> {
  await selectBackend();
  const { exportModelDir } = await import("../nn/onnx/model-file.js");
  const r = await exportModelDir(dir, o.out);
  process.stdout.write(
    `wrote ${r.file} (ONNX opset ${r.opset}, ${(r.bytes / 1024).toFixed(0)} KiB, weights sha256 ${r.weightsSha256.slice(0, 12)})\n`,
  );
}
