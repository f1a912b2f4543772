/**
 * `tilecast serve`: the operations page and its JSON, served by tilecast itself (node:http; every
 * script, style and map layer from npm packages, no CDN). Read-only: it answers GET and HEAD.
 *
 * - Binds to 127.0.0.1 unless told otherwise. Bound elsewhere it needs a bearer token
 *   (`TILECAST_SERVE_TOKEN`), asked of every request (`Authorization: Bearer T`, or `?token=T`
 *   for the event stream and images, which cannot send headers).
 * - Files come only from under `--root` (see paths.ts); JSON never carries a Redis password.
 * - `/events` is a server-sent event stream: `cycles` when a status record lands in the state
 *   directory, so the page updates without a reload.
 */
import { watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { extname, resolve } from "node:path";
import { errorLine, TilecastError } from "../../errors.js";
import { redactUrl } from "../../util/url.js";
import { queueStatus } from "../queue.js";
import { cycleTimelines, productFrame, products, quicklooks, runs, skill } from "./data.js";
import { PAGE_HTML, PAGE_JS } from "./page.js";
import { safePath } from "./paths.js";

/** Options for {@link createOpsServer}. */
export interface ServeOptions {
  root: string;
  /** Where cycle status records are (default `<root>/tilecast-state`). */
  state?: string;
  redis?: string;
  host?: string;
  token?: string;
}

const require = createRequire(import.meta.url);
const VENDOR: Record<string, [string, string]> = {
  "leaflet.js": ["leaflet/dist/leaflet.js", "text/javascript"],
  "leaflet.css": ["leaflet/dist/leaflet.css", "text/css"],
  "topojson-client.js": ["topojson-client/dist/topojson-client.min.js", "text/javascript"],
  "land-110m.json": ["world-atlas/land-110m.json", "application/json"],
  "countries-110m.json": ["world-atlas/countries-110m.json", "application/json"],
};
const TYPES: Record<string, string> = { ".png": "image/png", ".json": "application/json", ".txt": "text/plain" };
const loopback = (host: string) => host === "127.0.0.1" || host === "::1" || host === "localhost";

function send(res: ServerResponse, code: number, type: string, body: string | Buffer): void {
  res.writeHead(code, {
    "content-type": type,
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'",
  });
  res.end(body);
}

const json = (res: ServerResponse, v: unknown) => send(res, 200, "application/json", JSON.stringify(v));

/** The page's server; call `listen` on it. Throws when bound off loopback without a token. */
export function createOpsServer(o: ServeOptions): Server {
  const host = o.host ?? "127.0.0.1";
  const token = o.token ?? process.env.TILECAST_SERVE_TOKEN;
  if (!loopback(host) && !token)
    throw new TilecastError("E_ARGUMENT", `--host ${host}: serving beyond this machine needs TILECAST_SERVE_TOKEN`);
  const root = resolve(o.root);
  const state = resolve(o.state ?? `${root}/tilecast-state`);
  const frames = new Map<string, Awaited<ReturnType<typeof productFrame>>>();
  const clients = new Set<ServerResponse>();
  let timer: NodeJS.Timeout | null = null;
  const watcher = (() => {
    try {
      return watch(state, { recursive: true }, () => {
        if (timer) return;
        timer = setTimeout(async () => {
          timer = null;
          frames.clear();
          const data = JSON.stringify(await cycleTimelines(state).catch(() => []));
          for (const c of clients) c.write(`event: cycles\ndata: ${data}\n\n`);
        }, 250);
      });
    } catch {
      return null; // no state directory (yet): the page shows no cycles
    }
  })();

  const authorized = (req: IncomingMessage, url: URL) =>
    !token || req.headers.authorization === `Bearer ${token}` || url.searchParams.get("token") === token;

  const product = async (id: string | null) => (id ? safePath(root, id) : null);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "read-only\n");
    if (!authorized(req, url)) return send(res, 401, "text/plain", "a bearer token is needed\n");
    const p = url.pathname;
    if (p === "/") return send(res, 200, "text/html; charset=utf-8", PAGE_HTML);
    if (p === "/app.js") return send(res, 200, "text/javascript", PAGE_JS);
    if (p.startsWith("/vendor/")) {
      const v = VENDOR[p.slice("/vendor/".length)];
      if (!v) return send(res, 404, "text/plain", "not found\n");
      return send(res, 200, v[1], await readFile(require.resolve(v[0])));
    }
    if (p === "/api/cycles") return json(res, await cycleTimelines(state));
    if (p === "/api/products") return json(res, await products(root));
    if (p === "/api/runs") return json(res, await runs(root));
    if (p === "/api/quicklooks") return json(res, await quicklooks(root));
    if (p === "/api/skill") return json(res, await skill(state, root));
    if (p === "/api/queue")
      return json(res, o.redis ? { redis: redactUrl(o.redis), counts: await queueStatus({ redis: o.redis }) } : null);
    if (p === "/api/frame" || p === "/api/frame.png") {
      const path = await product(url.searchParams.get("product"));
      if (!path) return send(res, 404, "text/plain", "no such product under the root\n");
      const cycle = Number(url.searchParams.get("cycle") ?? 0);
      const lead = Number(url.searchParams.get("lead") ?? 0);
      const key = `${path}|${cycle}|${lead}`;
      let f = frames.get(key);
      if (!f) {
        f = await productFrame(path, cycle, lead);
        if (frames.size > 64) frames.clear();
        frames.set(key, f);
      }
      if (p === "/api/frame.png") return send(res, 200, "image/png", f.png);
      return json(res, { bounds: f.bounds, legend: f.legend, units: f.units });
    }
    if (p === "/events") {
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        connection: "keep-alive",
      });
      res.write(": tilecast\n\n");
      clients.add(res);
      const beat = setInterval(() => res.write(": beat\n\n"), 15_000);
      req.on("close", () => {
        clearInterval(beat);
        clients.delete(res);
      });
      return;
    }
    if (p.startsWith("/files/")) {
      const path = await safePath(root, p.slice("/files/".length));
      const type = path ? TYPES[extname(path).toLowerCase()] : undefined;
      if (!path || !type) return send(res, 404, "text/plain", "not found under the root\n");
      return send(res, 200, type, await readFile(path));
    }
    send(res, 404, "text/plain", "not found\n");
  }

  const server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, "text/plain", `${errorLine(e)}\n`);
      else res.end();
    });
  });
  server.on("close", () => {
    watcher?.close();
    if (timer) clearTimeout(timer);
    for (const c of clients) c.end();
  });
  return server;
}
