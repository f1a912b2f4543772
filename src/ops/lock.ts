/**
 * A lock file that keeps two runs of one pipeline from overlapping, across processes on one
 * machine or on a shared filesystem, and that survives a crash safely:
 *
 * - taking it creates the file exclusively (`O_EXCL`), holding the owner's pid, host and a
 *   heartbeat refreshed while it is held;
 * - a lock is stale when its owner is gone (same host, no such process) or its heartbeat is older
 *   than `staleMs` (another host, or a hung owner). A stale lock is first renamed to a name of
 *   the taker's own, which only one taker can do, then removed; the taker then creates a fresh
 *   one. Two takers never both win.
 *
 * @example
 * ```ts
 * import { acquireLock } from "tilecast/ops";
 * const lock = await acquireLock("/tmp/nowcast.lock");
 * console.log(await acquireLock("/tmp/nowcast.lock")); // null: held (by a live process)
 * await lock?.release();
 * ```
 */
import { randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { TilecastError } from "../errors.js";
import { atomicWrite, processAlive } from "../io/atomic.js";

/** What a lock file holds. */
export interface LockInfo {
  pid: number;
  host: string;
  /** A token unique to this holder. */
  owner: string;
  acquired: string;
  heartbeat: string;
}

/** A held lock. */
export interface HeldLock {
  readonly path: string;
  readonly info: LockInfo;
  release(): Promise<void>;
}

/** Options for {@link acquireLock}. */
export interface LockOptions {
  /** A heartbeat older than this makes the lock stale (default 10 minutes). */
  staleMs?: number;
  /** How often the holder refreshes its heartbeat (default a third of `staleMs`). */
  heartbeatMs?: number;
}

/** The current holder of a lock file, or null when there is none (or it is unreadable). */
export async function readLock(path: string): Promise<LockInfo | null> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as LockInfo;
  } catch {
    return null;
  }
}

/** Is this holder gone? */
export function isStale(info: LockInfo | null, staleMs: number, now = Date.now()): boolean {
  if (!info) return true; // half-written by a crash: nobody can be relying on it
  if (info.host === hostname() && !processAlive(info.pid)) return true;
  return now - Date.parse(info.heartbeat) > staleMs;
}

async function create(path: string, info: LockInfo): Promise<boolean> {
  try {
    const f = await open(path, "wx");
    try {
      await f.writeFile(`${JSON.stringify(info)}\n`);
      await f.sync();
    } finally {
      await f.close();
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new TilecastError("E_WRITE", `cannot create the lock (${(e as Error).message})`, { path, cause: e });
  }
}

/** Take the lock, or return null when a live holder has it; see the module documentation. */
export async function acquireLock(path: string, o: LockOptions = {}): Promise<HeldLock | null> {
  const staleMs = o.staleMs ?? 600_000;
  await mkdir(dirname(path), { recursive: true });
  const now = new Date().toISOString();
  const info: LockInfo = { pid: process.pid, host: hostname(), owner: randomUUID(), acquired: now, heartbeat: now };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await create(path, info)) return held(path, info, o.heartbeatMs ?? Math.max(50, staleMs / 3));
    const current = await readLock(path);
    if (!isStale(current, staleMs)) return null;
    // Only one taker can rename the stale file away; the others find it gone and retry.
    const aside = `${path}.stale-${info.owner}`;
    const moved = await rename(path, aside).then(
      () => true,
      () => false,
    );
    if (moved) await rm(aside, { force: true });
  }
  return null;
}

function held(path: string, info: LockInfo, heartbeatMs: number): HeldLock {
  let current = info;
  const beat = setInterval(() => {
    current = { ...current, heartbeat: new Date().toISOString() };
    void readLock(path).then((on) => {
      if (on?.owner === info.owner) return atomicWrite(path, `${JSON.stringify(current)}\n`).catch(() => {});
    });
  }, heartbeatMs);
  beat.unref();
  return {
    path,
    info,
    async release() {
      clearInterval(beat);
      const on = await readLock(path);
      if (on?.owner === info.owner) await rm(path, { force: true });
    },
  };
}
