/**
 * The scene queue on Redis: `tilecast submit <pipeline> <scene...> --redis URL` (or `--list
 * FILE`, one scene per line), `tilecast worker --redis URL [--concurrency N]` (until SIGINT or
 * SIGTERM), `tilecast status --redis URL`, `tilecast prune --redis URL --older-than 30d`.
 */
import { readFile } from "node:fs/promises";
import { TilecastError } from "../errors.js";
import { onGracefulStop } from "../io/atomic.js";
import { summarizeCycles } from "../ops/cycle-record.js";
import {
  pruneJobs,
  queueStatus,
  redactUrl,
  runWorker,
  submitScenes,
  submitShards,
  submittedLine,
} from "../ops/queue.js";
import { cpuUntilTfjs } from "../pipeline/run-backend.js";
import { listRuns } from "../pipeline/runs.js";
import { durationMs } from "./flags.js";

/** Flags every queue command takes. */
export interface QueueFlags {
  redis: string;
  queue?: string;
  json?: boolean;
}

const where = (o: QueueFlags) => ({ redis: o.redis, ...(o.queue ? { queue: o.queue } : {}) });

/** The scenes a `--list` file names, one per line (blank lines and `#` comments skipped). */
async function sceneList(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => {
    throw new TilecastError("E_NOT_FOUND", `cannot read the scene list (${e.code ?? e.message})`, { path, cause: e });
  });
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

/** `tilecast submit`. */
export async function submitCommand(
  file: string,
  scenes: string[],
  o: QueueFlags & { list?: string; set: string[]; attempts?: number; shards?: number },
): Promise<void> {
  if (o.shards !== undefined) {
    if (scenes.length > 0 || o.list) throw new TilecastError("E_ARGUMENT", "submit: --shards takes no scenes");
    const r = await submitShards(file, o.shards, {
      ...where(o),
      sets: o.set,
      ...(o.attempts !== undefined ? { attempts: o.attempts } : {}),
    });
    process.stdout.write(o.json ? `${JSON.stringify(r)}\n` : `${submittedLine(r, "shard job")}\n`);
    return;
  }
  const all = [...scenes, ...(o.list ? await sceneList(o.list) : [])];
  if (all.length === 0)
    throw new TilecastError(
      "E_ARGUMENT",
      `submit: name scenes as arguments or with --list FILE${o.list ? ` (${o.list} lists none)` : ""}`,
    );
  const r = await submitScenes(file, all, {
    ...where(o),
    sets: o.set,
    ...(o.attempts !== undefined ? { attempts: o.attempts } : {}),
  });
  process.stdout.write(o.json ? `${JSON.stringify(r)}\n` : `${submittedLine(r, "scene")}\n`);
}

/** `tilecast worker`: until SIGINT/SIGTERM (scenes in flight finish first; a second signal exits at once). */
export async function workerCommand(o: QueueFlags & { concurrency?: number; lockMs?: number }): Promise<void> {
  // TF.js's compute backend is loaded by the first job TF.js runs, if any (pipeline/run-backend.ts).
  const { beforeTfjs } = await cpuUntilTfjs();
  const stop = new AbortController();
  let signal: NodeJS.Signals | null = null;
  const clear = onGracefulStop((s) => {
    signal = s;
    process.stderr.write(`${s}: finishing the scenes in flight (again to stop now)\n`);
    stop.abort();
  });
  process.stderr.write(`worker ${process.pid}: taking jobs from ${redactUrl(o.redis)}\n`);
  try {
    await runWorker({
      ...where(o),
      ...(o.concurrency ? { concurrency: o.concurrency } : {}),
      ...(o.lockMs ? { lockMs: o.lockMs } : {}),
      beforeTfjs,
      signal: stop.signal,
      log: (l) => process.stdout.write(`${l}\n`),
    });
  } finally {
    clear();
  }
  if (signal) process.exitCode = signal === "SIGTERM" ? 143 : 130;
}

/** `tilecast prune`: finished jobs older than `--older-than` removed from the queue. */
export async function pruneCommand(o: QueueFlags & { olderThan: string; failed?: boolean }): Promise<void> {
  const olderThanMs = durationMs(o.olderThan, "--older-than", "12h, 30d");
  const r = await pruneJobs({ ...where(o), olderThanMs, ...(o.failed ? { failed: true } : {}) });
  const failed = o.failed ? ` and ${r.failed} failed` : "";
  process.stdout.write(
    o.json
      ? `${JSON.stringify(r)}\n`
      : `removed ${r.completed} completed${failed} jobs finished over ${o.olderThan} ago\n`,
  );
}

/** `tilecast status`: recent cycles (`--state`) and the queue (`--redis`). */
export async function statusCommand(
  o: Partial<QueueFlags> & { state?: string; last?: number; runs?: string },
): Promise<void> {
  if (!o.state && !o.redis && !o.runs)
    throw new TilecastError("E_ARGUMENT", "status needs --state DIR, --runs DIR or --redis URL");
  const cycles = o.state ? await summarizeCycles(o.state, o.last ?? 50) : null;
  const queue = o.redis ? await queueStatus(where({ ...o, redis: o.redis })) : null;
  const runs = o.runs ? await listRuns(o.runs) : null;
  if (o.json) {
    const all = { ...(cycles ? { cycles } : {}), ...(queue ? { queue } : {}), ...(runs ? { runs } : {}) };
    const only = Object.values(all);
    process.stdout.write(`${JSON.stringify(only.length === 1 ? only[0] : all)}\n`);
    return;
  }
  const lines: string[] = [];
  for (const r of runs ?? [])
    lines.push(
      `${r.complete ? "complete  " : "unfinished"} ${r.output}  parts ${r.partsDone}/${r.partsTotal}${r.lastActivity ? `  last ${r.lastActivity}` : ""}`,
    );
  if (runs && runs.length === 0) lines.push(`no runs under ${o.runs}`);
  for (const c of cycles ?? []) {
    const n = Object.entries(c.counts)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ");
    const latency = c.medianLatencySeconds === null ? "" : `; median latency ${c.medianLatencySeconds.toFixed(1)} s`;
    lines.push(`${c.name}: last ${c.cycles} cycles ${n}${latency}`);
    if (c.latest) lines.push(`  latest     ${c.latest.cycle} ${c.latest.status}`);
    if (c.lastProblem)
      lines.push(`  problem    ${c.lastProblem.cycle} ${c.lastProblem.status}: ${c.lastProblem.error ?? ""}`);
  }
  if (cycles && cycles.length === 0) lines.push(`no cycle records under ${o.state}`);
  if (queue) lines.push(...Object.entries(queue).map(([k, v]) => `${k.padEnd(10)} ${v}`));
  process.stdout.write(`${lines.join("\n")}\n`);
}
