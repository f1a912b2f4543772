/**
 * `fetch` for remote rasters with the limits an unattended run needs. Node's own waits five
 * minutes for a server that accepted the connection and never answers, and for ever on a body
 * that stops; a scheduled nowcast would hang past its next cycle. Here:
 *
 * - a request with no answer, or a body with no new bytes, for `TILECAST_HTTP_TIMEOUT` seconds
 *   (default 30) fails with one line naming the URL;
 * - a refused or reset connection, a timeout before the answer, and HTTP 429, 500, 502, 503 and
 *   504 (an object store's "slow down") are tried again, `TILECAST_HTTP_RETRIES` times (default
 *   3), after 0.5, 1, 2 ... seconds, or the `Retry-After` the server asks for up to 30 s; as
 *   GDAL's `GDAL_HTTP_MAX_RETRY` and `GDAL_HTTP_RETRY_DELAY` do. Other answers (404, 403) are
 *   returned at once.
 *
 * Internal (used by the GeoTIFF range reader and the Zarr store over http).
 */
import { TilecastError } from "../errors.js";
import { after } from "../util/timers.js";

/** The limits a request runs under. */
export interface HttpLimits {
  /** Seconds without an answer or a body byte before the request fails. */
  timeoutS: number;
  /** How many times a transient failure is tried again. */
  retries: number;
  /** The first wait before trying again, in seconds; it doubles each time. */
  delayS: number;
}

/** A positive number from the environment, or `fallback`; anything else is refused by name. */
function envNumber(name: string, fallback: number, min: number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const v = Number(text);
  if (!Number.isFinite(v) || v < min)
    throw new TilecastError("E_ARGUMENT", `${name}=${JSON.stringify(text)} is not a number of at least ${min}`);
  return v;
}

/** The limits the environment sets (`TILECAST_HTTP_TIMEOUT`, `TILECAST_HTTP_RETRIES`). */
export function httpLimits(): HttpLimits {
  return {
    timeoutS: envNumber("TILECAST_HTTP_TIMEOUT", 30, 0.001),
    retries: Math.floor(envNumber("TILECAST_HTTP_RETRIES", 3, 0)),
    delayS: 0.5,
  };
}

const TRANSIENT = new Set([429, 500, 502, 503, 504]);

/** Why a request failed, as one line: Node's "fetch failed" names its cause only in `cause`. */
function reason(e: unknown): string {
  const c = (e as { cause?: { code?: string; message?: string } }).cause;
  return c?.code ?? c?.message ?? (e as Error).message;
}

/** Wait `s` seconds, or until `signal` aborts. */
function sleep(s: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done, fail) => {
    const stop = () => {
      cancel();
      fail(signal?.reason);
    };
    const cancel = after(s * 1000, () => {
      signal?.removeEventListener("abort", stop);
      done();
    });
    signal?.addEventListener("abort", stop, { once: true });
  });
}

/** The wait a `Retry-After` header asks for, in seconds (at most 30), or null. */
function retryAfter(res: Response): number | null {
  const v = Number(res.headers.get("retry-after") ?? Number.NaN);
  return Number.isFinite(v) && v >= 0 ? Math.min(v, 30) : null;
}

/**
 * One request to `url` under `limits`: transient failures tried again, the answer's body a stream
 * that fails (naming the URL) when no byte comes for the timeout. Errors are TilecastErrors
 * naming the URL, except the caller's own abort.
 */
export async function limitedFetch(
  url: string,
  init: RequestInit = {},
  limits: HttpLimits = httpLimits(),
): Promise<Response> {
  const caller = init.signal ?? undefined;
  for (let attempt = 0; ; attempt++) {
    const last = attempt >= limits.retries;
    const wait = limits.delayS * 2 ** attempt;
    const ac = new AbortController();
    const signal = caller ? AbortSignal.any([caller, ac.signal]) : ac.signal;
    const cancelTimer = after(limits.timeoutS * 1000, () => ac.abort());
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal });
    } catch (e) {
      if (caller?.aborted) throw caller.reason ?? e;
      const why = ac.signal.aborted ? `no answer in ${limits.timeoutS} s` : `cannot fetch (${reason(e)})`;
      if (last)
        throw new TilecastError("E_NOT_FOUND", `${why}${tries(attempt)}${ac.signal.aborted ? HINT : ""}`, {
          path: url,
          cause: e,
        });
      await sleep(wait, caller);
      continue;
    } finally {
      cancelTimer();
    }
    if (TRANSIENT.has(res.status) && !last) {
      await res.body?.cancel();
      await sleep(retryAfter(res) ?? wait, caller);
      continue;
    }
    return watched(res, url, ac, limits.timeoutS, caller);
  }
}

const HINT = " (TILECAST_HTTP_TIMEOUT sets the limit in seconds)";

/** ", tried N times" after the first try. */
const tries = (attempt: number) => (attempt ? `, tried ${attempt + 1} times` : "");

/** `res` with a body that fails when no byte arrives for `timeoutS` seconds. */
function watched(res: Response, url: string, ac: AbortController, timeoutS: number, caller?: AbortSignal): Response {
  if (!res.body) return res;
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(out) {
      let timedOut = false;
      const cancelTimer = after(timeoutS * 1000, () => {
        timedOut = true;
        ac.abort();
      });
      try {
        const { done, value } = await reader.read();
        if (done) out.close();
        else out.enqueue(value);
      } catch (e) {
        if (timedOut)
          throw new TilecastError("E_NOT_FOUND", `the answer stopped: no data in ${timeoutS} s${HINT}`, { path: url });
        if (caller?.aborted) throw caller.reason ?? e;
        throw new TilecastError("E_NOT_FOUND", `the answer broke off (${reason(e)})`, { path: url, cause: e });
      } finally {
        cancelTimer();
      }
    },
    cancel: (why) => reader.cancel(why),
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/**
 * `res`'s body, read to its end up to `maxBytes`; past that the read stops and `tooLarge(size)` is
 * thrown, `size` the declared length ("123") or, for a body that ran past it unannounced, "over N".
 */
export async function bodyWithin(res: Response, maxBytes: number, tooLarge: (size: string) => Error): Promise<Buffer> {
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw tooLarge(String(declared));
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  for (let r = await reader?.read(); reader && r && !r.done; r = await reader.read()) {
    size += r.value.length;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(`over ${maxBytes}`);
    }
    parts.push(r.value);
  }
  return Buffer.concat(parts);
}
