/**
 * Atomic outputs: everything is written under a temporary name beside the target and renamed
 * over it on success. Temporary paths are tracked so that a failure, an uncaught exception or
 * Ctrl-C (SIGINT/SIGTERM, via {@link installCleanupHandlers}) removes them: a partial output
 * never survives.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { tempPathFor } from "tilecast";
 * tempPathFor("out/scene.tif"); // "out/.scene.tif.tilecast-tmp-<pid>-<random>"
 * ```
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { type FileHandle, link, lstat, mkdir, open, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, sep } from "node:path";
import { errorLine, TilecastError } from "../errors.js";
import { isRead } from "./reading.js";

const live = new Set<string>();

/** A fresh temporary path in the target's directory (same filesystem, so rename is atomic). */
export function tempPathFor(target: string): string {
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  return join(dirname(target), `.${basename(target)}.tilecast-tmp-${tag}`);
}

/** Create the directory an output will be written in (and its parents), as users expect of `out/x.tif`. */
export async function ensureParent(target: string): Promise<void> {
  // One level at a time: node's recursive mkdir can spin forever under /proc.
  const missing: string[] = [];
  for (let d = dirname(target); ; d = dirname(d)) {
    if (await exists(d)) break;
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing)
    await mkdir(d).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST")
        throw new TilecastError("E_WRITE", `cannot create output (${e.code ?? e.message})`, { path: target, cause: e });
    });
}

/** Whether anything is at `p` (a file, a directory, a link's target). */
export const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

/**
 * Create (exclusively) and track a temporary file for `target`; a failure is an E_WRITE naming
 * the target.
 */
export async function openTemp(target: string, temp: string, flags: "wx" | "wx+" = "wx"): Promise<FileHandle> {
  // Tracked before the file exists: the open runs on libuv's thread pool, and a signal handled
  // between its completion and this function resuming would otherwise leave it behind.
  trackTemp(temp);
  creating.add(temp);
  try {
    return await open(temp, flags);
  } catch (e) {
    live.delete(temp);
    const code = (e as NodeJS.ErrnoException).code;
    throw new TilecastError("E_WRITE", `cannot create output (${code ?? (e as Error).message})`, {
      path: target,
      cause: e,
    });
  } finally {
    creating.delete(temp);
    if (creating.size === 0) settled?.();
  }
}

/** Temporary files being created right now, and what to do once none is. */
const creating = new Set<string>();
let settled: (() => void) | null = null;

/**
 * Write bytes to the file `path` atomically: a tracked temporary file beside it, then rename. What
 * a file must not replace is refused first ({@link checkReplaceable}: a directory, a store, an
 * input of the job); a failure is an E_WRITE naming `path`, and leaves no temporary behind.
 */
export function atomicWrite(path: string, bytes: Uint8Array | string): Promise<void> {
  if (insideAbandoned(path))
    return Promise.reject(
      new TilecastError("E_WRITE", "cannot write the file (its output was abandoned after a failure)", { path }),
    );
  const write = writeWhole(path, bytes);
  const done = () => writing.delete(write);
  writing.set(write, path);
  write.then(done, done);
  return write;
}

/** Files being written by {@link atomicWrite}, and temporary directories discarded. */
const writing = new Map<Promise<void>, string>();
const abandoned = new Set<string>();
const isUnder = (path: string, dir: string) => path.startsWith(`${dir}${sep}`);

/** Whether a directory above `path` was discarded (its parents looked up: a worker discards many). */
function insideAbandoned(path: string): boolean {
  for (let d = dirname(path); d !== dirname(d); d = dirname(d)) if (abandoned.has(d)) return true;
  return false;
}

async function writeWhole(path: string, bytes: Uint8Array | string): Promise<void> {
  await checkReplaceable(path, "file");
  await ensureParent(path);
  const tmp = tempPathFor(path);
  trackTemp(tmp);
  try {
    await writeFile(tmp, bytes, { flag: "wx" });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    const code = (e as NodeJS.ErrnoException).code;
    throw new TilecastError("E_WRITE", `cannot write the file (${code ?? errorLine(e)})`, { path, cause: e });
  } finally {
    live.delete(tmp);
  }
}

/** Remember a temporary path so that cleanup removes it if the process dies first. */
export function trackTemp(path: string): void {
  live.add(path);
}

/** What a directory output is, and the files that mark a directory as one tilecast may replace. */
export interface DirectoryKind {
  label: string;
  markers: readonly string[];
}

/** Zarr stores: replaceable when they hold Zarr metadata. */
export const ZARR_STORE: DirectoryKind = {
  label: "a Zarr store",
  markers: ["zarr.json", ".zgroup", ".zarray", ".zmetadata"],
};

/**
 * Refuse to replace what an output of `kind` must not replace: a directory by a file, a file by
 * a store, a directory that is not a Zarr store by a store, or a file or store this process is
 * reading (reading.ts). Nothing is deleted here; the error says what is in the way.
 */
export async function checkReplaceable(
  target: string,
  kind: "file" | "directory",
  dir: DirectoryKind = ZARR_STORE,
): Promise<void> {
  const t = await lstat(target).catch(() => null);
  if (!t) return;
  if (await isRead(target))
    throw new TilecastError("E_ARGUMENT", "is an input of this job: write the output to another path", {
      path: target,
    });
  const refuse = (problem: string) =>
    new TilecastError("E_WRITE", `${problem}; refusing to replace it (remove it first)`, { path: target });
  if (t.isDirectory() && kind === "file") throw refuse("is a directory");
  if (!t.isDirectory() && kind === "directory") throw refuse("is a file, not a store");
  if (t.isDirectory() && kind === "directory") {
    const entries = await readdir(target);
    if (entries.length === 0 || dir.markers.some((m) => entries.includes(m))) return;
    throw refuse(`is a directory that is not ${dir.label}`);
  }
}

/**
 * Move a finished temporary file or directory to its target and forget it. A file replaces a
 * file atomically (one rename); a store replaces a store by moving the old one aside first, so
 * the target is never missing for long and never half-written. Anything else in the way is
 * refused ({@link checkReplaceable}); nothing is ever deleted recursively unless it is a store.
 */
export async function publish(temp: string, target: string, dir: DirectoryKind = ZARR_STORE): Promise<void> {
  const kind = (await stat(temp)).isDirectory() ? "directory" : "file";
  await checkReplaceable(target, kind, dir);
  if (kind === "directory" && (await exists(target))) {
    const old = tempPathFor(target);
    await rename(target, old);
    try {
      await rename(temp, target);
    } catch (e) {
      await rename(old, target); // put the previous store back: a failed publish loses nothing
      throw e;
    }
    live.delete(temp);
    trackTemp(old);
    await discard(old);
    return;
  }
  await rename(temp, target);
  live.delete(temp);
}

/**
 * Delete a temporary path and forget it. Files still being written into it when a run fails (the
 * other chunks of a store whose disk filled) are waited for first, and later writes into it are
 * refused: they raced the removal (ENOTEMPTY, an internal error in place of the failure's line)
 * or made the directory again after it, a partial store left behind.
 */
export async function discard(temp: string): Promise<void> {
  live.delete(temp);
  abandoned.add(temp);
  const inside = [...writing].filter(([, path]) => isUnder(path, temp)).map(([write]) => write);
  await Promise.allSettled(inside);
  await rm(temp, { recursive: true, force: true });
}

/** Synchronously delete every tracked temporary path (for exit and signal handlers). */
export function discardAllSync(): void {
  for (const p of live) rmSync(p, { recursive: true, force: true });
  live.clear();
}

let installed = false;
let graceful: ((signal: NodeJS.Signals) => void) | null = null;

/**
 * Let a long-running command stop cleanly: while set, the first SIGINT or SIGTERM calls `stop`
 * (finish the work in flight, then exit) instead of exiting at once; a second one exits at once,
 * removing temporary outputs. Returns a function that clears it.
 */
export function onGracefulStop(stop: (signal: NodeJS.Signals) => void): () => void {
  graceful = stop;
  return () => {
    if (graceful === stop) graceful = null;
  };
}

/**
 * Remove tracked temporary outputs on exit, SIGINT and SIGTERM (exiting 130/143 on signals; see
 * {@link onGracefulStop} for commands that finish their work first). Idempotent; the CLI calls it
 * at start.
 */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  process.on("exit", discardAllSync);
  for (const [sig, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.on(sig, () => {
      const stop = graceful;
      if (stop) {
        graceful = null; // the next signal exits at once
        stop(sig);
        return;
      }
      // A temporary still being created may appear after this sweep: sweep it again once it has.
      const pending = [...creating];
      discardAllSync();
      if (pending.length === 0) process.exit(code);
      settled = () => {
        for (const p of pending) rmSync(p, { force: true });
        discardAllSync();
        process.exit(code);
      };
    });
  }
}

/** Create `path` with `text`, whole, only if it does not exist; false when it does. */
export async function createWhole(path: string, text: string): Promise<boolean> {
  const tmp = tempPathFor(path);
  trackTemp(tmp);
  try {
    const f = await open(tmp, "wx");
    try {
      await f.writeFile(text);
      await f.sync();
    } finally {
      await f.close();
    }
    await link(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code === "EPERM" || code === "ENOTSUP" || code === "ENOSYS") return createExclusive(path, text);
    throw new TilecastError("E_WRITE", `cannot create the file (${(e as Error).message})`, { path, cause: e });
  } finally {
    await rm(tmp, { force: true });
    live.delete(tmp);
  }
}

/** For filesystems without hard links: O_EXCL creation (a reader may see it before it is written). */
async function createExclusive(path: string, text: string): Promise<boolean> {
  try {
    await writeFile(path, text, { flag: "wx" });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new TilecastError("E_WRITE", `cannot create the file (${(e as Error).message})`, { path, cause: e });
  }
}
