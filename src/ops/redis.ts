/**
 * Reaching Redis, which holds the scene queue: BullMQ's connection options from a URL, and a check
 * that Redis answers. BullMQ's clients retry a refused connection for ever, so `tilecast submit`
 * and `tilecast status --redis` with Redis down hung without a word, and a worker waited silently;
 * they now ask first and fail in one line naming the (redacted) URL.
 *
 * Internal (used by queue.ts; `connection` is exported from `tilecast/ops`).
 */
import { Redis } from "ioredis";
import { errorLine, TilecastError } from "../errors.js";
import { redactUrl } from "../util/url.js";

/**
 * BullMQ's connection options from a Redis URL (`redis://[user:password@]host:port[/db]`, or
 * `rediss://` for TLS). Keep a password out of command lines and logs: put the URL in
 * `TILECAST_REDIS_URL`; errors and logs print it redacted.
 */
export function connection(url: string): {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: Record<string, never>;
  maxRetriesPerRequest: null;
} {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TilecastError("E_ARGUMENT", `--redis: '${redactUrl(url)}' is not a URL (redis://host:port)`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:")
    throw new TilecastError("E_ARGUMENT", `--redis: '${redactUrl(url)}' is not a redis:// URL`);
  const db = Number(u.pathname.replace(/^\//, "") || 0);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/**
 * Resolve once Redis at `url` answers a PING; an error naming the URL and the reason (refused,
 * unknown host, a wrong password) when it does not within `ms`.
 */
export async function checkRedis(url: string, ms = 5000): Promise<void> {
  const r = new Redis({
    ...connection(url),
    lazyConnect: true,
    connectTimeout: ms,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    disconnectTimeout: 50, // not ioredis's 2 s, which a failed command waited out before exiting
  });
  let why: unknown = null;
  r.on("error", (e: unknown) => {
    why ??= e;
  });
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    const cause = why ?? e;
    const code = (cause as NodeJS.ErrnoException).code;
    throw new TilecastError("E_NOT_FOUND", `Redis does not answer (${code ?? errorLine(cause)})`, {
      path: redactUrl(url),
      cause,
    });
  } finally {
    r.disconnect();
  }
}
