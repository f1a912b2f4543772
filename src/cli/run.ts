/**
 * `tilecast run` and `tilecast preview`: pipeline files from the command line, with a progress
 * bar (plain lines when not a TTY), structured logs (`--log-format json`: one JSON object per
 * event on stderr) and a run summary on stdout.
 */
import pino from "pino";
import { TilecastError } from "../errors.js";
import { onGracefulStop } from "../io/atomic.js";
import { type BackendReport, describeBackend, selectBackend } from "../nn/backend.js";
import { checkTiling } from "../pipeline/input.js";
import { previewPipeline } from "../pipeline/preview.js";
import { type RunSummary, runPipeline } from "../pipeline/run.js";
import { runBackend } from "../pipeline/run-backend.js";
import { finalizeRun } from "../pipeline/run-output.js";
import { loadPipelineOwnScene } from "../pipeline/scene.js";
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
  resume?: boolean;
  force?: boolean;
  /** `i/n`. */
  shard?: string;
  /** Print the summary as JSON (as `--log-format json` does, without the event log). */
  json?: boolean;
}

/** `i/n` as a shard; an error naming the flag otherwise. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count)
    throw new TilecastError("E_ARGUMENT", `--shard '${text}': expected i/n with 0 <= i < n, e.g. 0/4`);
  return { index, count };
}

/** Human-readable summary lines. */
export function formatSummary(s: RunSummary, backend?: BackendReport): string {
  if (s.alreadyComplete) return `${s.output} is complete already (its manifest matches): nothing to do`;
  const parts =
    s.parts.total > 1 || s.parts.before > 0
      ? [`  parts     ${s.parts.ran} done now, ${s.parts.before} before, of ${s.parts.total}`]
      : [];
  return [
    s.committed
      ? `wrote ${s.output} (${s.width} x ${s.height})`
      : `wrote ${s.parts.ran} parts of ${s.output}; tilecast finalize commits it once every shard is done`,
    ...parts,
    `  tiles     ${s.tilesRead} read, ${s.tilesSkipped} skipped (all nodata), ${s.tilesWritten} predicted, of ${s.tilesTotal}${s.tilesRevisited ? ` (+${s.tilesRevisited} stripe-edge revisits)` : ""}`,
    `  time      ${s.seconds.toFixed(2)} s`,
    `  memory    ${s.peakRssMB} MB peak RSS`,
    `  backend   ${backend ? describeBackend(backend) : s.backend}${s.runtime === "onnx" ? " (TF.js reads the model)" : ""}`,
    ...(s.runtime === "onnx" ? [`  runtime   ONNX Runtime (${s.provider ?? "cpu"} provider) runs the model`] : []),
    ...(s.runtimeFallback ? [`  runtime   TF.js (ONNX Runtime not used: ${s.runtimeFallback})`] : []),
    ...(s.statsFile ? [`  stats     ${s.statsFile}`] : []),
    ...(s.classes ? [`  classes   ${s.classes}`] : []),
    ...(s.warning ? [`  warning   ${s.warning}`] : []),
    ...(s.outputWarning ? [`  warning   ${s.outputWarning}`] : []),
    ...(s.inputWarning ? [`  warning   ${s.inputWarning}`] : []),
    ...(s.quicklook ? [`  quicklook ${s.quicklook}`] : []),
  ].join("\n");
}

/**
 * A pipeline file, or a bundled pipeline's name with its outputs put under ./out; `{scene}` in
 * it is its input's name, as `tilecast submit` fills it (it wrote a file named `{scene}.tif`).
 */
async function pipelineArg(arg: string, sets: readonly string[]) {
  const bundled = bundledPipeline(arg);
  return loadPipelineOwnScene(bundled?.file ?? arg, [...(bundled?.sets ?? []), ...sets]);
}

/** Run a pipeline file (or a bundled pipeline by name). */
export async function runCommand(file: string, o: RunFlags): Promise<void> {
  const p = await pipelineArg(file, [...o.set, ...(o.runtime ? [`runtime=${o.runtime}`] : [])]);
  const json = o.logFormat === "json";
  const logger = json ? pino({ base: null }, pino.destination({ dest: 2, sync: true })) : null;
  checkTiling(p); // before the backend: a native TensorFlow is hundreds of MB to load
  const start = await runBackend(p);
  let backend = start.report;
  logger?.info({ event: "backend", ...backend }, "backend");
  const beforeTfjs = start.beforeTfjs;
  let bar: ReturnType<typeof progress> | null = null;
  const shard = o.shard !== undefined ? parseShard(o.shard) : undefined;
  // The first SIGINT/SIGTERM stops the run: the parts in flight are rolled back, those done are
  // kept for --resume; a second one exits at once.
  const stop = new AbortController();
  let stopped: NodeJS.Signals | null = null;
  const clear = onGracefulStop((s) => {
    stopped = s;
    process.stderr.write(`${s}: stopping; finished parts are kept (tilecast run --resume continues)\n`);
    stop.abort();
  });
  const summary = await runPipeline(p, {
    signal: stop.signal,
    ...(o.resume ? { resume: true } : {}),
    ...(o.force ? { force: true } : {}),
    ...(shard ? { shard } : {}),
    ...(o.outputRoot ? { outputRoot: o.outputRoot } : {}),
    ...(beforeTfjs
      ? {
          async beforeTfjs() {
            backend = await beforeTfjs();
            logger?.info({ event: "backend", ...backend }, "backend");
          },
        }
      : {}),
    onProgress(done, total) {
      if (json) return;
      bar ??= progress(p.name ?? "run", total, o.quiet);
      bar.update(done);
    },
    log(event, fields) {
      logger?.info({ event, ...fields }, event); // text mode: the summary says it all
    },
  })
    .catch((e: unknown) => {
      if (stopped === null) throw e;
      process.exitCode = stopped === "SIGINT" ? 130 : 143;
      return null;
    })
    .finally(() => {
      clear();
      (bar as ReturnType<typeof progress> | null)?.stop();
    });
  if (!summary) return; // stopped by a signal
  process.stdout.write(
    json || o.json
      ? `${JSON.stringify({ ...summary, backendInfo: backend })}\n`
      : `${formatSummary(summary, backend)}\n`,
  );
}

/** `--bands 2,1,0`: one band index or three, from 0. */
function quicklookBands(text: string): number[] {
  const bands = text.split(",").map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : Number.NaN));
  if (bands.some(Number.isNaN))
    throw new TilecastError("E_ARGUMENT", `--bands takes band indices from 0, e.g. 2,1,0; got '${text}'`);
  if (bands.length !== 1 && bands.length !== 3)
    throw new TilecastError(
      "E_ARGUMENT",
      `--bands takes one band (gray) or three (red, green, blue), got ${bands.length}`,
    );
  return bands;
}

/** Write a contact sheet for a pipeline file. */
export async function previewCommand(
  file: string,
  o: { out: string; tiles: number; set: string[]; bands?: string },
): Promise<void> {
  const p = await pipelineArg(file, o.set);
  await selectBackend();
  const bands = o.bands === undefined ? undefined : quicklookBands(o.bands);
  const r = await previewPipeline(p, o.out, { tiles: o.tiles, ...(bands ? { bands } : {}) });
  process.stdout.write(`wrote ${r.path} (${r.tiles} tiles, before | after augmentation, ${r.width} x ${r.height})\n`);
}

/** Commit a sharded run's output. */
export async function finalizeCommand(file: string, o: { set: string[]; json?: boolean }): Promise<void> {
  const p = await pipelineArg(file, o.set);
  const r = await finalizeRun(p);
  process.stdout.write(
    o.json
      ? `${JSON.stringify(r)}\n`
      : `wrote ${r.output} from ${r.parts} parts\n${r.outputWarning ? `  warning   ${r.outputWarning}\n` : ""}`,
  );
}
