/**
 * The fetch a remote Zarr store reads through (`dataset.ts`): {@link limitedFetch}'s timeouts and
 * retries, plus what zarrita leaves to the server for the byte ranges of a sharded (v3) store's
 * index and inner chunks.
 *
 * - A server that ignores `Range` answers 200 with the whole file (Python's `http.server` does);
 *   zarrita took that body for the range, so a shard's index was the whole shard: "crc32c checksum
 *   does not match" for an intact store, and wrong bytes where the index has no checksum. The
 *   range is cut from the body, as the server should have, and the body kept for the shard's
 *   next ranges; a file past {@link MAX_WHOLE} is refused by name instead.
 * - A range past the end of the file (416, a shard index that points past its shard) is the
 *   local store's error, naming the bytes and the file's size, not "Unexpected response status".
 * - zarrita asks for a shard's index, its last N bytes, as `bytes=(size-N)-(size-1)` after a HEAD:
 *   for a shard shorter than its index the start is negative, which servers read otherwise (the
 *   whole file, a suffix, a 416). The local store gives the whole file (none for an empty one);
 *   so does this, asking for `bytes=0-(size-1)`, or nothing at all.
 * - That HEAD's answer may have no `Content-Length` (a server that sends bodies chunked, as Node's
 *   own does): zarrita then asked for `bytes=NaN-NaN` and read a sound shard as corrupt. The size
 *   comes from the first byte's `Content-Range` instead (or the whole body, where ranges are
 *   ignored). A whole body without a length is read up to {@link MAX_WHOLE}, not refused.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import * as zarr from "zarrita";
 * import { rangedFetch } from "./ranged-fetch.js";
 * const store = new zarr.FetchStore("http://127.0.0.1:8000/era5.zarr", { fetch: rangedFetch() });
 * ```
 */
import { TilecastError } from "../../errors.js";
import { bodyWithin, limitedFetch } from "../http-fetch.js";

/** The largest whole file taken from a server that ignores `Range`. */
export const MAX_WHOLE = 64 * 1024 * 1024;

/** Whole files kept by one store's fetch from a server that ignores `Range`: the last few shards. */
const KEPT = 2;

/**
 * A fetch for one remote store: `request` fetched, its range honoured whatever the server does
 * (see the module documentation). A whole file a server sent for a range is kept for the next
 * ranges of the same file (a shard's inner chunks), the last {@link KEPT} of them.
 */
export function rangedFetch(): (request: Request) => Promise<Response> {
  const wholes = new Map<string, Promise<Uint8Array>>();
  const keep = (url: string, whole: Promise<Uint8Array>) => {
    wholes.set(url, whole);
    for (const old of wholes.keys()) if (wholes.size > KEPT) wholes.delete(old);
    whole.catch(() => wholes.delete(url));
    return whole;
  };
  return async (asked) => {
    if (asked.method === "HEAD") return withLength(asked, keep);
    const request = wholeForShort(asked);
    if (!request) return new Response(new Uint8Array(0), { status: 206 }); // the last bytes of an empty file
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.get("range") ?? "");
    const [start, end] = range ? [Number(range[1]), Number(range[2]) + 1] : [0, 0];
    const pastEnd = (size: number | string) =>
      new RangeError(`bytes ${start} to ${end} lie past the end of the ${size}-byte file`);
    const cut = (whole: Uint8Array) => {
      if (end > whole.length) throw pastEnd(whole.length);
      return new Response(whole.slice(start, end), { status: 206 });
    };
    const kept = range ? wholes.get(request.url) : undefined;
    if (kept) return cut(await kept);
    const res = await limitedFetch(request.url, {
      method: request.method,
      headers: request.headers,
      signal: request.signal,
    });
    if (!range) return res;
    if (res.status === 416) {
      await res.body?.cancel();
      throw pastEnd(totalOf(res) ?? "?");
    }
    if (res.status !== 200) return res;
    return cut(await keep(request.url, wholeBody(res, request.url)));
  };
}

/** The total of a response's `Content-Range` (`bytes 0-0/1234`, a 416's `bytes *\/1234`), or null. */
function totalOf(res: Response): number | null {
  const m = /\/(\d+)\s*$/.exec(res.headers.get("content-range") ?? "");
  return m ? Number(m[1]) : null;
}

/** The whole body a server sent for a range, up to {@link MAX_WHOLE} bytes; refused by name past that. */
async function wholeBody(res: Response, url: string): Promise<Uint8Array> {
  const refuse = (size: string) =>
    new TilecastError(
      "E_UNSUPPORTED",
      `the server ignores range requests (answered 200 with the whole file${size}), and the file is too large to take whole`,
      { path: url },
    );
  return new Uint8Array(await bodyWithin(res, MAX_WHOLE, (n) => refuse(`, ${n} bytes`)));
}

/**
 * The answer to a HEAD, with a `Content-Length` where the server gave none: the size from the
 * first byte's `Content-Range`, or the whole body's (kept by `keep` for the ranges that follow).
 */
async function withLength(
  request: Request,
  keep: (url: string, whole: Promise<Uint8Array>) => Promise<Uint8Array>,
): Promise<Response> {
  const { url, signal } = request;
  const res = await limitedFetch(url, { method: "HEAD", headers: request.headers, signal });
  if (!res.ok || res.headers.has("content-length")) return res;
  const first = await limitedFetch(url, { headers: { Range: "bytes=0-0" }, signal });
  let size = totalOf(first);
  if (first.status === 200) size = (await keep(url, wholeBody(first, url))).length;
  else await first.body?.cancel();
  return size === null ? res : new Response(null, { status: 200, headers: { "Content-Length": String(size) } });
}

/**
 * `request`, with a range that starts before the file (`bytes=-13-2`: the last 16 bytes of a
 * 3-byte file) asking for the whole file from byte 0; null where the file is empty (`bytes=-16--1`).
 */
function wholeForShort(request: Request): Request | null {
  const short = /^bytes=-\d+-(-?\d+)$/.exec(request.headers.get("range") ?? "");
  if (!short) return request;
  const last = Number(short[1]);
  if (last < 0) return null;
  const headers = new Headers(request.headers);
  headers.set("range", `bytes=0-${last}`);
  return new Request(request, { headers });
}
