/**
 * `runSchedule(file, { cron })`: run a pipeline's cycles on a cron schedule (`tilecast
 * schedule`), one at a time, until stopped. Each fire time is a cycle's time (its data time);
 * {@link runCycle} runs it with the lock, input wait, retries and status record.
 *
 * - **Catch-up**: on start, the last `catchUp` fire times before now that have no status record,
 *   or one that says skipped (inputs missing, the lock held), run first, oldest first (a
 *   scheduler that was down for an hour fills the gap, up to N; a frame that came after its
 *   cycle gave up on it gets its product). A cycle skipped before runs without waiting for
 *   inputs: one still missing is skipped again at once, not after the full wait.
 * - **No overlap, no loss**: cycles run in sequence; a cycle that overruns the next fire time
 *   delays that cycle, which then runs at once (marked late past `lateAfterMs`, by default one
 *   period). Across processes the lock refuses a second run of the same pipeline.
 * - **Long waits**: the wait for the next fire time is kept by the wall clock, looked at again
 *   every minute, so a monthly schedule waits its weeks (Node's own timers fire a wait past
 *   24.8 days at once) and a machine that was suspended wakes at the fire time it missed.
 * - **Stopping**: the signal ends the wait for the next fire time at once; a cycle in flight
 *   finishes first (and leaves its record), then the schedule returns.
 *
 * Cron expressions are read by croner, in UTC; six fields give seconds.
 *
 * @example
 * ```ts
 * import { runSchedule } from "tilecast/ops";
 * // Every second (six fields), one cycle: the radar archive has no frame for now, so it is skipped.
 * const [r] = await runSchedule("pipelines/radar-nowcast.yaml", { cron: "* * * * * *", state: "/tmp/state", maxCycles: 1 });
 * console.log(r?.status, r?.error); // skipped inputs missing: ...
 * ```
 */
import { Cron } from "croner";
import { errorLine, TilecastError } from "../errors.js";
import { asJob } from "../io/reading.js";
import { mapLimit } from "../util/map-limit.js";
import { sleepUntil } from "../util/timers.js";
import { type CycleOptions, cyclePipeline, pipelineName, runCycle } from "./cycle.js";
import { type CycleRecord, readCycleRecord, writeCycleRecord } from "./cycle-record.js";

/** Options for {@link runSchedule}. */
export interface ScheduleOptions extends Omit<CycleOptions, "scheduled"> {
  cron: string;
  /** Missed cycles to run on start (default 0). */
  catchUp?: number;
  /** Stop after this many cycles (default: run until the signal). */
  maxCycles?: number;
  /** Each cycle's record as it lands. */
  onRecord?(r: CycleRecord): void;
}

/**
 * A cron schedule in UTC; an error naming the expression when croner cannot read it, or when it
 * has no fire time after `now` (the 31st of February, a year gone by): a schedule that would
 * end at once, having run nothing.
 */
export function parseCron(expr: string, now = new Date()): Cron {
  let cron: Cron;
  try {
    cron = new Cron(expr, { paused: true, timezone: "UTC" });
  } catch (e) {
    throw new TilecastError("E_ARGUMENT", `--cron '${expr}': ${(e as Error).message}`);
  }
  if (!cron.nextRun(now))
    throw new TilecastError(
      "E_ARGUMENT",
      `--cron '${expr}': no fire time after ${now.toISOString()} (no date matches)`,
    );
  return cron;
}

/** The fire times to catch up: the last `n` before `now` with no record. */
export function missedCycles(cron: Cron, n: number, done: ReadonlySet<number>, now = new Date()): Date[] {
  if (n <= 0) return [];
  return cron
    .previousRuns(n, now)
    .filter((t) => !done.has(t.getTime()))
    .sort((a, b) => a.getTime() - b.getTime());
}

/** Run the schedule; see the module documentation. Resolves with every record when stopped. */
export async function runSchedule(file: string, o: ScheduleOptions): Promise<CycleRecord[]> {
  const cron = parseCron(o.cron);
  const name = pipelineName(await cyclePipeline(file, new Date()));
  // Only the catch-up window's records are read: a long-running schedule has a record per cycle.
  const now = new Date();
  const recent = (o.catchUp ?? 0) > 0 ? cron.previousRuns(o.catchUp as number, now) : [];
  const earlier: CycleRecord[] = [];
  await mapLimit(recent, 16, async (t) => {
    const r = await readCycleRecord(o.state, name, t);
    if (r) earlier.push(r);
  });
  const done = new Set(earlier.filter((r) => r.status !== "skipped").map((r) => Date.parse(r.cycle)));
  const skipped = new Set(earlier.filter((r) => r.status === "skipped").map((r) => Date.parse(r.cycle)));
  const period = (() => {
    const [a, b] = cron.nextRuns(2, new Date());
    return a && b ? b.getTime() - a.getTime() : undefined;
  })();
  const cycleOptions = { ...o, ...((o.lateAfterMs ?? period) ? { lateAfterMs: o.lateAfterMs ?? period } : {}) };
  const records: CycleRecord[] = [];
  const run = async (t: Date, waitMs = cycleOptions.waitMs) => {
    // A cycle's own failure is in its record; a file that no longer parses is recorded too,
    // and the schedule goes on (the next cycle may find it fixed).
    // The cycle in flight is not given the stop signal: a stop lets it finish.
    const { signal: _stop, ...own } = cycleOptions;
    const opts = { ...own, scheduled: t, ...(waitMs !== undefined ? { waitMs } : {}) };
    const r = await asJob(() => runCycle(file, t, opts), true).catch(async (e: unknown) => {
      const now = new Date().toISOString();
      const failed: CycleRecord = {
        pipeline: file,
        name,
        cycle: t.toISOString(),
        status: "failed",
        scheduled: t.toISOString(),
        started: now,
        finished: now,
        seconds: 0,
        attempts: 0,
        error: errorLine(e),
        runId: "",
      };
      await writeCycleRecord(o.state, failed);
      return failed;
    });
    records.push(r);
    done.add(t.getTime());
    o.onRecord?.(r);
  };
  const enough = () => o.signal?.aborted || (o.maxCycles !== undefined && records.length >= o.maxCycles);
  for (const t of missedCycles(cron, o.catchUp ?? 0, done, now)) {
    if (enough()) return records;
    await run(t, skipped.has(t.getTime()) ? 0 : cycleOptions.waitMs);
  }
  // Fire times follow from the last one run, not from the clock: a cycle that overruns the next
  // fire time delays that cycle (it runs late) instead of losing it.
  let last = new Date();
  while (!enough()) {
    const next = cron.nextRun(last);
    if (!next) {
      o.log?.(`--cron '${o.cron}': no fire time after ${last.toISOString()}; the schedule ends`);
      break;
    }
    try {
      await sleepUntil(next.getTime(), o.signal);
    } catch {
      break; // stopped while waiting
    }
    await run(next);
    last = next;
  }
  return records;
}
