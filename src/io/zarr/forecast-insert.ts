/**
 * A cycle older than the newest in a forecast store (a backfill after an outage, a skipped cycle
 * caught up once its frame came) goes in its place in time, not at the end: xarray slices `time`
 * only on a sorted index ("the index is unsorted or non-unique"), so an appended old cycle broke
 * every `ds.sel(time=slice(...))` on the store, exit 0.
 *
 * Moving slots in place is not safe for readers, or after a crash: a reader between two renames
 * would see one cycle's time over another's fields. So the store is rebuilt beside itself, every
 * file hard-linked (no chunk is copied; a copy where links fail) with the later slots one index
 * up, the new slot written, and the rebuilt store swapped into place by two renames. A crash
 * between them leaves the old store under `<store>.tilecast-old`, which the next write (or
 * {@link recoverSwap}) puts back.
 *
 * Internal (used by forecast-store.ts).
 */
import { copyFile, link, mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { exists } from "../atomic.js";

/** Where the old store waits during a swap. */
const oldPath = (path: string) => `${path}.tilecast-old`;

/** Put back a store a crash left mid-swap; remove the old one a crash left after it. */
export async function recoverSwap(path: string): Promise<void> {
  const old = oldPath(path);
  if (!(await exists(old))) return;
  if (await exists(path)) await rm(old, { recursive: true, force: true });
  else await rename(old, path);
}

/**
 * The key a file takes in the rebuilt store: slots from `at` on move one up. A `time` chunk of
 * several slots from the one holding `at` on is left out (null): the writer writes it anew.
 */
function shifted(dir: string, name: string, variable: string, at: number, timeChunk: number): string | null {
  if (dir === "time" && timeChunk > 1) return Number(name) >= Math.floor(at / timeChunk) ? null : name;
  const m = dir === variable ? /^(\d+)(\..*)$/.exec(name) : dir === "time" ? /^(\d+)()$/.exec(name) : null;
  if (!m) return name;
  const i = Number(m[1]);
  return i >= at ? `${i + 1}${m[2]}` : name;
}

/**
 * Link (or copy) every file of the store at `from` into `to`, the slots from `at` one up; `time`
 * in chunks of `timeChunk` slots.
 */
export async function cloneShifted(
  from: string,
  to: string,
  variable: string,
  at: number,
  timeChunk: number,
): Promise<void> {
  const copy = async (src: string, dst: string) => {
    await link(src, dst).catch(() => copyFile(src, dst));
  };
  await mkdir(to, { recursive: true });
  for (const e of await readdir(from, { withFileTypes: true })) {
    if (e.isFile()) await copy(join(from, e.name), join(to, e.name));
    if (!e.isDirectory()) continue;
    await mkdir(join(to, e.name));
    for (const f of await readdir(join(from, e.name), { withFileTypes: true })) {
      const key = f.isFile() ? shifted(e.name, f.name, variable, at, timeChunk) : null;
      if (key !== null) await copy(join(from, e.name, f.name), join(to, e.name, key));
    }
  }
}

/** Swap the rebuilt store at `temp` into `path` (see the module note). */
export async function swapInto(path: string, temp: string): Promise<void> {
  const old = oldPath(path);
  await rm(old, { recursive: true, force: true });
  await rename(path, old);
  await rename(temp, path);
  await rm(old, { recursive: true, force: true });
}
