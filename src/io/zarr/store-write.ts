/**
 * One key of a store being written: into `root` (the temporary directory a new store is made in,
 * or the store itself), atomically. A failure is told under the store's own name with the key
 * ("out.zarr: band_data/0.1.1: cannot write the file (ENOSPC)"): it named the temporary
 * directory's file, `.out.zarr.tilecast-tmp-PID-HEX/band_data/0.1.1`, a path the user never
 * gave and that is gone by the time they read it.
 */
import { join } from "node:path";
import { errorLine, TilecastError } from "../../errors.js";
import { atomicWrite } from "../atomic.js";

/** Write `bytes` at `key` of the store made in `root`, errors naming `target` and the key. */
export async function writeKey(root: string, target: string, key: string, bytes: Uint8Array | string): Promise<void> {
  try {
    await atomicWrite(join(root, key), bytes);
  } catch (e) {
    const t = e instanceof TilecastError ? e : null;
    throw new TilecastError(t?.code ?? "E_WRITE", `${key}: ${t ? t.problem : errorLine(e)}`, {
      path: target,
      cause: e,
    });
  }
}
