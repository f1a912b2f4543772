/**
 * A sharded (v3) Zarr store over http(s) reads its shards' index and inner chunks as byte ranges.
 * A server that ignores `Range` (Python's `http.server`) answers with the whole shard, which
 * zarrita took for the range: an intact store failed with "crc32c checksum does not match". A
 * range past the end of a shard was "Unexpected response status 416". Both now read, or fail, as
 * the same store does locally (`ranged-fetch.ts`).
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, statSync, truncateSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSource } from "../../../src/io/registry.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { makeCases } from "../../fuzz/mutate.js";
import { tmp } from "../../helpers/write.js";

/**
 * Loopback servers of local files ("/@/abs/path"): one honours Range (suffixes too), one ignores
 * it, and one reads any range that starts with "-N" as a suffix (a 416 for an empty file).
 */
const servers: Server[] = [];
let [ranged, whole, lenient] = ["", "", ""];
let wholeBodies = 0;
function serve(honourRange: boolean, rangeForm = /^bytes=(\d*)-(\d*)$/): Promise<string> {
  const server = createServer((req, res) => {
    const p = decodeURIComponent((req.url ?? "/").slice(2));
    if (!existsSync(p) || statSync(p).isDirectory()) {
      res.writeHead(404);
      res.end();
      return;
    }
    const body = readFileSync(p);
    const m = rangeForm.exec(req.headers.range ?? "");
    if (honourRange && m && (m[1] || m[2])) {
      const [s, e] = m[1]
        ? [Number(m[1]), Math.min(m[2] ? Number(m[2]) : body.length - 1, body.length - 1)]
        : [Math.max(0, body.length - Number(m[2])), body.length - 1];
      if (s >= body.length) {
        res.writeHead(416, { "Content-Range": `bytes */${body.length}` });
        res.end();
        return;
      }
      res.writeHead(206, { "Content-Range": `bytes ${s}-${e}/${body.length}`, "Content-Length": e - s + 1 });
      res.end(body.subarray(s, e + 1));
      return;
    }
    if (req.headers.range) wholeBodies++;
    res.writeHead(200, { "Content-Length": body.length });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  servers.push(server);
  return new Promise((r) =>
    server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}/@`)),
  );
}

const dir = tmp("remote-ranges");
const sharded = join(dir, "sharded.zarr");
beforeAll(async () => {
  [ranged, whole, lenient] = [await serve(true), await serve(false), await serve(true, /^bytes=(\d*)-(\d*)/)];
  await convertRaster("fixtures/demo/scene.s2like.u16.4b.tif", sharded, {
    outputTileSize: 64,
    write: { zarrFormat: 3, shardSize: 256 },
  });
});
afterAll(() => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))));

/** The description and pixels of a store's `band_data`, or its error, with the path taken out. */
async function outcome(path: string): Promise<string> {
  const plain = (e: unknown) => `error ${(e as Error).message.replaceAll(path, "STORE")}`;
  try {
    const src = await openSource(path, { variable: "band_data" });
    try {
      const { width, height } = src.meta;
      const pixels = await src
        .readWindow({ x: 0, y: 0, width, height })
        .then((g) => createHash("md5").update(new Uint8Array(g.data.buffer)).digest("hex"), plain);
      return `${JSON.stringify({ ...src.meta, path: "STORE" })} ${pixels}`;
    } finally {
      await src.close();
    }
  } catch (e) {
    return plain(e);
  }
}

describe("a sharded Zarr store over http(s)", () => {
  it("reads from a server that ignores Range as from the file itself", async () => {
    const local = await outcome(sharded);
    expect(local).not.toMatch(/^error/);
    wholeBodies = 0;
    expect(await outcome(whole + sharded)).toBe(local);
    expect(wholeBodies).toBeGreaterThan(0); // the server did answer ranges with whole shards
    expect(await outcome(ranged + sharded)).toBe(local);
  });

  it("a shard shorter than its index, or empty, fails as it does locally, whatever the server", async () => {
    const shard = (store: string) => {
      const c = join(store, "band_data", "c");
      const first = readdirSync(c, { recursive: true, encoding: "utf8" }).find((f) => statSync(join(c, f)).isFile());
      return join(c, first as string);
    };
    for (const [name, bytes] of [
      ["empty", 0],
      ["short", 3],
    ] as const) {
      const store = join(dir, `${name}.zarr`);
      cpSync(sharded, store, { recursive: true });
      truncateSync(shard(store), bytes);
      const local = await outcome(store);
      expect(local).toMatch(/^\{/); // it opens; its pixels fail
      expect(local).toMatch(/(cannot hold|checksum)/);
      for (const server of [ranged, whole, lenient]) expect(await outcome(server + store)).toBe(local);
    }
  });

  it("40 mutated stores read, or fail, over http as they do locally", async () => {
    const cases = makeCases(
      2026120702,
      50,
      { tiff: [], zarr: [{ path: sharded, variable: "band_data" }] },
      join(dir, "cases"),
    );
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const differ: string[] = [];
    let pastEnd = 0;
    for (const c of cases.slice(0, 40)) {
      const local = await outcome(c.path);
      const remote = await outcome(ranged + c.path);
      if (local.includes("lie past the end")) pastEnd++;
      // Chunks decode in parallel: which corrupt one is named first, and what its decoder says,
      // may differ; whether its bytes lie past the end of its shard may not.
      const kind = (s: string) =>
        s.replace(/corrupt chunk \S+ \((.*)\)$/, (_, why: string) =>
          /lie past the end/.test(why) ? "corrupt chunk: past the end" : "corrupt chunk",
        );
      if (kind(local) !== kind(remote)) differ.push(`${c.family} ${c.path}\n  local:  ${local}\n  remote: ${remote}`);
    }
    expect(differ).toStrictEqual([]);
    expect(pastEnd).toBeGreaterThan(0);
  }, 120_000);
});
