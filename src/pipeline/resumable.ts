/**
 * Resumable, shardable runs. A run's output is made in parts (see `tilecast/tiling`'s
 * `planOfParts`): each finished part is kept in `<output>.parts/` and the run's identity in
 * `<output>.manifest.json` (see manifest.ts). When every part is in, {@link finalizeParts} writes
 * the output from them in one pass, through the same sinks a plain run uses, commits it
 * atomically and removes the parts.
 *
 * - `resume`: redo only the parts not yet kept; an output already complete is left alone (and
 *   the run says so); a changed pipeline, input, model or runtime is refused, or with `force`
 *   started over.
 * - `shard: {index, count}`: do this shard's parts (contiguous, see `shardParts`), joining the
 *   run other shards began; `tilecast finalize` commits the output once all shards are done.
 * - Neither: start over.
 */

import { randomUUID } from "node:crypto";
import { link, readdir, rm, writeFile } from "node:fs/promises";
import { TilecastError } from "../errors.js";
import type { Grid } from "../grid/grid.js";
import type { Window } from "../grid/window.js";
import { atomicWrite, ensureParent } from "../io/atomic.js";
import { PartFile } from "../io/parts/part-file.js";
import { partPath } from "../io/parts/part-sink.js";
import type { RasterMeta } from "../io/types.js";
import { BlockAssembler } from "../tiling/assembler.js";
import { shardParts } from "../tiling/parts.js";
import type { PlanPart, TilePlan } from "../tiling/plan.js";
import { type Pipeline, type PipelineOutput, requireOutput } from "./config.js";
import { openInput, planFor } from "./input.js";
import {
  identityChange,
  manifestPath,
  partsDir,
  type RunIdentity,
  type RunManifest,
  readManifest,
  runIdentity,
} from "./manifest.js";
import { RunProducts } from "./products.js";

/** How a run treats the parts of an earlier one. */
export interface PartsOptions {
  resume?: boolean;
  /** Start over even when the manifest shows a different pipeline, input or model. */
  force?: boolean;
  shard?: { index: number; count: number };
}

/** What a run is to do. */
export interface RunParts {
  dir: string;
  /** Parts this process runs. */
  todo: PlanPart[];
  /** Parts of its share done before it started. */
  doneBefore: number;
  /** The output was complete already: nothing to do. */
  complete: boolean;
  /** This run began the manifest (it did not join or resume another's). */
  created: boolean;
}

/**
 * After a failure: when the run began its manifest and no part got done, there is nothing to
 * resume, so remove the manifest and the parts directory (a bad input leaves nothing behind).
 */
export async function discardIfEmpty(output: string, state: RunParts): Promise<void> {
  if (!state.created || (await doneParts(state.dir)).size > 0) return;
  await rm(state.dir, { recursive: true, force: true });
  await rm(manifestPath(output), { force: true });
}

/** Part ids kept in a parts directory. */
export async function doneParts(dir: string): Promise<Set<number>> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return new Set(names.flatMap((n) => /^part-(\d+)\.bin$/.exec(n)?.[1] ?? []).map(Number));
}

/** Create the manifest unless one exists (another shard's); the manifest now on disk. */
async function createManifest(m: RunManifest): Promise<RunManifest> {
  const path = manifestPath(m.output);
  await ensureParent(path);
  const temp = `${path}.${randomUUID()}.tmp`;
  await writeFile(temp, `${JSON.stringify(m, null, 1)}\n`);
  try {
    await link(temp, path);
    return m;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return (await readManifest(m.output)) ?? m;
  } finally {
    await rm(temp, { force: true });
  }
}

/** Decide what this run does; see the module documentation. */
export async function prepareParts(
  output: PipelineOutput,
  pipelineFile: string,
  plan: TilePlan,
  identity: RunIdentity,
  runId: string,
  o: PartsOptions,
): Promise<RunParts> {
  const dir = partsDir(output.path);
  const joining = o.resume === true || o.shard !== undefined;
  let manifest = await readManifest(output.path);
  const change = manifest ? identityChange(manifest.identity, identity) : null;
  if (manifest && change && joining && !o.force)
    throw new TilecastError(
      "E_ARGUMENT",
      `cannot resume: ${change} since this run began; run with --force to start over`,
      { path: manifestPath(output.path) },
    );
  if (manifest && !change && joining && manifest.complete)
    return { dir, todo: [], doneBefore: plan.parts.length, complete: true, created: false };
  const created = !manifest || change !== null || !joining;
  if (created) {
    await rm(dir, { recursive: true, force: true });
    await rm(manifestPath(output.path), { force: true });
    const fresh: RunManifest = {
      tilecast: 1,
      pipelineFile,
      output: output.path,
      identity,
      created: new Date().toISOString(),
      runId,
    };
    manifest = await createManifest(fresh);
    const raced = identityChange(manifest.identity, identity);
    if (raced)
      throw new TilecastError("E_ARGUMENT", `another run began with a different setup: ${raced}`, {
        path: manifestPath(output.path),
      });
  }
  await ensureParent(partPath(dir, 0));
  const done = await doneParts(dir);
  const share = o.shard ? new Set(shardParts(plan.parts.length, o.shard.index, o.shard.count)) : null;
  const mine = plan.parts.filter((p) => share === null || share.has(p.id));
  return {
    dir,
    todo: mine.filter((p) => !done.has(p.id)),
    doneBefore: mine.filter((p) => done.has(p.id)).length,
    complete: false,
    created,
  };
}

/** Open every part's file, or fail naming the parts not done. */
async function openParts(output: string, plan: TilePlan): Promise<PartFile[]> {
  const dir = partsDir(output);
  const done = await doneParts(dir);
  const missing = plan.parts.filter((p) => !done.has(p.id)).map((p) => p.id);
  if (missing.length > 0) {
    const list = missing.length > 8 ? `${missing.slice(0, 8).join(", ")}, ...` : missing.join(", ");
    throw new TilecastError(
      "E_ARGUMENT",
      `${missing.length} of ${plan.parts.length} parts are not done yet (${list}); run the shards that own them (or --resume)`,
      { path: output },
    );
  }
  const files: PartFile[] = [];
  try {
    for (const p of plan.parts) files.push(await PartFile.open(partPath(dir, p.id)));
  } catch (e) {
    await Promise.all(files.map((f) => f.close()));
    throw e;
  }
  return files;
}

/**
 * Write the output from every part, commit it, mark the manifest complete and remove the parts.
 * Returns the number of output blocks written.
 */
export async function finalizeParts(
  output: PipelineOutput,
  plan: TilePlan,
  meta: RasterMeta,
  products: RunProducts,
  runId: string,
): Promise<number> {
  const manifest = await readManifest(output.path);
  if (!manifest)
    throw new TilecastError("E_ARGUMENT", "no run to finalize (no manifest beside the output)", { path: output.path });
  const files = await openParts(output.path, plan);
  try {
    const first = (files[0] as PartFile).header;
    const blocks = files
      .flatMap((f) => f.header.blocks.map((b, i) => ({ f, i, window: b.window })))
      .sort((a, b) => a.window.y - b.window.y || a.window.x - b.window.x);
    for (const f of files) {
      const cells = await f.extra("image");
      if (cells) products.putImageCells(f.header.window, cells);
    }
    const sink = await products.sink({
      width: meta.width,
      height: meta.height,
      bands: first.bands,
      dtype: first.dtype,
      georef: meta.georef,
      nodata: first.nodata,
    });
    let written = 0;
    try {
      const assembler = new BlockAssembler(sink.blockGrid, first.bands, first.dtype, first.nodata);
      // Decode a few blocks ahead; write in order.
      const queue = blocks.slice(0, 8).map((b) => b.f.block(b.i));
      for (let k = 0; k < blocks.length; k++) {
        const grid = await (queue.shift() as Promise<Grid>);
        const next = blocks[k + 8];
        if (next) queue.push(next.f.block(next.i));
        const { window } = blocks[k] as { window: Window };
        products.onRegion({ window, grid });
        const finished = assembler.add(window, grid);
        await Promise.all(finished.map((b) => sink.writeBlock(b.col, b.row, b.grid)));
        written += finished.length;
      }
      if (assembler.openBlocks > 0)
        throw new TilecastError("E_WRITE", `${assembler.openBlocks} output blocks never received all their pixels`, {
          path: output.path,
        });
      await sink.commit();
    } catch (e) {
      await sink.abort();
      throw e;
    }
    await products.finish();
    await atomicWrite(
      manifestPath(output.path),
      `${JSON.stringify({ ...manifest, complete: { finished: new Date().toISOString(), runId } }, null, 1)}\n`,
    );
    await rm(partsDir(output.path), { recursive: true, force: true });
    return written;
  } finally {
    await Promise.all(files.map((f) => f.close().catch(() => undefined)));
  }
}

/** What {@link finalizeRun} did. */
export interface FinalizeSummary {
  output: string;
  parts: number;
  blocksWritten: number;
  quicklook: string | null;
}

/**
 * Commit the output of a run done in shards (`tilecast finalize`): the parts must all be there
 * and the manifest must match the pipeline, its inputs and its model.
 */
export async function finalizeRun(p: Pipeline, runId: string = randomUUID()): Promise<FinalizeSummary> {
  const output = requireOutput(p);
  const manifest = await readManifest(output.path);
  if (!manifest)
    throw new TilecastError("E_ARGUMENT", "no run to finalize (no manifest beside the output)", { path: output.path });
  if (manifest.complete) throw new TilecastError("E_ARGUMENT", "the run is finalized already", { path: output.path });
  const src = await openInput(p);
  try {
    const plan = planFor(p, src, true);
    const now = { ...(await runIdentity(p, plan, { runtime: "tfjs" })), runtime: manifest.identity.runtime };
    const change = identityChange(manifest.identity, now);
    if (change)
      throw new TilecastError("E_ARGUMENT", `cannot finalize: ${change} since the shards began`, {
        path: manifestPath(output.path),
      });
    const products = new RunProducts(output, src.meta, p.input.bands);
    const blocksWritten = await finalizeParts(output, plan, src.meta, products, runId);
    return { output: output.path, parts: plan.parts.length, blocksWritten, quicklook: output.quicklook ?? null };
  } finally {
    await src.close();
  }
}
