/**
 * The small files beside a remote raster (`.aux.xml`, world files, `.RPB`, `.msk`), looked for as
 * GDAL's /vsicurl/ looks for them: one request each, a missing one being absent. GDAL reads them
 * beside a URL as beside a local path, so a reader that did not would place, mask and label the
 * same file otherwise over http. `GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR`, which cloud users set to
 * save those requests, turns the look off here as it does in GDAL.
 *
 * - 404, 410, 403 and 401 (an object store's answer for a key that is not there, or not visible)
 *   and an HTML page (a server's "not found" page sent as 200) are no file.
 * - Any other failure, after `http-fetch.ts`'s retries, is an error naming the sidecar: a
 *   transient 503 must not silently read a scene without its nodata or CRS.
 * - A reader asks for the sidecars it will look for ahead, all at once ({@link askAhead}), so they
 *   cost one round trip beside the file's own first request, not one each in turn.
 *
 * Internal (used by `sidecar-text.ts` and `geotiff/mask-sidecar.ts`).
 */
import { TilecastError } from "../errors.js";
import { bodyWithin, limitedFetch } from "./http-fetch.js";

const ABSENT = new Set([401, 403, 404, 410]);

/** True unless `GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR` says a remote file has nothing beside it. */
export function remoteSidecarsWanted(): boolean {
  return (process.env.GDAL_DISABLE_READDIR_ON_OPEN ?? "").toUpperCase() !== "EMPTY_DIR";
}

/** The answer for the sidecar at `url`, or null where there is none. */
async function answer(url: string, headers: Record<string, string> = {}): Promise<Response | null> {
  const res = await limitedFetch(url, { headers });
  const html = /^text\/html\b/i.test(res.headers.get("content-type") ?? "");
  if (ABSENT.has(res.status) || (res.ok && html)) {
    await res.body?.cancel();
    return null;
  }
  // 416 to a first-byte request: the file is there, and empty.
  if (!res.ok && !(res.status === 416 && headers.Range)) {
    await res.body?.cancel();
    const skip = "GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR reads no sidecars";
    throw new TilecastError("E_NOT_FOUND", `server answered HTTP ${res.status} (${skip})`, { path: url });
  }
  return res;
}

/** Answers asked for ahead of their reads ({@link askAhead}), by kind and URL; each read takes its own. */
const ahead = new Map<string, Promise<unknown>>();

/** The answer asked for ahead under `key`, taken, or `ask()`'s. */
function take<T>(key: string, ask: () => Promise<T>): Promise<T> {
  const early = ahead.get(key) as Promise<T> | undefined;
  if (!early) return ask();
  ahead.delete(key);
  return early;
}

/** A sidecar to ask for ahead: its text (up to `maxBytes`), or only whether it is there. */
export interface AheadAsk {
  url: string;
  maxBytes?: number;
}

/**
 * Ask for `asks` now, together, for the reads that follow ({@link fetchSidecar},
 * {@link remoteFileExists}) to take; the function returned forgets those not taken.
 */
export function askAhead(asks: readonly AheadAsk[]): () => void {
  const keys = asks.map(({ url, maxBytes }) => {
    const key = maxBytes === undefined ? `exists ${url}` : `text ${url}`;
    if (!ahead.has(key)) {
      const early = maxBytes === undefined ? probe(url) : readText(url, maxBytes);
      early.catch(() => undefined); // an answer no read takes fails nothing
      ahead.set(key, early);
    }
    return key;
  });
  return () => {
    for (const k of keys) ahead.delete(k);
  };
}

/**
 * True when the server has a file at `url`: its first byte asked for (a GET, which a URL signed
 * for GET allows, where HEAD may be refused).
 */
export function remoteFileExists(url: string): Promise<boolean> {
  return take(`exists ${url}`, () => probe(url));
}

async function probe(url: string): Promise<boolean> {
  const res = await answer(url, { Range: "bytes=0-0" });
  await res?.body?.cancel();
  return res !== null;
}

/** The text at `url`, or null where there is none; an error naming it past `maxBytes`. */
export function fetchSidecar(url: string, maxBytes: number): Promise<string | null> {
  return take(`text ${url}`, () => readText(url, maxBytes));
}

async function readText(url: string, maxBytes: number): Promise<string | null> {
  const res = await answer(url);
  if (!res) return null;
  const tooLarge = (n: string) =>
    new TilecastError("E_TOO_LARGE", `it is ${n} bytes; a file of its kind is under ${maxBytes}`, { path: url });
  return (await bodyWithin(res, maxBytes, tooLarge)).toString("utf8");
}
