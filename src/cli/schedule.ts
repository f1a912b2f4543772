/**
 * `tilecast schedule <pipeline> --cron EXPR`: run a pipeline's cycles on a schedule until stopped,
 * a line per cycle; and `tilecast run <pipeline> --cycle T`: one cycle by hand (for system cron,
 * Kubernetes CronJobs, Airflow), with the same lock, input wait, retries and status record. Exit
 * status of a cycle: 0 done (ok or late), 1 failed, 3 skipped (inputs missing, or locked).
 */
import { onGracefulStop } from "../io/atomic.js";
import { selectBackend } from "../nn/backend.js";
import { runCycle } from "../ops/cycle.js";
import type { CycleRecord } from "../ops/cycle-record.js";
import { parseCycle } from "../ops/cycle-time.js";
import { parseCron, runSchedule } from "../ops/schedule.js";
import { durationMs } from "./flags.js";

/** Flags shared by `schedule` and `run --cycle`. */
export interface CycleFlags {
  state: string;
  wait?: string;
  retries?: number;
  set: string[];
  json?: boolean;
}

/** Flags of `tilecast schedule`. */
export interface ScheduleFlags extends CycleFlags {
  cron: string;
  catchUp?: number;
}

function line(r: CycleRecord): string {
  const t = r.latencySeconds !== undefined ? `, latency ${r.latencySeconds.toFixed(1)} s` : "";
  const why = r.error ? `: ${r.error}` : r.warning ? `: warning: ${r.warning}` : "";
  return `${r.cycle} ${r.status.padEnd(7)} ${r.seconds.toFixed(2)} s, ${r.attempts} attempt${r.attempts === 1 ? "" : "s"}${t}${why}`;
}

const print = (r: CycleRecord, json?: boolean) =>
  process.stdout.write(json ? `${JSON.stringify(r)}\n` : `${line(r)}\n`);

function common(o: CycleFlags) {
  return {
    state: o.state,
    sets: o.set,
    ...(o.wait ? { waitMs: durationMs(o.wait) } : {}),
    ...(o.retries !== undefined ? { retries: o.retries } : {}),
    log: (l: string) => process.stderr.write(`${l}\n`),
  };
}

/** Exit status for a cycle's record. */
export const cycleExitCode = (r: CycleRecord): number => (r.status === "failed" ? 1 : r.status === "skipped" ? 3 : 0);

/** `tilecast run <pipeline> --cycle T`; `runtime` and `outputRoot` as `tilecast run` takes them. */
export async function cycleCommand(
  file: string,
  cycle: string,
  o: CycleFlags & { runtime?: string; outputRoot?: string },
): Promise<number> {
  await selectBackend();
  const sets = [...o.set, ...(o.runtime ? [`runtime=${o.runtime}`] : [])];
  const r = await runCycle(file, parseCycle(cycle), {
    ...common({ ...o, set: sets }),
    ...(o.outputRoot ? { outputRoot: o.outputRoot } : {}),
  });
  print(r, o.json);
  return cycleExitCode(r);
}

/** `tilecast schedule`: until SIGINT/SIGTERM (a cycle in flight finishes first; a second signal exits at once). */
export async function scheduleCommand(file: string, o: ScheduleFlags): Promise<void> {
  const options = common(o); // a bad --wait or --cron is refused before anything starts
  parseCron(o.cron);
  await selectBackend();
  const stop = new AbortController();
  let signal: NodeJS.Signals | null = null;
  const clear = onGracefulStop((s) => {
    signal = s;
    process.stderr.write(`${s}: stopping after the cycle in flight (again to stop now)\n`);
    stop.abort();
  });
  process.stderr.write(`${file}: cycles on '${o.cron}' (UTC); status records in ${o.state}\n`);
  try {
    await runSchedule(file, {
      ...options,
      cron: o.cron,
      ...(o.catchUp !== undefined ? { catchUp: o.catchUp } : {}),
      onRecord: (r) => print(r, o.json),
      signal: stop.signal,
    });
  } finally {
    clear();
  }
  if (signal) process.exitCode = signal === "SIGTERM" ? 143 : 130;
}
