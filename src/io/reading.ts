/**
 * The files and stores a job reads, by identity: device and inode, so `a.tif`, `./a.tif`, its
 * absolute path and a link to it are one. An output over one of them is refused before anything
 * is written (`checkReplaceable`): `tilecast convert a.tif a.tif` replaced its input with itself
 * re-encoded, a pipeline whose output named its input would replace the scene it reads, and
 * `tilecast evaluate a.tif b.tif --out a.tif` replaced the prediction it had scored (and closed)
 * with the scores.
 * - In a job ({@link asJob}: a `tilecast` command, a queued scene, a scheduled cycle), every file
 *   and store opened for reading is its input until the job ends, closed or not.
 * - Outside one (a program calling `openSource`), a file is an input while it is open.
 *
 * Internal (used by registry.ts, the readers, atomic.ts and the commands).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { stat } from "node:fs/promises";
import { isUrl } from "../util/url.js";
import type { GridSource } from "./types.js";

const open = new Map<string, number>();
const job = new AsyncLocalStorage<Set<string>>();

/** `path`'s identity, or null for a URL or a path that is not there. */
async function identity(path: string): Promise<string | null> {
  if (isUrl(path)) return null;
  const s = await stat(path).catch(() => null);
  return s ? `${s.dev}:${s.ino}` : null;
}

/**
 * Run `fn` as one job: what it reads stays its input until it ends. Inside a job, `fn` is part
 * of it, unless `fresh` (each scene of a worker, each cycle of a schedule is a job of its own).
 */
export function asJob<T>(fn: () => Promise<T>, fresh = false): Promise<T> {
  return !fresh && job.getStore() ? fn() : job.run(new Set(), fn);
}

/** Count `path`, opened for reading, as an input of the job running (none outside a job). */
export async function readInJob(path: string): Promise<void> {
  const inputs = job.getStore();
  const id = inputs && (await identity(path));
  if (id) inputs.add(id);
}

/** `src`, opened from `path`, counted as read until it is closed (and to its job's end). */
export async function reading(src: GridSource, path: string): Promise<GridSource> {
  const id = await identity(path);
  if (id === null) return src;
  job.getStore()?.add(id);
  open.set(id, (open.get(id) ?? 0) + 1);
  const close = src.close.bind(src);
  let closed = false;
  src.close = async () => {
    if (!closed) {
      closed = true;
      const n = (open.get(id) ?? 1) - 1;
      if (n) open.set(id, n);
      else open.delete(id);
    }
    await close();
  };
  return src;
}

/** Is `path` open for reading in this process, or read by the job running? */
export async function isRead(path: string): Promise<boolean> {
  const inputs = job.getStore();
  if (!open.size && !inputs?.size) return false;
  const id = await identity(path);
  return id !== null && (open.has(id) || inputs?.has(id) === true);
}
