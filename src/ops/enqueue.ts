/**
 * Adding a submission's jobs to the queue a batch at a time: each batch's jobs are looked up in
 * one pipelined round trip, and the wanted ones added in one more (`addBulk`). One scene at a
 * time, each took three round trips and BullMQ's `getState`, whose scan of the waiting list
 * (LPOS) is as long as the queue: 20 000 scenes took 6.8 s to submit and 9.4 s to submit again
 * with nothing new, and the second grew with the square of the queue.
 *
 * A job is added unless one with its id is queued, running or done; one that failed (every
 * attempt) runs again, and so does one that completed but whose output is gone. A job's state is
 * read from the queue's completed and failed sets (sorted sets, looked up by id); a job in
 * neither is waiting, delayed or running.
 *
 * Internal (used by `submit.ts`).
 */
import { stat } from "node:fs/promises";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { isUrl } from "../util/url.js";
import type { SceneJob, SceneResult } from "./queue.js";

/** A job to add unless one with its id is queued, running or done. */
export interface Pending {
  name: string;
  data: SceneJob;
  id: string;
  /**
   * A completed job whose output is missing runs again (shards say false: a shard's output
   * appears only when the last shard commits it).
   */
  gone: boolean;
}

/** What {@link enqueue} did. */
export interface Enqueued {
  /** Jobs added (new ones, and those queued again). */
  submitted: number;
  /** Of `submitted`, jobs that had failed and were queued again. */
  failedAgain: number;
  /** Of `submitted`, jobs that had completed but whose output is gone. */
  outputGone: number;
}

/** Jobs looked up, and then added, at once. */
const BATCH = 1000;

/** Where an output may be: a local path, which exists or not, or a URL, taken to exist. */
async function exists(path: unknown): Promise<boolean> {
  if (typeof path !== "string" || isUrl(path)) return true;
  return (await stat(path).catch(() => null)) !== null;
}

/** Where a job with each id stands, in one round trip. */
async function standing(q: Queue<SceneJob>, ids: readonly string[]) {
  // The queue connects through ioredis (redis.ts), whose pipelines take every command.
  const pipe = ((await q.client) as unknown as Redis).pipeline();
  for (const id of ids)
    pipe
      .exists(q.toKey(id))
      .zscore(q.keys.failed as string, id)
      .zscore(q.keys.completed as string, id)
      .hget(q.toKey(id), "returnvalue");
  const replies = (await pipe.exec()) ?? [];
  const value = (k: number): unknown => {
    const [err, v] = replies[k] ?? [new Error("Redis gave no reply")];
    if (err) throw err;
    return v;
  };
  return ids.map((_, i) => {
    if (!value(4 * i)) return { state: "none" as const };
    if (value(4 * i + 1) !== null) return { state: "failed" as const };
    if (value(4 * i + 2) === null) return { state: "pending" as const };
    const result = JSON.parse(String(value(4 * i + 3) ?? "null")) as Partial<SceneResult> | null;
    return { state: "completed" as const, output: result?.output };
  });
}

/** Which of `batch` are to be added (see the module documentation); jobs to run again are removed. */
async function wanted(q: Queue<SceneJob>, batch: readonly Pending[], t: Enqueued): Promise<Pending[]> {
  const now = await standing(
    q,
    batch.map((j) => j.id),
  );
  const add = await Promise.all(
    batch.map(async (j, i) => {
      const s = now[i];
      if (s?.state === "failed") t.failedAgain++;
      else if (s?.state === "completed" && j.gone && !(await exists(s.output))) t.outputGone++;
      else if (s?.state !== "none") return null;
      if (s.state !== "none") await q.remove(j.id);
      return j;
    }),
  );
  return add.filter((j) => j !== null);
}

/** Add the jobs of `jobs` that are wanted (see the module documentation). */
export async function enqueue(q: Queue<SceneJob>, jobs: AsyncIterable<Pending[]>, attempts: number): Promise<Enqueued> {
  const t: Enqueued = { submitted: 0, failedAgain: 0, outputGone: 0 };
  const seen = new Set<string>(); // a scene named twice is one job
  for await (const batch of jobs) {
    const add = await wanted(
      q,
      batch.filter((j) => !seen.has(j.id) && seen.add(j.id)),
      t,
    );
    if (!add.length) continue;
    await q.addBulk(
      add.map((j) => ({
        name: j.name,
        data: j.data,
        opts: {
          jobId: j.id,
          attempts,
          backoff: { type: "exponential", delay: 2000 },
          removeOnComplete: false,
          removeOnFail: false,
        },
      })),
    );
    t.submitted += add.length;
  }
  return t;
}

/** `items` in batches of {@link BATCH}, each made by `make` (its items at once). */
export async function* batches<T>(items: readonly T[], make: (item: T) => Promise<Pending>) {
  for (let i = 0; i < items.length; i += BATCH) yield await Promise.all(items.slice(i, i + BATCH).map(make));
}
