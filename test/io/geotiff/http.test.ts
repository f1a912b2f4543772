import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { firstIfd, put } from "../../fuzz/tiff.js";
import { expected, fixture, H, W } from "../../helpers/pattern.js";
import { tmp } from "../../helpers/write.js";

/** A loopback file server that honours Range requests, as object stores do for COGs. */
let server: Server;
let base = "";
const ranges: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    // "/@/abs/path" serves a file made by a test; anything else a fixture.
    const url = req.url ?? "/";
    const file = url.startsWith("/@/") ? url.slice(2) : fixture(url.slice(1));
    if (!existsSync(file)) {
      res.writeHead(404).end(); // a sidecar looked for
      return;
    }
    const body = readFileSync(file);
    const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? "");
    if (!range) {
      res.writeHead(200, { "Content-Length": body.length, "Accept-Ranges": "bytes" });
      res.end(body);
      return;
    }
    ranges.push(req.headers.range ?? "");
    const start = Number(range[1]);
    const end = Math.min(body.length - 1, range[2] ? Number(range[2]) : body.length - 1);
    res.writeHead(206, {
      "Content-Range": `bytes ${start}-${end}/${body.length}`,
      "Content-Length": end - start + 1,
      "Accept-Ranges": "bytes",
    });
    res.end(body.subarray(start, end + 1));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("GeoTIFF over http(s)", () => {
  it("reads windows with range requests and the same pixels and georeferencing as the local file", async () => {
    const name = "u16.deflate.pred2.tiled.3b.tif";
    const remote = await openGeoTiff(`${base}/${name}`);
    const local = await openGeoTiff(fixture(name));
    expect(remote.meta.georef).toStrictEqual(local.meta.georef);
    expect(remote.meta).toMatchObject({ width: W, height: H, bands: 3, dtype: "uint16" });
    const w = { x: 5, y: 3, width: 30, height: 20 };
    const g = await remote.readWindow(w, { bands: [2] });
    for (let y = 0; y < w.height; y++)
      for (let x = 0; x < w.width; x++) expect(g.data[y * w.width + x]).toBe(expected("uint16", 2, w.y + y, w.x + x));
    expect(ranges.length).toBeGreaterThan(0);
    await remote.close();
    await local.close();
  });

  it("a georef tag of more values than libtiff reads is ignored over http as it is locally", async () => {
    const p = tmp("recounted-scale.tif");
    const src = readFileSync("fixtures/geotiff/u8.none.strip.1b.tif");
    const b = new Uint8Array(src.length + 65539 * 8); // padded: the values lie inside the file
    b.set(src);
    const ifd = firstIfd(b);
    const k = ifd?.entries.findIndex((e) => e.tag === 33550) ?? -1;
    if (!ifd || k < 0) throw new Error("fixture");
    put(b, ifd.offset + 2 + 12 * k + 4, 4, 65539, ifd.little); // ModelPixelScale: 3 -> 65539 values
    writeFileSync(p, b);
    const remote = await openGeoTiff(`${base}/@${p}`);
    const local = await openGeoTiff(p);
    expect(remote.meta.georef?.transform).toStrictEqual([0, 1, 0, 0, 0, 1]); // no scale: no geotransform
    expect(remote.meta.georef).toStrictEqual(local.meta.georef);
    await remote.close();
    await local.close();
  });

  it("a size stored as text is refused as a local file's is, in one line naming the URL", async () => {
    const p = tmp("ascii-width.tif");
    const b = new Uint8Array(readFileSync("fixtures/geotiff/u8.none.strip.1b.tif"));
    const ifd = firstIfd(b);
    const k = ifd?.entries.findIndex((e) => e.tag === 256) ?? -1;
    if (!ifd || k < 0) throw new Error("fixture");
    put(b, ifd.offset + 2 + 12 * k + 2, 2, 2, ifd.little); // ImageWidth: SHORT -> ASCII
    writeFileSync(p, b);
    const url = `${base}/@${p}`;
    const problem = "IFD 0: ImageWidth has field type 2; it must be an integer (BYTE, SHORT, LONG or signed)";
    await expect(openGeoTiff(p)).rejects.toThrow(`${p}: ${problem}`);
    await expect(openGeoTiff(url)).rejects.toThrow(`${url}: ${problem}`);
  });
});
