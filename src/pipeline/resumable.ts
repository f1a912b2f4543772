/**
 * Resumable, shardable runs. A run's output is made in parts (see `tilecast/tiling`'s
 * `planOfParts`): each finished part is kept in `<output>.parts/` and the run's identity in
 * `<output>.manifest.json` (see manifest.ts). When every part is in, {@link finalizeParts} writes
 * the output from them in one pass, through the same sinks a plain run uses, commits it
 * atomically and removes the parts.
 *
 * - `resume`: redo only the parts not yet kept; an output already complete is left alone (and
 *   the run says so) while every file it wrote is still there, and made again when one is gone;
 *   a changed pipeline, input, model or runtime is refused, or with `force` started over.
 * - `shard: {index, count}`: do this shard's parts (contiguous, see `shardParts`), joining the
 *   run other shards began; `tilecast finalize` commits the output once all shards are done.
 * - Neither: start over.
 */

import { readdir, rm, stat } from "node:fs/promises";
import { TilecastError } from "../errors.js";
import { createWhole, ensureParent } from "../io/atomic.js";
import { partPath } from "../io/parts/part-sink.js";
import { shardParts } from "../tiling/parts.js";
import type { PlanPart, TilePlan } from "../tiling/plan.js";
import { isUrl } from "../util/url.js";
import type { PipelineOutput } from "./config.js";
import {
  identityChange,
  manifestPath,
  partsDir,
  type RunIdentity,
  type RunManifest,
  readManifest,
} from "./manifest.js";

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
  if (await createWhole(path, `${JSON.stringify(m, null, 1)}\n`)) return m;
  return (await readManifest(m.output)) ?? m;
}

/** Whether every local file a completed run wrote (output, class raster, quicklook) is still there. */
async function outputsThere(output: PipelineOutput): Promise<boolean> {
  for (const path of [output.path, output.classes, output.quicklook]) {
    if (path === undefined || isUrl(path)) continue;
    if ((await stat(path).catch(() => null)) === null) return false;
  }
  return true;
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
  // A complete run whose output was removed since (or never reached its place) is made again.
  const gone = manifest?.complete !== undefined && !(await outputsThere(output));
  if (manifest && !change && joining && manifest.complete && !gone)
    return { dir, todo: [], doneBefore: plan.parts.length, complete: true, created: false };
  const created = !manifest || change !== null || !joining || gone;
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
