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
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { TilecastError } from "../errors.js";

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

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** Remember a temporary path so that cleanup removes it if the process dies first. */
export function trackTemp(path: string): void {
  live.add(path);
}

/** Move a finished temporary file or directory to its target (replacing it) and forget it. */
export async function publish(temp: string, target: string): Promise<void> {
  await rm(target, { recursive: true, force: true }).catch(() => undefined);
  await rename(temp, target);
  live.delete(temp);
}

/** Delete a temporary path and forget it. */
export async function discard(temp: string): Promise<void> {
  live.delete(temp);
  await rm(temp, { recursive: true, force: true });
}

/** Synchronously delete every tracked temporary path (for exit and signal handlers). */
export function discardAllSync(): void {
  for (const p of live) rmSync(p, { recursive: true, force: true });
  live.clear();
}

let installed = false;

/**
 * Remove tracked temporary outputs on exit, SIGINT and SIGTERM (exiting 130/143 on signals).
 * Idempotent; the CLI calls it at start.
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
      discardAllSync();
      process.exit(code);
    });
  }
}
