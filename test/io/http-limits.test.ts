/**
 * A remote raster whose server accepted the connection and never answered hung `tilecast inspect`
 * (and a scheduled run) for five minutes, Node's own limit, and a body that stopped hung for
 * ever; an object store's passing 503 failed the run. Requests now fail in one line naming the URL
 * after TILECAST_HTTP_TIMEOUT seconds without data, and transient failures are tried again.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openGeoTiff } from "../../src/io/geotiff/reader.js";
import { limitedFetch } from "../../src/io/http-fetch.js";
import { openZarrSource } from "../../src/io/zarr/source.js";
import { BIN } from "../helpers/cli.js";

const TIF = "fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif";
const STORE = "fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr";

/** How the server treats the next requests: "silent" never answers, "stall" sends headers only. */
let mode: "serve" | "silent" | "stall" = "serve";
/** How many requests to answer 503 (with Retry-After 0) before serving. */
let flaky = 0;
const seen: string[] = [];
let server: Server;
let base = "";

/** Serve a file from the repository, honouring one byte range. */
function serve(req: IncomingMessage, res: ServerResponse): void {
  let body: Buffer;
  try {
    body = readFileSync(join(".", decodeURIComponent(req.url ?? "/")));
  } catch {
    res.writeHead(404).end();
    return;
  }
  const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? "");
  if (!range) {
    res.writeHead(200, { "Content-Length": body.length }).end(body);
    return;
  }
  const start = Number(range[1]);
  const end = Math.min(body.length - 1, range[2] ? Number(range[2]) : body.length - 1);
  res.writeHead(206, { "Content-Range": `bytes ${start}-${end}/${body.length}`, "Content-Length": end - start + 1 });
  res.end(body.subarray(start, end + 1));
}

/** The sidecars a GeoTIFF's open asks for beside it: answered (404) outside the modes below, and not counted. */
const SIDECAR = /(\.aux\.xml|\.msk|\.rpb|_rpc\.txt)$/i;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (SIDECAR.test(req.url ?? "")) {
      res.writeHead(404).end();
      return;
    }
    seen.push(req.url ?? "");
    if (mode === "silent") return; // accepted, never answered
    if (mode === "stall") {
      res.writeHead(200, { "Content-Length": 1000 });
      res.write("II*\0"); // four bytes, then nothing
      return;
    }
    if (flaky > 0) {
      flaky--;
      res.writeHead(503, { "Retry-After": "0" }).end("slow down");
      return;
    }
    serve(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

const saved = { ...process.env };
afterEach(() => {
  mode = "serve";
  flaky = 0;
  seen.length = 0;
  process.env.TILECAST_HTTP_TIMEOUT = saved.TILECAST_HTTP_TIMEOUT;
  process.env.TILECAST_HTTP_RETRIES = saved.TILECAST_HTTP_RETRIES;
  for (const k of ["TILECAST_HTTP_TIMEOUT", "TILECAST_HTTP_RETRIES"]) if (saved[k] === undefined) delete process.env[k];
});

/** The error `p` rejects with, and how long it took in seconds. */
async function failure(p: Promise<unknown>): Promise<{ message: string; s: number }> {
  const t0 = performance.now();
  const e = await p.then(
    () => new Error("it did not fail"),
    (x: Error) => x,
  );
  return { message: e.message, s: (performance.now() - t0) / 1000 };
}

describe("http limits", () => {
  it("a server that never answers fails after the timeout, each try, naming the URL", async () => {
    process.env.TILECAST_HTTP_TIMEOUT = "0.5";
    process.env.TILECAST_HTTP_RETRIES = "1";
    mode = "silent";
    const url = `${base}/${TIF}`;
    const f = await failure(openGeoTiff(url));
    expect(f.message).toBe(
      `${url}: no answer in 0.5 s, tried 2 times (TILECAST_HTTP_TIMEOUT sets the limit in seconds)`,
    );
    expect(seen).toHaveLength(2);
    expect(f.s).toBeLessThan(10);
  });

  it("an answer whose body stops fails after the timeout", async () => {
    process.env.TILECAST_HTTP_TIMEOUT = "0.5";
    mode = "stall";
    const url = `${base}/${STORE}`;
    const f = await failure(openZarrSource(url, { variable: "t2m" }));
    expect(f.message).toContain(
      "the answer stopped: no data in 0.5 s (TILECAST_HTTP_TIMEOUT sets the limit in seconds)",
    );
    expect(f.message).toContain(base);
    expect(f.s).toBeLessThan(10);
  });

  it("503s are tried again: the GeoTIFF and the store read as the local files", async () => {
    process.env.TILECAST_HTTP_RETRIES = "2";
    flaky = 2;
    const remote = await openGeoTiff(`${base}/${TIF}`);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[1]).toBe(seen[2]);
    const local = await openGeoTiff(TIF);
    const w = { x: 3, y: 2, width: 40, height: 30 };
    expect(Array.from((await remote.readWindow(w)).data)).toEqual(Array.from((await local.readWindow(w)).data));
    await Promise.all([remote.close(), local.close()]);
    flaky = 2;
    const [rs, ls] = await Promise.all([
      openZarrSource(`${base}/${STORE}`, { variable: "t2m" }),
      openZarrSource(STORE, { variable: "t2m" }),
    ]);
    const z = { x: 0, y: 0, width: 36, height: 19 };
    expect(Array.from((await rs.readWindow(z)).data)).toEqual(Array.from((await ls.readWindow(z)).data));
    await Promise.all([rs.close(), ls.close()]);
  });

  it("a timeout past 24.8 days is a long one, not one that fires at once", async () => {
    // Node's timers take a delay past 2^31 - 1 ms as 1 ms: 'no answer in 3000000 s' at once.
    process.env.TILECAST_HTTP_TIMEOUT = "3000000";
    process.env.TILECAST_HTTP_RETRIES = "0";
    const remote = await openGeoTiff(`${base}/${TIF}`);
    const local = await openGeoTiff(TIF);
    const w = { x: 0, y: 0, width: 16, height: 16 };
    expect(Array.from((await remote.readWindow(w)).data)).toEqual(Array.from((await local.readWindow(w)).data));
    await Promise.all([remote.close(), local.close()]);
  });

  it("a 503 past the retries is the server's answer; a 404 is not tried again", async () => {
    flaky = 5;
    const r = await limitedFetch(`${base}/${TIF}`, {}, { timeoutS: 5, retries: 2, delayS: 0.01 });
    expect(r.status).toBe(503);
    expect(seen).toHaveLength(3);
    seen.length = 0;
    flaky = 0;
    const missing = await limitedFetch(`${base}/nothing.tif`, {}, { timeoutS: 5, retries: 2, delayS: 0.01 });
    expect(missing.status).toBe(404);
    expect(seen).toHaveLength(1);
  });

  it("the CLI says it in one line and exits non-zero; a bad limit is refused by name", async () => {
    mode = "silent";
    const run = (env: Record<string, string>) =>
      promisify(execFile)(process.execPath, [BIN, "inspect", `${base}/${TIF}`], {
        env: { ...process.env, ...env },
      }).then(
        () => ({ code: 0, stderr: "" }),
        (e: { code: number; stderr: string }) => e,
      );
    const r = await run({ TILECAST_HTTP_TIMEOUT: "0.3", TILECAST_HTTP_RETRIES: "0" });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`${base}/${TIF}: no answer in 0.3 s (TILECAST_HTTP_TIMEOUT sets the limit in seconds)`);
    const bad = await run({ TILECAST_HTTP_TIMEOUT: "soon" });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('TILECAST_HTTP_TIMEOUT="soon" is not a number of at least 0.001');
  });
});
