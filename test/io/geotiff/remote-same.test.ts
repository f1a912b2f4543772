/**
 * A GeoTIFF over http(s) reads as the same file does locally, or is refused in the same words.
 * Remote directories were parsed by geotiff.js, local ones by tilecast's checked scan, and the
 * remote reader never knew the file's size: of 300 mutated files, 201 came out otherwise over
 * http, 88 of them opening (some with pixels) where the local file is "truncated: block N ends
 * at byte ...", and text that is not UTF-8 (Latin-1 from older writers) turned into U+FFFD.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { makeCases } from "../../fuzz/mutate.js";
import { firstIfd } from "../../fuzz/tiff.js";
import { tmp } from "../../helpers/write.js";

/** A loopback server of local files ("/@/abs/path") that honours Range requests, as object stores do. */
let server: Server;
let base = "";
beforeAll(async () => {
  server = createServer((req, res) => {
    const file = decodeURIComponent((req.url ?? "/").slice(2));
    if (!existsSync(file)) {
      res.writeHead(404).end(); // a sidecar looked for
      return;
    }
    const body = readFileSync(file);
    const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? "");
    if (!range) {
      res.writeHead(200, { "Content-Length": body.length });
      res.end(body);
      return;
    }
    const start = Number(range[1]);
    if (start >= body.length) {
      res.writeHead(416, { "Content-Range": `bytes */${body.length}` });
      res.end();
      return;
    }
    const end = Math.min(body.length - 1, range[2] ? Number(range[2]) : body.length - 1);
    res.writeHead(206, { "Content-Range": `bytes ${start}-${end}/${body.length}`, "Content-Length": end - start + 1 });
    res.end(body.subarray(start, end + 1));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/@`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/**
 * What opening `path` and reading its first 256 x 256 pixels gives: the description and the
 * pixels' hash, or the error, with the path taken out. Blocks decode in parallel, so which corrupt
 * block is named first, and the numbers its error gives, are left out too.
 */
async function outcome(path: string): Promise<string> {
  const plain = (e: unknown) =>
    `error ${(e as Error).message.replaceAll(path, "FILE").replace(/(tile \([\d, ]+\)|strip \d+)/, "BLOCK")}`;
  let src: Awaited<ReturnType<typeof openGeoTiff>>;
  try {
    src = await openGeoTiff(path);
  } catch (e) {
    return plain(e);
  }
  try {
    const meta = JSON.stringify({ ...src.meta, path: "FILE" });
    const { width, height } = src.meta;
    const pixels = await src
      .readWindow({ x: 0, y: 0, width: Math.min(width, 256), height: Math.min(height, 256) })
      .then(
        (g) => createHash("md5").update(new Uint8Array(g.data.buffer)).digest("hex"),
        (e: unknown) => plain(e).replace(/\d+/g, "N"),
      );
    return `${meta} ${pixels}`;
  } finally {
    await src.close();
  }
}

describe("GeoTIFFs over http(s) read as they do locally", () => {
  it("400 mutated files: the same description and pixels, or the same error, either way", async () => {
    const fixtures = readdirSync("fixtures/geotiff")
      .filter((f) => !/^(notatiff|empty|truncated|huge-header|corrupt)/.test(f))
      .map((f) => join("fixtures/geotiff", f));
    const cases = makeCases(2026120701, 800, { tiff: fixtures, zarr: [] }, tmp("remote-same")).slice(0, 400);
    expect(cases.length).toBe(400);
    const differ: string[] = [];
    const seen = { opened: 0, truncated: 0 };
    for (const c of cases) {
      const [local, remote] = [await outcome(c.path), await outcome(base + c.path)];
      if (local !== remote) differ.push(`${c.family} ${c.path}\n  local:  ${local}\n  remote: ${remote}`);
      if (!local.startsWith("error")) seen.opened++;
      if (local.includes("file is truncated")) seen.truncated++;
    }
    expect(differ).toStrictEqual([]);
    // Both kinds are in the mix: files that open, and files cut short of their blocks.
    expect(seen.opened).toBeGreaterThan(50);
    expect(seen.truncated).toBeGreaterThan(50);
  }, 120_000);

  it("a file cut short of its blocks is 'truncated' over http, naming the URL, not read", async () => {
    const p = tmp("cut.tif");
    const whole = readFileSync("fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif");
    writeFileSync(p, whole.subarray(0, whole.length - 100));
    await expect(openGeoTiff(base + p)).rejects.toThrow(
      new RegExp(
        `^${(base + p).replace(/[.?]/g, "\\$&")}: file is truncated: block \\d+ ends at byte \\d+, the file has ${whole.length - 100}$`,
      ),
    );
  });

  it("Latin-1 text (a band's name, a CRS citation) reads as Latin-1 over http too", async () => {
    const p = tmp("latin1.tif");
    const b = new Uint8Array(readFileSync("fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif"));
    const ifd = firstIfd(b);
    const xml = ifd?.entries.find((e) => e.tag === 42112);
    const keys = ifd?.entries.find((e) => e.tag === 34737);
    if (!xml || !keys) throw new Error("fixture");
    const patch = (e: { at: number; count: number }, from: string, to: number[]) => {
      const at = Buffer.from(b.subarray(e.at, e.at + e.count)).indexOf(from);
      if (at < 0) throw new Error("fixture");
      b.set(to, e.at + at);
    };
    patch(xml, "green", [0x67, 0x72, 0xfc, 0x6e, 0x65]); // "grüne", one byte a character
    patch(keys, "zone", [0x7a, 0xf4, 0x6e, 0x65]); // "zône"
    writeFileSync(p, b);
    const [local, remote] = [await openGeoTiff(p), await openGeoTiff(base + p)];
    const text = (m: object) => JSON.stringify({ ...m, path: "FILE" });
    expect(text(local.meta)).toContain("grüne");
    expect(text(remote.meta)).toBe(text(local.meta));
    await local.close();
    await remote.close();
  });
});
