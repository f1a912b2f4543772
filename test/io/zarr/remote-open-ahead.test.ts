/**
 * Opening a remote store asks for its metadata documents together, and for its coordinates
 * together: over http each is a round trip, and they were asked for one after another (the root
 * documents, then each array's own `.zarray` or `zarr.json`, then each coordinate). The server
 * here holds each kind of answer until every request of that kind has come, or 3 s have passed,
 * and records how many had come: one at a time, that is 1. It sends every body chunked, without
 * a `Content-Length`, and ignores `Range`, as simple servers do.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openZarrSource } from "../../../src/io/zarr/source.js";

const ERA5 = "fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr";
const V3 = "fixtures/zarr/t2m.f32.zstd.sharded64.inner16.v3.zarr";

/** Requests by kind, and for each answer of a held kind: how many of its kind had come. */
const seen: string[] = [];
const heldAt: Record<string, number[]> = {};
/** Kinds held until `want` requests of them have come: a kind of request by its path. */
let held: { kind: (p: string) => string | null; want: Record<string, number> } = { kind: () => null, want: {} };
let server: Server;
let base = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    const p = decodeURIComponent((req.url ?? "/").slice(1).split("?")[0] ?? "");
    seen.push(p);
    const answer = () => {
      if (!existsSync(p) || statSync(p).isDirectory()) return res.writeHead(404).end();
      res.writeHead(200).end(readFileSync(p));
    };
    const kind = held.kind(p);
    if (!kind) return answer();
    const t0 = Date.now();
    const wait = () => {
      const come = seen.filter((s) => held.kind(s) === kind).length;
      if (come < (held.want[kind] ?? 1) && Date.now() - t0 < 3000) return void setTimeout(wait, 10);
      (heldAt[kind] ??= []).push(come);
      answer();
    };
    wait();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${process.cwd()}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** What `openZarrSource` gives for `store`'s `variable`, and its first 4 x 4 values, its path taken out. */
async function described(store: string, variable: string) {
  const src = await openZarrSource(store, { variable });
  const g = await src.readWindow({ x: 0, y: 0, width: 4, height: 4 });
  await src.close();
  return { meta: { ...src.meta, path: "STORE" }, values: Array.from(g.data) };
}

describe("a remote store opens in a round trip per stage, not per document", () => {
  it("v2, consolidated: the five arrays' documents together, then latitude, longitude and time together", async () => {
    held = {
      kind: (p) =>
        /\/(latitude|longitude|t2m|time|tp)\/\.zarray$/.test(p)
          ? "docs"
          : /\/(latitude|longitude|time)\/0$/.test(p)
            ? "coords"
            : null,
      want: { docs: 5, coords: 3 },
    };
    for (const k of Object.keys(heldAt)) delete heldAt[k];
    const remote = await described(`${base}/${ERA5}`, "t2m");
    expect(remote).toStrictEqual(await described(ERA5, "t2m"));
    expect(heldAt.docs?.[0]).toBe(5);
    expect(heldAt.coords?.[0]).toBe(3);
  });

  it("a sharded store from a server that sends no Content-Length reads as the local store", async () => {
    // This server answers HEAD without a length and ranges with the whole file, chunked (as
    // Node's own server does): zarrita asked for "bytes=NaN-NaN" and read the sound shard as
    // corrupt ("crc32c: 0 bytes cannot hold a 4-byte checksum").
    held = { kind: () => null, want: {} };
    expect(await described(`${base}/${V3}`, "t2m")).toStrictEqual(await described(V3, "t2m"));
  });
});
