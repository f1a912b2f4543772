/**
 * The scene queue on Redis: `tilecast submit <pipeline> <scene...> --redis URL` (or `--list
 * FILE`, one scene per line), `tilecast worker --redis URL [--concurrency N]` (until SIGINT or
 * SIGTERM), `tilecast status --redis URL`.
 */
import { readFile } from "node:fs/promises";
import { onGracefulStop } from "../io/atomic.js";
import { selectBackend } from "../nn/backend.js";
import { queueStatus, runWorker, submitScenes } from "../ops/queue.js";

/** Flags every queue command takes. */
export interface QueueFlags {
  redis: string;
  queue?: string;
  json?: boolean;
}

const where = (o: QueueFlags) => ({ redis: o.redis, ...(o.queue ? { queue: o.queue } : {}) });

/** `tilecast submit`. */
export async function submitCommand(
  file: string,
  scenes: string[],
  o: QueueFlags & { list?: string; set: string[]; attempts?: number },
): Promise<void> {
  const listed = o.list
    ? (await readFile(o.list, "utf8"))
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("#"))
    : [];
  const all = [...scenes, ...listed];
  if (all.length === 0) throw new Error("submit: name scenes as arguments or with --list FILE");
  const r = await submitScenes(file, all, {
    ...where(o),
    sets: o.set,
    ...(o.attempts !== undefined ? { attempts: o.attempts } : {}),
  });
  process.stdout.write(
    o.json
      ? `${JSON.stringify(r)}\n`
      : `queued ${r.submitted} new scene${r.submitted === 1 ? "" : "s"} of ${r.queued}\n`,
  );
}

/** `tilecast worker`: until SIGINT/SIGTERM (scenes in flight finish first; a second signal exits at once). */
export async function workerCommand(o: QueueFlags & { concurrency?: number; lockMs?: number }): Promise<void> {
  await selectBackend();
  const stop = new AbortController();
  let signal: NodeJS.Signals | null = null;
  const clear = onGracefulStop((s) => {
    signal = s;
    process.stderr.write(`${s}: finishing the scenes in flight (again to stop now)\n`);
    stop.abort();
  });
  process.stderr.write(`worker ${process.pid}: taking jobs from ${o.redis}\n`);
  try {
    await runWorker({
      ...where(o),
      ...(o.concurrency ? { concurrency: o.concurrency } : {}),
      ...(o.lockMs ? { lockMs: o.lockMs } : {}),
      signal: stop.signal,
      log: (l) => process.stdout.write(`${l}\n`),
    });
  } finally {
    clear();
  }
  if (signal) process.exitCode = signal === "SIGTERM" ? 143 : 130;
}

/** `tilecast status`. */
export async function statusCommand(o: QueueFlags): Promise<void> {
  const c = await queueStatus(where(o));
  process.stdout.write(
    o.json
      ? `${JSON.stringify(c)}\n`
      : `${Object.entries(c)
          .map(([k, v]) => `${k.padEnd(10)} ${v}`)
          .join("\n")}\n`,
  );
}
