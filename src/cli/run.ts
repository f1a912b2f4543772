/**
 * `tilecast run` and `tilecast preview`: pipeline files from the command line, with a progress
 * bar (plain lines when not a TTY), structured logs (`--log-format json`: one JSON object per
 * event on stderr) and a run summary on stdout.
 */
import pino from "pino";
import { type BackendReport, describeBackend, selectBackend } from "../nn/backend.js";
import { loadPipeline } from "../pipeline/config.js";
import { previewPipeline } from "../pipeline/preview.js";
import { type RunSummary, runPipeline } from "../pipeline/run.js";
import { bundledPipeline } from "./bundled.js";
import { progress } from "./progress.js";

/** Flags of `tilecast run`. */
export interface RunFlags {
  set: string[];
  logFormat: "text" | "json";
  quiet?: boolean;
  outputRoot?: string;
  /** Inference engine (sets the pipeline's `runtime`). */
  runtime?: string;
}

/** Human-readable summary lines. */
export function formatSummary(s: RunSummary, backend?: BackendReport): string {
  return [
    `wrote ${s.output} (${s.width} x ${s.height})`,
    `  tiles     ${s.tilesRead} read, ${s.tilesSkipped} skipped (all nodata), ${s.tilesWritten} predicted, of ${s.tilesTotal}${s.tilesRevisited ? ` (+${s.tilesRevisited} stripe-edge revisits)` : ""}`,
    `  time      ${s.seconds.toFixed(2)} s`,
    `  memory    ${s.peakRssMB} MB peak RSS`,
    `  backend   ${backend ? describeBackend(backend) : s.backend}`,
    ...(s.runtime === "onnx" ? [`  runtime   ONNX Runtime (${s.provider ?? "cpu"} provider) runs the model`] : []),
    ...(s.runtimeFallback ? [`  runtime   TF.js (ONNX Runtime not used: ${s.runtimeFallback})`] : []),
    ...(s.statsFile ? [`  stats     ${s.statsFile}`] : []),
    ...(s.classes ? [`  classes   ${s.classes}`] : []),
    ...(s.warning ? [`  warning   ${s.warning}`] : []),
    ...(s.quicklook ? [`  quicklook ${s.quicklook}`] : []),
  ].join("\n");
}

/** A pipeline file, or a bundled pipeline's name with its outputs put under ./out. */
async function pipelineArg(arg: string, sets: readonly string[]) {
  const bundled = bundledPipeline(arg);
  return bundled ? loadPipeline(bundled.file, [...bundled.sets, ...sets]) : loadPipeline(arg, sets);
}

/** Run a pipeline file (or a bundled pipeline by name). */
export async function runCommand(file: string, o: RunFlags): Promise<void> {
  const p = await pipelineArg(file, [...o.set, ...(o.runtime ? [`runtime=${o.runtime}`] : [])]);
  const json = o.logFormat === "json";
  const logger = json ? pino({ base: null }, pino.destination({ dest: 2, sync: true })) : null;
  const backend = await selectBackend();
  logger?.info({ event: "backend", ...backend }, "backend");
  let bar: ReturnType<typeof progress> | null = null;
  const summary = await runPipeline(p, {
    ...(o.outputRoot ? { outputRoot: o.outputRoot } : {}),
    onProgress(done, total) {
      if (json) return;
      bar ??= progress(p.name ?? "run", total, o.quiet);
      bar.update(done);
    },
    log(event, fields) {
      logger?.info({ event, ...fields }, event); // text mode: the summary says it all
    },
  });
  (bar as ReturnType<typeof progress> | null)?.stop();
  process.stdout.write(
    json ? `${JSON.stringify({ ...summary, backendInfo: backend })}\n` : `${formatSummary(summary, backend)}\n`,
  );
}

/** Write a contact sheet for a pipeline file. */
export async function previewCommand(
  file: string,
  o: { out: string; tiles: number; set: string[]; bands?: string },
): Promise<void> {
  const p = await pipelineArg(file, o.set);
  await selectBackend();
  const bands = o.bands?.split(",").map(Number);
  const r = await previewPipeline(p, o.out, { tiles: o.tiles, ...(bands ? { bands } : {}) });
  process.stdout.write(`wrote ${r.path} (${r.tiles} tiles, before | after augmentation, ${r.width} x ${r.height})\n`);
}
