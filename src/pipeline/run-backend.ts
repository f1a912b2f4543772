/**
 * The TF.js backend a pipeline run loads. ONNX Runtime runs a network unless the pipeline says
 * `runtime: tfjs`, and TF.js then only reads the model and writes its ONNX graph, which its cpu
 * backend does. The compute backend (wasm, or a native TensorFlow: hundreds of MB of library) is
 * loaded only when TF.js is to run the model after all: `runtime: tfjs`, a model that is not a
 * network, or `auto` falling back to TF.js (`beforeTfjs`, which selects it then; the model's
 * weights follow it there). With a native TensorFlow installed, the segmentation pipeline on a
 * 512² scene peaked at 646-648 MB when it loaded it for nothing, and at 338-356 MB on cpu.
 *
 * Internal (used by the CLI's `run` and `worker`). `loadRunModel` calls the hook before a model
 * that is not a network; a network's `load` calls it when TF.js is to run it.
 */
import { architectureNames } from "../models/registry.js";
import { type BackendReport, selectBackend, wantedBackend } from "../nn/backend.js";
import type { Pipeline } from "./config.js";

/** The backend selected now, and the hook that selects the compute backend when it is needed. */
export interface RunBackend {
  report: BackendReport;
  /** Selects the compute backend (null when `report` is it already); resolves to its report. */
  beforeTfjs: (() => Promise<BackendReport>) | null;
}

/** Whether a model type is a network (an architecture), which ONNX Runtime may run. */
export const isNetwork = (type: string): boolean => architectureNames().includes(type);

/** Whether ONNX Runtime may run `p`'s model: a network, and the pipeline does not ask for TF.js. */
export function onnxMayRun(p: Pick<Pipeline, "runtime" | "model">): boolean {
  return p.runtime !== "tfjs" && isNetwork(p.model.type);
}

/** A hook that selects the compute backend the first time it is called and gives that report after. */
export function computeBackendOnce(): () => Promise<BackendReport> {
  let chosen: Promise<BackendReport> | null = null;
  return () => {
    chosen ??= selectBackend();
    return chosen;
  };
}

/**
 * The cpu backend now, and the hook that selects the compute backend the first time TF.js is to
 * run a model (for a process that runs many pipelines, `tilecast worker`, as for one run).
 */
export async function cpuUntilTfjs(): Promise<{ report: BackendReport; beforeTfjs: () => Promise<BackendReport> }> {
  wantedBackend(); // a TILECAST_BACKEND that names no backend is refused now, not at a fallback
  return { report: await selectBackend({ prefer: "cpu" }), beforeTfjs: computeBackendOnce() };
}

/** Select the backend `p`'s run starts with; see the module documentation. */
export async function runBackend(p: Pick<Pipeline, "runtime" | "model">): Promise<RunBackend> {
  if (!onnxMayRun(p)) return { report: await selectBackend(), beforeTfjs: null };
  return cpuUntilTfjs();
}
