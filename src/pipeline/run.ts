/**
 * The pipeline runner: open the input, plan tiles, build the model and the file's tile stages
 * from their registries, then stream read -> [tile stages] -> batch -> predict -> stitch -> write
 * into an atomically committed output, with progress and a summary (tiles read, skipped,
 * written, time, peak memory, backend).
 *
 * Every run has an identity (`runId`, given or made up) that its events and summary carry. An
 * abort `signal` stops reading, fails the stream with `E_ABORTED` and aborts the output: nothing
 * is left at the target path. A failure names the stage that failed.
 *
 * @example
 * ```ts
 * import { loadPipeline, runPipeline } from "tilecast/pipeline";
 * const summary = await runPipeline(await loadPipeline("pipelines/scene-identity.yaml", ["output.path=/tmp/id.tif"]), { runId: "example" });
 * console.log(summary.runId, summary.tilesWritten, summary.peakRssMB);
 * ```
 */
import { randomUUID } from "node:crypto";
import { lastValueFrom, type Observable, type OperatorFunction, tap } from "rxjs";
import { TilecastError } from "../errors.js";
import { bandUnitsOf } from "../io/carried-attrs.js";
import type { RuntimeReport } from "../models/registry.js";
import { quietCpuBanner } from "../nn/backend.js";
import { abortWith } from "../stages/abort.js";
import { batch } from "../stages/batch.js";
import type { NormalizeOperator } from "../stages/normalize.js";
import { predict } from "../stages/predict.js";
import { readTiles } from "../stages/read-tiles.js";
import { stageName } from "../stages/stage-name.js";
import { markStage } from "../stages/stall.js";
import { stitch } from "../stages/stitch.js";
import type { Tile } from "../stages/tile.js";
import { write } from "../stages/write.js";
import { tf } from "../tfjs.js";
import type { PlanPart } from "../tiling/plan.js";
import { ClampTally } from "./clamp-tally.js";
import { type Pipeline, requireOutput } from "./config.js";
import { openInput, planFor } from "./input.js";
import { batchOptions, inFlightBatches, loadRunModel, pipelineCard } from "./model-feed.js";
import { checkOutputRoot } from "./output-root.js";
import { clampWarning, outputPacking, runOutputSpec } from "./output-spec.js";
import { RunProducts } from "./products.js";
import { openRunOutputs } from "./run-output.js";
import type { RunSummary } from "./run-summary.js";
import { createTileStages, type StageContext } from "./stages.js";
import { stitchTrim } from "./stitch-trim.js";
import { TrainingRange } from "./training-range.js";
import { joinWarnings, unitsWarning } from "./units-check.js";

export type { RunSummary } from "./run-summary.js";
export { stitchTrim } from "./stitch-trim.js";

/** One structured event of a run: `start`, `stats`, `model`, `part` (a part kept), `done`. */
export interface RunEvent {
  event: string;
  runId: string;
  [field: string]: unknown;
}

/** How a run is observed and controlled. */
export interface RunOptions {
  /** Stops the run: reading ends, the output is aborted, the promise rejects with `E_ABORTED`. */
  signal?: AbortSignal;
  /** The run's identity in events and the summary (default: a random UUID). */
  runId?: string;
  /** Every structured event. */
  onEvent?(e: RunEvent): void;
  /** Called as tiles finish (`done` of `total`). */
  onProgress?(done: number, total: number): void;
  /**
   * Refuse to write outside this directory (`..`, absolute paths and symlinks resolved); default
   * `TILECAST_OUTPUT_ROOT`, else no restriction.
   */
  outputRoot?: string;
  /** Structured events as `(name, fields)`: `stats`, `model`, `done` (`onEvent` also gets `start`). */
  log?(event: string, fields: Record<string, unknown>): void;
  /** Redo only the parts an earlier run did not finish (see resumable.ts). */
  resume?: boolean;
  /** Start over even when an earlier run's manifest differs. */
  force?: boolean;
  /** Do this shard's parts only; `tilecast finalize` commits the output. */
  shard?: { index: number; count: number };
  /** Called before TF.js runs the model, if it does: the CLI selects the compute backend then (run-backend.ts). */
  beforeTfjs?: () => Promise<unknown>;
}

/** @deprecated The same as {@link RunOptions}. */
export type RunHooks = RunOptions;

/** The file's tile stages in order: its `normalize` key first, then its `stages` list. */
function tileStages(p: Pipeline, ctx: StageContext): Promise<[string, OperatorFunction<Tile, Tile>][]> {
  return createTileStages([...(p.normalize ? [{ type: "normalize", ...p.normalize }] : []), ...p.stages], ctx);
}

/**
 * Run a pipeline; see the module documentation.
 *
 * @example
 * ```ts
 * import { loadPipeline, runPipeline } from "tilecast/pipeline";
 * const controller = new AbortController();
 * const p = await loadPipeline("pipelines/scene-ndvi.yaml", ["output.path=/tmp/ndvi.tif"]);
 * const s = await runPipeline(p, { signal: controller.signal, onEvent: (e) => e.event === "model" && console.log(e.outputBands) });
 * console.log(s.output);
 * ```
 */
export async function runPipeline(p: Pipeline, options: RunOptions = {}): Promise<RunSummary> {
  const start = performance.now();
  const runId = options.runId ?? randomUUID();
  const signal = options.signal ?? new AbortController().signal;
  const emit = (event: string, fields: Record<string, unknown>, toLog = true) => {
    options.onEvent?.({ ...fields, event, runId });
    if (toLog) options.log?.(event, fields);
  };
  const checkAbort = () => {
    if (signal.aborted) throw new TilecastError("E_ABORTED", "run aborted", { path: p.file });
  };
  checkAbort();
  const output = requireOutput(p);
  await checkOutputRoot(p, options.outputRoot ?? process.env.TILECAST_OUTPUT_ROOT);
  await tf.ready();
  quietCpuBanner();
  const src = await openInput(p, signal);
  let runtime: RuntimeReport = { runtime: "tfjs" };
  let release: (() => Promise<void>) | undefined;
  try {
    const m = src.meta;
    const where = { pipeline: p.file, input: p.input.path, output: output.path, width: m.width, height: m.height };
    emit("start", where, false);
    const ctx: StageContext = { pipeline: p, source: src, plan: planFor(p, src), signal, log: emit };
    const stages = await tileStages(p, ctx);
    checkAbort();
    const inputBands = p.input.bands?.length ?? m.bands;
    const indices = p.input.bands ?? Array.from({ length: m.bands }, (_, b) => b);
    const inputNames = { names: indices.map((b) => m.attrs.bandNames?.[b]), indices, path: p.input.path };
    const { fused, model } = await loadRunModel(p, stages, m.dtype, inputBands, options.beforeTfjs, inputNames);
    const batchSize = model.batchSize ?? p.batch;
    runtime = model.runtime ?? { runtime: "tfjs" };
    release = model.release;
    emit("model", { type: p.model.type, inputBands, outputBands: model.bands, backend: tf.getBackend(), ...runtime });
    const seam = stitchTrim(p.stitch.trim, p.tiling.overlap, p.stitch.weights, model.receptiveField);
    if (seam.warning) emit("warning", { message: seam.warning });
    const dtype = output.dtype;
    const fill = output.nodata !== undefined ? output.nodata : dtype.startsWith("float") ? Number.NaN : null;
    let read = 0;
    let revisited = 0;
    let skipped = 0;
    let done = 0;
    let blocks = 0;
    const products = new RunProducts(output, m, p.input.bands);
    const scaled = stages.map(([, op]) => (op as Partial<NormalizeOperator>).normalization).find((n) => n);
    const range = scaled && scaled.method !== "none" ? new TrainingRange(scaled.stats, inputNames.names) : null;
    const packing = outputPacking(output);
    // Packed as the output says; cells without data kept as its format can (output-spec.ts).
    const kept = await runOutputSpec(p, {
      width: m.width,
      height: m.height,
      bands: model.bands,
      dtype,
      georef: m.georef,
      nodata: fill,
    });
    if (kept.warning) emit("warning", { message: `output: ${kept.warning}` });
    const { spec } = kept;
    const nodata = spec.nodata;
    const onPart = (part: PlanPart) => emit("part", { part: part.id, window: part.window }, false);
    // Counted over the whole output: this run's regions and the kept parts' (clamp-tally.ts).
    const clamps = new ClampTally();
    const out = await openRunOutputs(p, src, spec, products, runtime, runId, { ...options, onPart, clamps });
    const { plan, runPlan, state } = out;
    let tiles: Observable<Tile> = readTiles(src, runPlan, {
      // Tiles alive: the batches the model holds and two filling (model-feed.ts).
      concurrency: Math.max(p.tiling.concurrency, inFlightBatches(model.predictor) * batchSize),
      skipEmpty: p.tiling.skipEmpty,
      ...(p.input.bands ? { bands: p.input.bands } : {}),
    }).pipe(
      abortWith(signal, () => new TilecastError("E_ABORTED", "run aborted", { path: p.file })),
      stageName("read"),
      tap((t) => {
        products.onTile(t);
        if (!t.empty) range?.add(t.grid);
        read++;
        if (t.spec.guest) revisited++;
        else if (t.empty) skipped++;
      }),
    );
    for (const [name, op] of fused ? stages.slice(0, -1) : stages)
      tiles = tiles.pipe(
        op,
        stageName(name),
        tap((t) => markStage(t.release, name)),
      );
    if (out.sink)
      await lastValueFrom(
        tiles.pipe(
          // ONNX Runtime (and identity) read batches on the host: none is copied into the TF.js backend.
          batch(batchSize, batchOptions(fused, model)),
          stageName("batch"),
          predict(model.predictor),
          stageName("predict"),
          tap((b) => {
            done += b.tiles.filter((t) => !t.spec.guest).length;
            options.onProgress?.(done, runPlan.count);
          }),
          // Past 16 regions waiting for the output, tiles keep their read slots until their
          // regions are written: a slow output (part files, a slow disk) holds reading back
          // instead of filling memory.
          stitch(runPlan, {
            weights: p.stitch.weights,
            dtype,
            nodata,
            ...(packing ? { packing } : {}),
            bands: model.bands,
            trim: seam.trim,
            pendingRegions: 16,
          }),
          stageName("stitch"),
          tap((r) => {
            clamps.add(r);
            if (out.samples) products.onRegion(r);
          }),
          write(out.sink, { concurrency: 4 }),
          stageName("write"),
          tap((w) => {
            blocks = w.blocksWritten;
          }),
        ),
        { defaultValue: null },
      ).catch(async (e: unknown) => {
        await out.fail();
        throw e;
      });
    await out.finish();
    const clampNote = clampWarning(clamps.total, dtype, nodata, packing);
    if (clampNote) emit("warning", { message: `output: ${clampNote}` });
    const outputWarning = joinWarnings(kept.warning, clampNote);
    const card = await pipelineCard(p);
    const units = bandUnitsOf(m.attrs, m.bands);
    const inputWarning = joinWarnings(
      card &&
        unitsWarning(
          card.inputs.map((i) => i.units),
          units && indices.map((b) => units[b]),
          inputNames.names,
        ),
      range?.warning(),
    );
    if (inputWarning) emit("warning", { message: inputWarning });
    const committed = out.commits;
    const quicklook = committed && output.quicklook ? output.quicklook : null;
    const summary: RunSummary = {
      runId,
      pipeline: p.file,
      output: output.path,
      width: m.width,
      height: m.height,
      tilesTotal: plan.count,
      tilesRead: read,
      tilesRevisited: revisited,
      tilesSkipped: skipped,
      tilesWritten: done - skipped,
      blocksWritten: blocks,
      seconds: Math.round((performance.now() - start) / 10) / 100,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      backend: tf.getBackend(),
      runtime: runtime.runtime,
      ...(runtime.provider ? { provider: runtime.provider } : {}),
      ...(runtime.fallback ? { runtimeFallback: runtime.fallback } : {}),
      ...(runtime.graph ? { graph: true as const } : {}),
      statsFile: p.normalize?.saveStats ?? (p.normalize && p.normalize.stats !== "compute" ? p.normalize.stats : null),
      quicklook,
      classes: output.classes ?? null,
      trim: seam.trim,
      ...(seam.warning ? { warning: seam.warning } : {}),
      ...(outputWarning ? { outputWarning } : {}),
      ...(inputWarning ? { inputWarning } : {}),
      parts: { total: plan.parts.length, before: state.doneBefore, ran: state.todo.length },
      committed: committed || state.complete,
      ...(state.complete ? { alreadyComplete: true } : {}),
    };
    emit("done", { ...summary });
    return summary;
  } finally {
    await release?.().catch(() => undefined);
    await src.close();
  }
}
