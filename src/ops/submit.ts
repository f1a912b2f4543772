/**
 * Putting work on the scene queue (`tilecast submit`). A job's id is a hash of what its output
 * is made from: the pipeline file's path and text, the `--set` overrides, the model's files, and
 * the scene's path, size and modification time. So:
 *
 * - submitting a list again adds only the scenes not yet queued or done;
 * - the same scenes with another `--set`, an edited pipeline, a retrained model or a scene
 *   written again are new jobs (they were taken for the old ones, and nothing ran);
 * - a job that failed (every attempt) runs again, and so does one that completed but whose
 *   output is gone;
 * - scenes that are not there, and scenes whose outputs would be one file (two of one name, or
 *   no `{scene}` in `output.path`), are refused before anything is queued.
 *
 * Internal to `tilecast/ops` (queue.ts re-exports it).
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { Queue } from "bullmq";
import { TilecastError } from "../errors.js";
import type { Pipeline } from "../pipeline/config.js";
import { modelHash } from "../pipeline/manifest.js";
import { loadPipelineOwnScene, loadScene, sceneName } from "../pipeline/scene.js";
import { mapLimit } from "../util/map-limit.js";
import { isUrl } from "../util/url.js";
import { batches, enqueue } from "./enqueue.js";
import type { QueueOptions, SceneJob } from "./queue.js";
import { checkRedis, connection } from "./redis.js";

/** What a submission did. */
export interface Submitted {
  /** Jobs added (new ones, and those queued again). */
  submitted: number;
  /** Scenes (or shards) named. */
  queued: number;
  /** Of `submitted`, jobs that had failed and were queued again. */
  failedAgain: number;
  /** Of `submitted`, jobs that had completed but whose output is gone. */
  outputGone: number;
}

/** Options of a submission. */
export type SubmitOptions = QueueOptions & { sets?: readonly string[]; attempts?: number };

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * Each scene as it is now: a local file or store's path, size, time and inode, a URL as it is;
 * null for a local scene that is not there. Looked at 64 at once: one after the other, 100 000
 * local scenes took 4.3-5.9 s here, and each was looked at twice (there, then its stamp).
 */
async function sceneStamps(scenes: readonly string[]): Promise<(string | null)[]> {
  const out: (string | null)[] = new Array(scenes.length).fill(null);
  await mapLimit(scenes, 64, async (scene, i) => {
    if (isUrl(scene)) out[i] = scene;
    else {
      const s = await stat(scene).catch(() => null);
      if (s) out[i] = `${scene}\n${s.size}\n${Math.round(s.mtimeMs)}\n${s.ino}`;
    }
  });
  return out;
}

/** What every job of one submission shares: the pipeline file, the overrides, the model. */
async function submissionKey(pipeline: string, p: Pipeline, sets: readonly string[]): Promise<string> {
  const text = await readFile(pipeline, "utf8");
  return sha([pipeline, sha(text), ...sets, `model ${(await modelHash(p)) ?? "none"}`].join("\n"));
}

/**
 * Refuse scenes whose outputs would be one file: two scenes of one name (`B04.tif` of two
 * products), or a pipeline whose `output.path` has no `{scene}`. Each job would replace the
 * output of the one before, exit 0.
 */
async function checkDistinctOutputs(pipeline: string, scenes: readonly string[], sets: readonly string[]) {
  const byName = new Map<string, string>();
  for (const s of scenes) {
    const other = byName.get(sceneName(s));
    if (other !== undefined && other !== s)
      throw new TilecastError(
        "E_ARGUMENT",
        `scenes ${other} and ${s} are both '{scene}' = ${sceneName(s)}: their outputs would be one file; submit them in separate batches, or rename one`,
        { path: pipeline },
      );
    byName.set(sceneName(s), s);
  }
  const [a, b] = [...byName.values()];
  if (a === undefined || b === undefined) return;
  const [pa, pb] = await Promise.all([loadScene(pipeline, a, sets), loadScene(pipeline, b, sets)]);
  if (pa.output && pa.output.path === pb.output?.path)
    throw new TilecastError(
      "E_ARGUMENT",
      `every scene would write ${pa.output.path}: put {scene} in output.path (e.g. --set "output.path=out/{scene}.tif")`,
      { path: pipeline },
    );
}

/**
 * Refuse local scenes that are not there (a typo in a list, a download not finished): each job
 * would fail its every attempt in a worker, minutes later, and the batch would look queued.
 */
function checkScenesExist(scenes: readonly string[], stamps: readonly (string | null)[]): void {
  const missing = scenes.filter((_, i) => stamps[i] === null);
  const [one] = missing;
  if (one === undefined) return;
  const more = missing.length > 1 ? ` (and ${missing.length - 1} other scene${missing.length > 2 ? "s" : ""})` : "";
  throw new TilecastError("E_NOT_FOUND", `scene not found${more}; nothing was queued`, { path: one });
}

/** Enqueue a job per scene (see the module's notes on which are new). */
export async function submitScenes(file: string, scenes: readonly string[], o: SubmitOptions): Promise<Submitted> {
  const pipeline = resolve(file);
  const sets = [...(o.sets ?? [])];
  const first = await loadScene(pipeline, scenes[0] ?? "scene", sets); // a bad file fails here, not in every worker
  const named = scenes.map((s) => (isUrl(s) ? s : resolve(s)));
  const stamps = await sceneStamps(named);
  checkScenesExist(named, stamps);
  await checkDistinctOutputs(pipeline, named, sets);
  await checkRedis(o.redis);
  const key = await submissionKey(pipeline, first, sets);
  const q = new Queue<SceneJob>(o.queue ?? "tilecast", { connection: connection(o.redis) });
  try {
    const jobs = batches(
      named.map((scene, i) => ({ scene, stamp: stamps[i] as string })),
      async ({ scene, stamp }) => {
        const id = sha(`${key}\n${stamp}`).slice(0, 24);
        return { name: "scene", data: { pipeline, scene, sets }, id, gone: true };
      },
    );
    return { ...(await enqueue(q, jobs, o.attempts ?? 3)), queued: scenes.length };
  } finally {
    await q.close();
  }
}

/**
 * Enqueue one large output as `count` shard jobs (`tilecast submit --shards N`): each runs its
 * shard of the output's parts (see `tilecast run --shard`), and the worker that finishes the last
 * part commits the output. A shard that failed is queued again.
 */
export async function submitShards(file: string, count: number, o: SubmitOptions): Promise<Submitted> {
  const pipeline = resolve(file);
  const sets = [...(o.sets ?? [])];
  const p = await loadPipelineOwnScene(pipeline, sets);
  await checkRedis(o.redis);
  const key = await submissionKey(pipeline, p, sets);
  const q = new Queue<SceneJob>(o.queue ?? "tilecast", { connection: connection(o.redis) });
  try {
    const shards = Array.from({ length: count }, (_, index) => index);
    const jobs = batches(shards, async (index) => {
      const id = sha(`${key}\nshard ${index}/${count}`).slice(0, 24);
      return { name: "shard", data: { pipeline, scene: "", sets, shard: { index, count } }, id, gone: false };
    });
    return { ...(await enqueue(q, jobs, o.attempts ?? 3)), queued: count };
  } finally {
    await q.close();
  }
}

/** A submission in one line: `queued 3 new scenes of 6 (1 that had failed, 1 whose output is gone)`. */
export function submittedLine(r: Submitted, what: "scene" | "shard job"): string {
  const again = [
    r.failedAgain ? `${r.failedAgain} that had failed` : "",
    r.outputGone ? `${r.outputGone} whose output is gone` : "",
  ].filter(Boolean);
  const plural = what === "scene" && r.submitted === 1 ? what : `${what}s`;
  return `queued ${r.submitted} new ${plural} of ${r.queued}${again.length ? ` (${again.join(", ")})` : ""}`;
}
