/**
 * Status records of forecast cycles: one JSON file per pipeline and cycle under the state
 * directory, `<state>/<pipeline name>/cycles/<cycle>.json`, written atomically, so a monitor (or
 * `tilecast serve`) lists a pipeline's recent cycles by reading one folder. A cycle run again
 * replaces its record; `attempts` counts the tries of the last run.
 *
 * @example
 * ```ts
 * import { readCycleRecords } from "tilecast/ops";
 * const recent = await readCycleRecords("tilecast-state", "radar-nowcast");
 * console.log(recent.map((r) => `${r.cycle} ${r.status}`));
 * ```
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { TilecastError } from "../errors.js";
import { atomicWrite } from "../io/atomic.js";
import { mapLimit } from "../util/map-limit.js";

/** How a cycle ended: `late` is done, but started past its deadline. */
export type CycleStatus = "ok" | "late" | "failed" | "skipped";

/** One cycle's record. */
export interface CycleRecord {
  pipeline: string;
  name: string;
  /** The cycle's time (its data time), ISO. */
  cycle: string;
  status: CycleStatus;
  /** When the schedule meant it to run (absent for a cycle run by hand). */
  scheduled?: string;
  started: string;
  finished: string;
  seconds: number;
  /** From the cycle's time to its product written (ok and late cycles). */
  latencySeconds?: number;
  /** From the scheduled time to the start. */
  delaySeconds?: number;
  attempts: number;
  /** The last error (failed), or why the cycle was skipped. */
  error?: string;
  /** What it wrote. */
  output?: string;
  /** What the run warned of (an input mostly outside the model's training range). */
  warning?: string;
  runId: string;
}

const stamp = (iso: string) => iso.replace(/[:]/g, "").replace(/\.\d+Z$/, "Z");

/** The folder of a pipeline's records. */
export const recordsDir = (state: string, name: string): string => join(state, name, "cycles");

/** Write (or replace) a cycle's record. */
export async function writeCycleRecord(state: string, r: CycleRecord): Promise<string> {
  const path = join(recordsDir(state, r.name), `${stamp(r.cycle)}.json`);
  await atomicWrite(path, `${JSON.stringify(r, null, 1)}\n`);
  return path;
}

/**
 * A pipeline's records, oldest cycle first (none when it never ran); with `last`, only the
 * newest `last` of them, the only files read (file names sort as their cycles do): a year of
 * 5-minute cycles is 105 000 records, and reading them all took `tilecast status` 30 s.
 */
export async function readCycleRecords(state: string, name: string, last?: number): Promise<CycleRecord[]> {
  const dir = recordsDir(state, name);
  const files = (await readdir(dir).catch(() => [] as string[])).filter((x) => x.endsWith(".json")).sort();
  const picked = last === undefined ? files : last > 0 ? files.slice(-last) : [];
  const out: CycleRecord[] = new Array(picked.length);
  await mapLimit(picked, 16, async (f, i) => {
    out[i] = parseRecord(await readFile(join(dir, f), "utf8"), join(dir, f));
  });
  return out.sort((a, b) => Date.parse(a.cycle) - Date.parse(b.cycle));
}

/** One cycle's record, or null when it has none. */
export async function readCycleRecord(state: string, name: string, cycle: Date): Promise<CycleRecord | null> {
  const path = join(recordsDir(state, name), `${stamp(cycle.toISOString())}.json`);
  const text = await readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return null;
    throw e;
  });
  return text === null ? null : parseRecord(text, path);
}

function parseRecord(text: string, path: string): CycleRecord {
  try {
    return JSON.parse(text) as CycleRecord;
  } catch (e) {
    throw new TilecastError("E_FORMAT", `not a cycle record (${(e as Error).message})`, { path, cause: e });
  }
}

/** What a monitor wants to know of one pipeline's recent cycles. */
export interface CycleSummary {
  name: string;
  /** Records looked at (the newest `last`). */
  cycles: number;
  counts: Record<CycleStatus, number>;
  latest: CycleRecord | null;
  lastOk: CycleRecord | null;
  lastProblem: CycleRecord | null;
  /** Median latency of the ok and late cycles, seconds. */
  medianLatencySeconds: number | null;
}

/** Every pipeline under `state`, summarized over its newest `last` cycles (default 50). */
export async function summarizeCycles(state: string, last = 50): Promise<CycleSummary[]> {
  const names = (await readdir(state, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory());
  const out: CycleSummary[] = [];
  for (const d of names.map((x) => x.name).sort()) {
    const recent = await readCycleRecords(state, d, last);
    if (recent.length === 0) continue;
    const counts: Record<CycleStatus, number> = { ok: 0, late: 0, failed: 0, skipped: 0 };
    for (const r of recent) counts[r.status]++;
    const done = recent.filter((r) => r.status === "ok" || r.status === "late");
    const lat = done.flatMap((r) => (r.latencySeconds === undefined ? [] : [r.latencySeconds])).sort((a, b) => a - b);
    out.push({
      name: d,
      cycles: recent.length,
      counts,
      latest: recent.at(-1) ?? null,
      lastOk: done.at(-1) ?? null,
      lastProblem: recent.filter((r) => r.status === "failed" || r.status === "skipped").at(-1) ?? null,
      medianLatencySeconds: lat.length ? (lat[Math.floor(lat.length / 2)] as number) : null,
    });
  }
  return out;
}
