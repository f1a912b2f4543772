/**
 * The files and stores this process has open for reading (`openSource`), by identity: device and
 * inode, so `a.tif`, `./a.tif`, its absolute path and a link to it are one. An output over one of
 * them is refused before anything is written (`checkReplaceable`): `tilecast convert a.tif a.tif`
 * replaced its input with itself re-encoded, and a pipeline whose output names its input would
 * replace the scene it reads.
 *
 * Internal (used by registry.ts and atomic.ts).
 */
import { stat } from "node:fs/promises";
import { isUrl } from "../util/url.js";
import type { GridSource } from "./types.js";

const open = new Map<string, number>();

/** `path`'s identity, or null for a URL or a path that is not there. */
async function identity(path: string): Promise<string | null> {
  if (isUrl(path)) return null;
  const s = await stat(path).catch(() => null);
  return s ? `${s.dev}:${s.ino}` : null;
}

/** `src`, opened from `path`, counted as read until it is closed. */
export async function reading(src: GridSource, path: string): Promise<GridSource> {
  const id = await identity(path);
  if (id === null) return src;
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

/** Is `path` open for reading in this process? */
export async function isRead(path: string): Promise<boolean> {
  if (!open.size) return false;
  const id = await identity(path);
  return id !== null && open.has(id);
}
