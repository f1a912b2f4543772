/**
 * Temporaries left by processes that are gone: a SIGKILL mid-write leaves
 * `.NAME.tilecast-tmp-PID-HEX` beside the output (atomic.ts's names), which no exit handler ran
 * to remove. The next write of that output sweeps them; a live process's are kept.
 *
 * Internal (used by the output registry and the scheduler's lock).
 */
import { readdir, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

const TEMP = /^\.(.+)\.tilecast-tmp-(\d+)-[0-9a-f]{8}$/;

/** Whether a process with this pid exists on this machine (ours always does). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Remove temporaries of `target` left by processes that are gone (a SIGKILL mid-write leaves
 * `.NAME.tilecast-tmp-PID-HEX` beside the output). Temporaries of live processes are kept.
 * Returns the paths removed.
 */
export async function sweepStaleTemps(target: string): Promise<string[]> {
  const dir = dirname(target);
  const name = basename(target);
  const removed: string[] = [];
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    const m = TEMP.exec(f);
    if (!m || m[1] !== name || processAlive(Number(m[2]))) continue;
    await rm(join(dir, f), { recursive: true, force: true });
    removed.push(join(dir, f));
  }
  return removed;
}
