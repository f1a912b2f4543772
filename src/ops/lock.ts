/**
 * A lock file that keeps two runs of one pipeline from overlapping, across processes on one
 * machine or on a shared filesystem, and that survives a crash safely:
 *
 * - taking it creates the file exclusively (`O_EXCL`), holding the owner's pid, host and a
 *   heartbeat refreshed while it is held;
 * - a lock is stale when its owner is gone (same host, no such process) or its heartbeat is older
 *   than `staleMs` (another host, or a hung owner);
 * - the file appears whole or not at all: it is written under a private name, then hard-linked to
 *   the lock's name, which fails when the name exists. A reader never sees a half-written lock;
 * - every removal or rewrite of the lock file (breaking a stale lock, the holder's heartbeat, its
 *   release) happens under a short-lived breaker file (`<lock>.break`, created the same way), and
 *   a lock is only ever created where none exists. So a breaker that reads a stale lock removes
 *   that same lock, never one a racing process has just taken. A breaker left by a crash is
 *   removed once it is older than {@link BREAKER_STALE_MS}. Of any number of racing takers,
 *   exactly one wins.
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
import { link, mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { atomicWrite, createWhole } from "../io/atomic.js";
import { processAlive } from "../io/stale-temps.js";

/** What a lock file holds. */
export interface LockInfo {
  pid: number;
  host: string;
  /** A token unique to this holder. */
  owner: string;
  acquired: string;
  heartbeat: string;
  /** What the holder is doing (a cycle's time), so another taker can tell a duplicate from a queue. */
  task?: string;
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
  /** Written as the holder's `task`. */
  task?: string;
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
  if (!info) return true; // unreadable (created whole, so corrupted later): nobody relies on it
  if (info.host === hostname() && !processAlive(info.pid)) return true;
  return now - Date.parse(info.heartbeat) > staleMs;
}

/** A breaker file older than this was left by a crash mid-break and may be removed. */
export const BREAKER_STALE_MS = 10_000;

/** Remove a breaker left by a crash, if it is still that same old breaker. */
async function clearDeadBreaker(breaker: string): Promise<void> {
  const old = await stat(breaker).catch(() => null);
  if (!old || Date.now() - old.mtimeMs <= BREAKER_STALE_MS) return;
  const aside = `${breaker}.${randomUUID()}.dead`;
  if (
    !(await rename(breaker, aside).then(
      () => true,
      () => false,
    ))
  )
    return;
  const moved = await stat(aside).catch(() => null);
  if (moved && moved.ino !== old.ino) await link(aside, breaker).catch(() => {}); // a fresh one: put it back
  await rm(aside, { force: true });
}

/**
 * Run `fn` holding the breaker: every removal or rewrite of the lock file happens under it, so
 * what `fn` reads stays there until it acts (a lock is only ever created where none exists).
 * With `wait`, retry until the breaker is free; without, return undefined when it is busy.
 */
async function underBreaker<T>(path: string, wait: boolean, fn: () => Promise<T>): Promise<T | undefined> {
  const breaker = `${path}.break`;
  for (;;) {
    await clearDeadBreaker(breaker);
    if (await createWhole(breaker, `${process.pid}@${hostname()}\n`)) break;
    if (!wait) return undefined;
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
  }
  try {
    return await fn();
  } finally {
    await rm(breaker, { force: true });
  }
}

/** Is the lock file there at all? (`readLock` cannot tell a missing file from a corrupt one.) */
const present = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Take the lock, or return null when a live holder has it; see the module documentation. */
export async function acquireLock(path: string, o: LockOptions = {}): Promise<HeldLock | null> {
  const staleMs = o.staleMs ?? 600_000;
  await mkdir(dirname(path), { recursive: true });
  const now = new Date().toISOString();
  const info: LockInfo = {
    ...{ pid: process.pid, host: hostname(), owner: randomUUID(), acquired: now, heartbeat: now },
    ...(o.task !== undefined ? { task: o.task } : {}),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createWhole(path, `${JSON.stringify(info)}\n`))
      return held(path, info, o.heartbeatMs ?? Math.max(50, staleMs / 3));
    if (!(await present(path))) continue; // released between our create and our look: try again
    if (!isStale(await readLock(path), staleMs)) return null;
    // Under the breaker nobody else removes or rewrites the file: what is stale now stays stale.
    const broke = await underBreaker(path, false, async () => {
      if ((await present(path)) && isStale(await readLock(path), staleMs)) await rm(path, { force: true });
      return true;
    });
    if (!broke) return null; // another taker is breaking it: that one takes it
  }
  return null;
}

function held(path: string, info: LockInfo, heartbeatMs: number): HeldLock {
  let current = info;
  const ours = async () => (await readLock(path))?.owner === info.owner;
  const beat = setInterval(() => {
    current = { ...current, heartbeat: new Date().toISOString() };
    void underBreaker(path, true, async () => {
      if (await ours()) await atomicWrite(path, `${JSON.stringify(current)}\n`);
    }).catch(() => {});
  }, heartbeatMs);
  beat.unref();
  return {
    path,
    info,
    async release() {
      clearInterval(beat);
      await underBreaker(path, true, async () => {
        if (await ours()) await rm(path, { force: true });
      });
    },
  };
}
