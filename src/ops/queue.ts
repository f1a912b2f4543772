/**
 * A work queue of scenes on Redis (BullMQ), for batches that outgrow one machine:
 *
 * - {@link submitScenes} enqueues one job per scene of a pipeline. A job's id is a hash of what
 *   its output is made from (pipeline, overrides, model, scene), so submitting a list again adds
 *   only the scenes not yet queued or done, and runs again those that failed (submit.ts).
 * - {@link runWorker} takes jobs, `concurrency` at a time, and runs the pipeline with
 *   `input.path` set to the job's scene and `{scene}` in the file (the scene's file name without
 *   its extension) filled in, so each scene writes its own outputs. Failed jobs are retried
 *   (`attempts`, exponential backoff); a job whose worker died (SIGKILL, a lost machine) stops
 *   renewing its lock and BullMQ hands it to another worker once the lock expires (`lockMs`).
 * - Delivery is at least once, so a job may run twice: outputs are written to a temporary file
 *   and renamed into place, and the same scene gives the same bytes, so a second run changes
 *   nothing.
 * - Models run through ONNX Runtime in a worker thread where they can (`runtime: auto`), so a
 *   long prediction does not starve the event loop that renews the job's lock; each job reports
 *   the event loop's worst delay during its run.
 * - {@link submitShards} enqueues one large output as shard jobs (`--shards N`): workers run
 *   the shards and the one that finishes the last part commits the output.
 * - {@link queueStatus} counts jobs by state.
 *
 * @example
 * ```ts
 * import { queueStatus } from "tilecast/ops";
 * // With a Redis server on localhost:6379:
 * // console.log(await queueStatus({ redis: "redis://127.0.0.1:6379" }));
 * console.log(typeof queueStatus); // function
 * ```
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { type Job, Queue, Worker } from "bullmq";
import { errorLine, TilecastError } from "../errors.js";
import { asJob } from "../io/reading.js";
import { type Pipeline, requireOutput } from "../pipeline/config.js";
import { partsDir } from "../pipeline/manifest.js";
import { doneParts } from "../pipeline/resumable.js";
import { type RunOptions, type RunSummary, runPipeline } from "../pipeline/run.js";
import { finalizeRun } from "../pipeline/run-output.js";
import { loadPipelineOwnScene, loadScene } from "../pipeline/scene.js";
import { redactUrl } from "../util/url.js";
import { checkRedis, connection } from "./redis.js";

/** Where the queue lives. */
export interface QueueOptions {
  /** `redis://host:port[/db]`. */
  redis: string;
  /** The queue's name (default `tilecast`). */
  queue?: string;
}

/** One job: a pipeline over one scene, or one shard of a pipeline's own output. */
export interface SceneJob {
  pipeline: string;
  /** The scene (empty for a shard job). */
  scene: string;
  sets: string[];
  shard?: { index: number; count: number };
}

/** What a finished job returns. */
export interface SceneResult {
  output: string;
  seconds: number;
  /** The event loop's worst delay during the run, ms. */
  loopDelayMaxMs: number;
  /** Its 99th percentile, ms. */
  loopDelayP99Ms: number;
  worker: string;
  /** What the run warned of (values clamped to the output's range, input outside the model's training range). */
  warnings?: string[];
}

/** Run a shard; if every part is now in, commit the output (another worker may beat us to it). */
async function runShardJob(p: Pipeline, shard: { index: number; count: number }, run: RunOptions): Promise<RunSummary> {
  const s = await runPipeline(p, { ...run, shard });
  const output = requireOutput(p).path;
  if ((await doneParts(partsDir(output))).size < s.parts.total) return s;
  try {
    // The output's warning is the whole output's, not this shard's parts'.
    const { outputWarning } = await finalizeRun(p);
    const { outputWarning: _, ...shard } = s;
    return { ...shard, committed: true, ...(outputWarning ? { outputWarning } : {}) };
  } catch (e) {
    // Another worker finalized it first, or is doing so: the output is its.
    if (e instanceof TilecastError && /finalized already|not done yet|no run to finalize/.test(e.problem)) return s;
    throw e;
  }
}

/**
 * Run one job (exported for tests and custom workers); `run.beforeTfjs` as {@link RunOptions}
 * says.
 */
export async function runSceneJob(
  job: Pick<Job<SceneJob>, "data">,
  worker = `${process.pid}`,
  run: Pick<RunOptions, "beforeTfjs"> = {},
): Promise<SceneResult> {
  const started = performance.now();
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  try {
    const { shard } = job.data;
    const p = shard
      ? await loadPipelineOwnScene(job.data.pipeline, job.data.sets)
      : await loadScene(job.data.pipeline, job.data.scene, job.data.sets);
    // Resume: a scene a dead worker left half done continues from its kept parts, and a scene
    // already done (a job delivered twice) is left as it is.
    const s = shard ? await runShardJob(p, shard, run) : await runPipeline(p, { ...run, resume: true, force: true });
    const warnings = [s.warning, s.outputWarning, s.inputWarning].filter((w): w is string => !!w);
    return {
      output: s.output,
      seconds: (performance.now() - started) / 1000,
      loopDelayMaxMs: h.max / 1e6,
      loopDelayP99Ms: h.percentile(99) / 1e6,
      worker,
      ...(warnings.length ? { warnings } : {}),
    };
  } finally {
    h.disable();
  }
}

/** Options for {@link runWorker}. */
export interface WorkerOptions extends QueueOptions {
  concurrency?: number;
  /** A job's lock lasts this long without renewal (default 30 s); a dead worker's job returns after it. */
  lockMs?: number;
  signal?: AbortSignal;
  /** A line per job. */
  log?(line: string): void;
  /** Given to each job's run ({@link RunOptions}'s `beforeTfjs`). */
  beforeTfjs?: () => Promise<unknown>;
}

/** Take jobs until the signal; see the module documentation. */
export async function runWorker(o: WorkerOptions): Promise<void> {
  const lockMs = o.lockMs ?? 30_000;
  const name = `${process.pid}`;
  await checkRedis(o.redis); // a worker started with Redis down says so, and exits
  const w = new Worker<SceneJob, SceneResult>(
    o.queue ?? "tilecast",
    (job) => asJob(() => runSceneJob(job, name, o.beforeTfjs ? { beforeTfjs: o.beforeTfjs } : {}), true),
    {
      connection: connection(o.redis),
      concurrency: o.concurrency ?? 1,
      lockDuration: lockMs,
      stalledInterval: Math.max(500, Math.floor(lockMs / 2)),
      maxStalledCount: 3,
    },
  );
  const what = (j: SceneJob) => (j.shard ? `shard ${j.shard.index}/${j.shard.count} of ${j.pipeline}` : j.scene);
  w.on("completed", (job, r) => {
    o.log?.(`done ${what(job.data)} -> ${r.output} (${r.seconds.toFixed(1)} s)`);
    for (const warning of r.warnings ?? []) o.log?.(`  warning ${what(job.data)}: ${warning}`);
  });
  w.on("failed", (job, e) => o.log?.(`failed ${job ? what(job.data) : "?"}: ${errorLine(e)}`));
  // Redis lost later: BullMQ reconnects; each new reason is said once, not every retry.
  let said = "";
  w.on("ready", () => {
    said = "";
  });
  w.on("error", (e) => {
    const line = `redis ${redactUrl(o.redis)}: ${errorLine(e)}; retrying`;
    if (line !== said) o.log?.(line);
    said = line;
  });
  await new Promise<void>((done) => {
    if (o.signal?.aborted) return done();
    o.signal?.addEventListener("abort", () => done(), { once: true });
  });
  await w.close();
}

/** Jobs by state. */
export async function queueStatus(o: QueueOptions): Promise<Record<string, number>> {
  await checkRedis(o.redis);
  const q = new Queue(o.queue ?? "tilecast", { connection: connection(o.redis) });
  try {
    return await q.getJobCounts("waiting", "active", "completed", "failed", "delayed", "paused");
  } finally {
    await q.close();
  }
}

/** What {@link pruneJobs} removed. */
export interface Pruned {
  completed: number;
  failed: number;
}

/** Jobs removed at once: one Redis call over a million jobs would hold the server for seconds. */
const PRUNE_BATCH = 1000;

/**
 * Remove the jobs that completed (and, with `failed`, failed) more than `olderThanMs` ago
 * (`tilecast prune`). Redis keeps every finished job, about 1.4 KB each, so that a submission again
 * queues only what is new; a scene whose job was pruned is queued again, and its run finds the
 * output complete and leaves it (as a job delivered twice does).
 */
export async function pruneJobs(o: QueueOptions & { olderThanMs: number; failed?: boolean }): Promise<Pruned> {
  await checkRedis(o.redis);
  const q = new Queue(o.queue ?? "tilecast", { connection: connection(o.redis) });
  const out: Pruned = { completed: 0, failed: 0 };
  try {
    for (const type of o.failed ? (["completed", "failed"] as const) : (["completed"] as const))
      for (;;) {
        const n = (await q.clean(o.olderThanMs, PRUNE_BATCH, type)).length;
        out[type] += n;
        if (n < PRUNE_BATCH) break;
      }
    return out;
  } finally {
    await q.close();
  }
}

export { type SubmitOptions, type Submitted, submitScenes, submitShards, submittedLine } from "./submit.js";
export { connection, redactUrl };
