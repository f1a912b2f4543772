/**
 * `runCycle(file, cycle)`: one forecast cycle of a pipeline, run the way an unattended system
 * needs it (`tilecast run --cycle`, `tilecast schedule`):
 *
 * - the cycle's time fills `{cycle}` / `{cycle:FORMAT}` in the file ({@link fillCycle});
 * - a lock per pipeline ({@link acquireLock}) keeps two runs from overlapping; a cycle that finds
 *   it held by a run of another cycle waits for it until `waitMs` after its start, then is
 *   recorded as skipped, naming the holder; one held by a run of the same cycle is skipped at once;
 * - inputs not there yet (a missing file, a store without the cycle's frame) are waited for,
 *   polling, until `waitMs` after the start; then the cycle is skipped, not crashed;
 * - every other failure is retried `retries` times with doubling backoff, then recorded as failed
 *   with its error;
 * - every cycle leaves a status record ({@link writeCycleRecord}) with its timings: latency from
 *   the cycle's time to the product written, delay from the scheduled time to the start, and
 *   `late` when that delay passed `lateAfterMs`;
 * - a cycle stopped by the signal (while waiting for inputs or a retry, or mid-run: the run is
 *   rolled back) leaves no record and rejects with E_ABORTED, so a later catch-up runs it again.
 *
 * A pipeline whose model directory is a forecast model (its card has frames) runs as a forecast
 * ({@link runForecast}: the cycle's slot of the output store); every other runs as `tilecast run`.
 *
 * @example
 * ```ts
 * import { runCycle } from "tilecast/ops";
 * const r = await runCycle("pipelines/radar-nowcast.yaml", new Date("2010-08-26T06:00Z"), {
 *   state: "/tmp/state",
 *   sets: ["output.path=/tmp/nowcast.zarr"],
 * });
 * console.log(r.status, r.latencySeconds);
 * ```
 */
import { randomUUID } from "node:crypto";
import { basename, join } from "node:path";
import { errorLine, TilecastError } from "../errors.js";
import { readModelCard } from "../nn/model-card.js";
import { loadPipeline, type Pipeline } from "../pipeline/config.js";
import { runForecast } from "../pipeline/forecast.js";
import { runPipeline } from "../pipeline/run.js";
import { sleep } from "../util/timers.js";
import { type CycleRecord, type CycleStatus, writeCycleRecord } from "./cycle-record.js";
import { fillCycle } from "./cycle-time.js";
import { acquireLock, type HeldLock, readLock } from "./lock.js";

/** Options for {@link runCycle}. */
export interface CycleOptions {
  /** Where locks and status records go. */
  state: string;
  /** When the schedule meant the cycle to run. */
  scheduled?: Date;
  /** Wait this long for missing inputs (default 0: skip at once). */
  waitMs?: number;
  /** How often to look again for missing inputs (default 5 s). */
  pollMs?: number;
  /** Retries after a failure (default 0). */
  retries?: number;
  /** The first retry's delay, doubling after each (default 5 s). */
  backoffMs?: number;
  /** A start later than this after `scheduled` marks the cycle late (default: never). */
  lateAfterMs?: number;
  /** `--set` overrides. */
  sets?: readonly string[];
  /** Refuse to write outside this directory (default `TILECAST_OUTPUT_ROOT`). */
  outputRoot?: string;
  signal?: AbortSignal;
  /** A line per event (waiting, retrying). */
  log?(line: string): void;
}

/** Was this a stop (the signal), not a failure? */
export const isAbort = (e: unknown): boolean => e instanceof TilecastError && e.code === "E_ABORTED";

/** The pipeline for a cycle: its file with the cycle's time filled in. */
export function cyclePipeline(file: string, cycle: Date, sets: readonly string[] = []): Promise<Pipeline> {
  return loadPipeline(file, sets, (t) => fillCycle(t, cycle));
}

/** The pipeline's name (its `name:`, else its file's). */
export const pipelineName = (p: Pipeline): string => p.name ?? basename(p.file).replace(/\.ya?ml$/, "");

/** Is the model a forecast model (a directory whose card has frames)? */
async function isForecast(p: Pipeline): Promise<boolean> {
  if (typeof p.model.path !== "string") return false;
  const card = await readModelCard(p.model.path).catch(() => null);
  return card?.frames !== undefined;
}

/** Run the cycle once: the output it wrote, and what the run warned of about its input. */
async function once(
  p: Pipeline,
  cycle: Date,
  o: CycleOptions,
  runId: string,
): Promise<{ output: string; inputWarning?: string }> {
  const root = o.outputRoot ? { outputRoot: o.outputRoot } : {};
  if (await isForecast(p)) return runForecast(p, { cycle: cycle.toISOString(), ...root });
  return runPipeline(p, { runId, ...root, ...(o.signal ? { signal: o.signal } : {}) });
}

/**
 * The pipeline's lock for this cycle, or why the cycle is skipped. A run of another cycle holding
 * it (the previous cycle overrunning, a backfill by hand) is waited for until `deadline`, as
 * missing inputs are: skipping would lose this cycle. A run of this same cycle is not: it is
 * making this product now.
 */
async function takeLock(
  path: string,
  name: string,
  cycle: Date,
  deadline: number,
  o: CycleOptions,
): Promise<HeldLock | string> {
  const task = cycle.toISOString();
  let said = "";
  for (;;) {
    const lock = await acquireLock(path, { task });
    if (lock) return lock;
    const h = await readLock(path);
    // Released between our try and our look (seen under load: "pid undefined on undefined"):
    // nobody to name or wait for; try again at once.
    if (!h) {
      await sleep(10, o.signal);
      continue;
    }
    const who = `pid ${h.pid} on ${h.host} since ${h.acquired}`;
    if (h.task === task) return `another run of ${name} is running this cycle (${who})`;
    const holder = `another run of ${name} holds the lock (${who}${h.task ? `, cycle ${h.task}` : ""})`;
    const left = deadline - Date.now();
    if (left <= 0) return holder;
    if (said !== holder) o.log?.(`${name} ${task}: waiting for the lock: ${holder}`);
    said = holder;
    await sleep(Math.min(left, o.pollMs ?? 5000), o.signal);
  }
}

/** Run one cycle; see the module documentation. Never throws for a cycle's own failure. */
export async function runCycle(file: string, cycle: Date, o: CycleOptions): Promise<CycleRecord> {
  const started = new Date();
  const runId = randomUUID();
  const p = await cyclePipeline(file, cycle, o.sets);
  const name = pipelineName(p);
  const delay = o.scheduled ? (started.getTime() - o.scheduled.getTime()) / 1000 : undefined;
  const record = (status: CycleStatus, attempts: number, extra: Partial<CycleRecord>): Promise<CycleRecord> => {
    const finished = new Date();
    const r: CycleRecord = {
      pipeline: file,
      name,
      cycle: cycle.toISOString(),
      status,
      ...(o.scheduled ? { scheduled: o.scheduled.toISOString() } : {}),
      started: started.toISOString(),
      finished: finished.toISOString(),
      seconds: (finished.getTime() - started.getTime()) / 1000,
      ...(delay !== undefined ? { delaySeconds: delay } : {}),
      attempts,
      runId,
      ...extra,
    };
    return writeCycleRecord(o.state, r).then(() => r);
  };
  const deadline = started.getTime() + (o.waitMs ?? 0);
  const lock = await takeLock(join(o.state, name, "lock"), name, cycle, deadline, o);
  if (typeof lock === "string") return record("skipped", 0, { error: lock });
  try {
    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        const { output, inputWarning } = await once(p, cycle, o, runId);
        const late = o.lateAfterMs !== undefined && delay !== undefined && delay * 1000 > o.lateAfterMs;
        if (inputWarning) o.log?.(`${name} ${cycle.toISOString()}: ${inputWarning}`);
        return await record(late ? "late" : "ok", attempts, {
          output,
          ...(inputWarning ? { warning: inputWarning } : {}),
          latencySeconds: (Date.now() - cycle.getTime()) / 1000,
        });
      } catch (e) {
        const error = errorLine(e);
        if (isAbort(e)) throw e; // stopped: no record, so a catch-up runs the cycle again
        if (e instanceof TilecastError && e.code === "E_NOT_FOUND") {
          attempts--; // waiting for data is not a failed try
          const left = deadline - Date.now();
          if (left <= 0) return await record("skipped", attempts, { error: `inputs missing: ${error}` });
          o.log?.(`${name} ${cycle.toISOString()}: waiting for inputs (${error})`);
          await sleep(Math.min(left, o.pollMs ?? 5000), o.signal);
          continue;
        }
        if (attempts > (o.retries ?? 0)) return await record("failed", attempts, { error });
        const wait = (o.backoffMs ?? 5000) * 2 ** (attempts - 1);
        o.log?.(`${name} ${cycle.toISOString()}: attempt ${attempts} failed (${error}); retrying in ${wait / 1000} s`);
        await sleep(wait, o.signal);
      }
    }
  } catch (e) {
    if (isAbort(e)) throw e;
    return record("failed", 0, { error: errorLine(e) });
  } finally {
    await lock.release();
  }
}
