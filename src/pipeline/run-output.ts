/**
 * Where a run's blocks go (see resumable.ts for what it keeps). A run that commits its own output
 * (not a shard) writes every block twice: to the output as before, and to its part's file, as the
 * output stored it where the output can say (see replay.ts), which costs about a second copy of
 * the output on disk until the run ends. Parts kept by an earlier run are replayed into the
 * output while the rest is computed. A shard writes parts only, and {@link finalizeRun} replays
 * them all into the output.
 *
 * Parts are aligned to the output's blocks, so every output block lies in one part and the part
 * files hold the output's own blocks.
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { TilecastError } from "../errors.js";
import { atomicWrite } from "../io/atomic.js";
import { PartFile } from "../io/parts/part-file.js";
import { PartSink, partPath } from "../io/parts/part-sink.js";
import type { GridSink, GridSource, SinkSpec } from "../io/types.js";
import type { RuntimeReport } from "../models/registry.js";
import { planOfParts } from "../tiling/parts.js";
import type { PlanPart, TilePlan } from "../tiling/plan.js";
import { ClampTally } from "./clamp-tally.js";
import { type Pipeline, requireOutput } from "./config.js";
import { openInput, planFor } from "./input.js";
import { identityChange, manifestPath, partsDir, readManifest, runIdentity } from "./manifest.js";
import { clampWarning, outputPacking, runOutputSpec } from "./output-spec.js";
import { RunProducts } from "./products.js";
import { encodingSink, keepingSink, replay, replayable, whileReplaying } from "./replay.js";
import { discardIfEmpty, doneParts, type PartsOptions, prepareParts, type RunParts } from "./resumable.js";
import { joinWarnings } from "./units-check.js";

/** A run's outputs, ready for its stream. */
export interface RunOutputs {
  /** The whole plan, and the part of it this run does. */
  plan: TilePlan;
  runPlan: TilePlan;
  state: RunParts;
  /** What the stream writes to (null: nothing left to stream). */
  sink: GridSink | null;
  /** Whether this run commits the output. */
  commits: boolean;
  /** Whether stitched regions feed the quicklook: the run commits, or keeps the quicklook's cells with its parts. */
  samples: boolean;
  /** After the stream: the quicklook, the manifest marked complete, the parts removed. */
  finish(): Promise<void>;
  /** After a failure of the stream. */
  fail(): Promise<void>;
}

/**
 * Kept parts that cannot go back into `output` (kept as another output form stored them) are
 * removed and joined to the parts to do. An unreadable kept part fails the run now, not after
 * the rest is computed.
 */
async function redoUnreplayable(state: RunParts, plan: TilePlan, output: GridSink): Promise<void> {
  const todo = new Set(state.todo.map((q) => q.id));
  for (const q of plan.parts) {
    if (todo.has(q.id)) continue;
    const path = partPath(state.dir, q.id);
    const f = await PartFile.open(path);
    const ok = replayable(f, output);
    await f.close();
    if (ok) continue;
    await rm(path, { force: true });
    todo.add(q.id);
    state.doneBefore--;
  }
  state.todo = plan.parts.filter((q) => todo.has(q.id));
}

/** The manifest marked complete and the parts removed. */
async function complete(output: string, runId: string): Promise<void> {
  const m = await readManifest(output);
  if (m)
    await atomicWrite(
      manifestPath(output),
      `${JSON.stringify({ ...m, complete: { finished: new Date().toISOString(), runId } }, null, 1)}\n`,
    );
  await rm(partsDir(output), { recursive: true, force: true });
}

/** Open a run's outputs; see the module documentation. */
export async function openRunOutputs(
  p: Pipeline,
  src: GridSource,
  spec: SinkSpec,
  products: RunProducts,
  runtime: RuntimeReport,
  runId: string,
  o: PartsOptions & { onPart?(part: PlanPart): void; clamps: ClampTally },
): Promise<RunOutputs> {
  const output = requireOutput(p);
  let final: GridSink | null = await products.sink(spec);
  try {
    const { blockWidth, blockHeight } = final.blockGrid;
    const plan = planFor(p, src, true, [blockWidth, blockHeight]);
    const state = await prepareParts(output, p.file, plan, await runIdentity(p, plan, runtime), runId, o);
    if (!state.complete && !o.shard) await redoUnreplayable(state, plan, final);
    const runPlan = planOfParts(
      plan,
      state.todo.map((q) => q.id),
    );
    // Parts keep blocks as the output stores them, when it can say how; a shard only encodes them.
    const encoder = final.stored;
    const form = encoder?.form;
    if (state.complete || o.shard) {
      await final.abort();
      final = null;
    }
    const parts = new PartSink({
      ...(form !== undefined ? { form } : {}),
      width: spec.width,
      height: spec.height,
      blockWidth,
      blockHeight,
      parts: state.todo,
      dir: state.dir,
      extras: (part) => {
        const image = products.imageCells(part.window);
        const output = form !== undefined ? products.outputCells(part.window) : null;
        return { ...(image ? { image } : {}), ...(output ? { output } : {}), ...o.clamps.extra(part.window) };
      },
      ...(o.onPart ? { onPart: o.onPart } : {}),
    });
    // Kept parts go into the output while the others are computed (see `whileReplaying`).
    let replayed: Promise<unknown> = Promise.resolve(null);
    if (final) {
      const todo = new Set(state.todo.map((q) => q.id));
      const kept = plan.parts.filter((q) => !todo.has(q.id)).map((q) => q.id);
      if (todo.size === 0) {
        await replay(state.dir, kept, final, products, o.clamps);
        await final.commit();
      } else if (kept.length > 0) {
        replayed = replay(state.dir, kept, final, products, o.clamps).then(
          () => null,
          (e: unknown) => e ?? new Error("replaying the kept parts failed"),
        );
        final = whileReplaying(final, replayed);
      }
    }
    const sink =
      state.todo.length === 0
        ? null
        : final
          ? keepingSink(final, parts)
          : encoder
            ? encodingSink(encoder, parts)
            : parts;
    const commits = final !== null;
    return {
      plan,
      runPlan,
      state,
      sink,
      commits,
      samples: commits || form !== undefined,
      async finish() {
        if (!commits) return;
        const failed = await replayed;
        if (failed) throw failed;
        await products.finish();
        await complete(output.path, runId);
      },
      fail: () => discardIfEmpty(output.path, state),
    };
  } catch (e) {
    await final?.abort();
    throw e;
  }
}

/** What {@link finalizeRun} did. */
export interface FinalizeSummary {
  output: string;
  parts: number;
  quicklook: string | null;
  /** As a run's: cells without data the output cannot keep, values the shards clamped to an integer output's range. */
  outputWarning?: string;
}

/**
 * Commit the output of a run done in shards (`tilecast finalize`): every part must be there and
 * the manifest must match the pipeline, its inputs and its model.
 */
export async function finalizeRun(p: Pipeline, runId: string = randomUUID()): Promise<FinalizeSummary> {
  const output = requireOutput(p);
  const manifest = await readManifest(output.path);
  if (!manifest)
    throw new TilecastError("E_ARGUMENT", "no run to finalize (no manifest beside the output)", { path: output.path });
  if (manifest.complete) throw new TilecastError("E_ARGUMENT", "the run is finalized already", { path: output.path });
  const dir = partsDir(output.path);
  const done = await doneParts(dir);
  const first = done.size > 0 ? await PartFile.open(partPath(dir, Math.min(...done))) : null;
  const header = first?.header;
  await first?.close();
  const src = await openInput(p);
  try {
    const { spec, warning } = await runOutputSpec(p, {
      width: src.meta.width,
      height: src.meta.height,
      bands: header?.bands ?? 1,
      dtype: header?.dtype ?? "float32",
      georef: src.meta.georef,
      nodata: header?.nodata ?? null,
    });
    const products = new RunProducts(output, src.meta, p.input.bands);
    const sink = await products.sink(spec);
    try {
      const plan = planFor(p, src, true, [sink.blockGrid.blockWidth, sink.blockGrid.blockHeight]);
      const now = { ...(await runIdentity(p, plan, { runtime: "tfjs" })), runtime: manifest.identity.runtime };
      const change = identityChange(manifest.identity, now);
      if (change)
        throw new TilecastError("E_ARGUMENT", `cannot finalize: ${change} since the shards began`, {
          path: manifestPath(output.path),
        });
      const missing = plan.parts.filter((q) => !done.has(q.id)).map((q) => q.id);
      if (missing.length > 0) {
        const list = missing.length > 8 ? `${missing.slice(0, 8).join(", ")}, ...` : missing.join(", ");
        throw new TilecastError(
          "E_ARGUMENT",
          `${missing.length} of ${plan.parts.length} parts are not done yet (${list}); run the shards that own them (or --resume)`,
          { path: output.path },
        );
      }
      const clamps = new ClampTally();
      await replay(
        dir,
        plan.parts.map((q) => q.id),
        sink,
        products,
        clamps,
      );
      await sink.commit();
      await products.finish();
      await complete(output.path, runId);
      const packing = outputPacking(output);
      // As a run's: cells without data the output cannot keep, and values clamped in every part.
      const outputWarning = joinWarnings(warning, clampWarning(clamps.total, spec.dtype, spec.nodata, packing));
      return {
        output: output.path,
        parts: plan.parts.length,
        quicklook: output.quicklook ?? null,
        ...(outputWarning ? { outputWarning } : {}),
      };
    } catch (e) {
      await sink.abort();
      throw e;
    }
  } finally {
    await src.close();
  }
}
