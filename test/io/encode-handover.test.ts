/**
 * Encode jobs hand their input to a codec worker and get it back (`CodecPool.encode`), and the
 * GeoTIFF writer makes later tiles in the buffers that come back (`SpareBuffers`): the input is
 * transferred, not copied, comes back intact with the compressed bytes or with a worker's
 * failure, and a reused tile or chunk buffer is padded again, not left holding the last one's
 * values.
 */
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createGrid } from "../../src/grid/grid.js";
import { CodecPool } from "../../src/io/codec-pool.js";
import { openGeoTiff } from "../../src/io/geotiff/reader.js";
import { createGeoTiffSink } from "../../src/io/geotiff/writer.js";
import { encodedChunk } from "../../src/io/zarr/chunk-writer.js";
import { SpareBuffers } from "../../src/util/spare-buffers.js";
import { tmp } from "../helpers/write.js";

const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + (i >> 9)) % 251);

/** A pool of one worker, up: its jobs go to the worker, none to this thread. */
async function upPool(): Promise<CodecPool> {
  const pool = new CodecPool(1);
  pool.warm();
  await pool.whenUp();
  return pool;
}

describe("CodecPool.encode", () => {
  it("transfers a whole buffer to the worker and hands it back intact with its deflated bytes", async () => {
    const pool = await upPool();
    const input = pattern(300_000);
    const copy = input.slice();
    const r = await pool.encode({ kind: "encode", codec: "deflate", input, level: 6 });
    expect(input.byteLength).toBe(0); // transferred: detached here
    expect(r.bytes).not.toBeNull();
    expect(Buffer.from(inflateSync(r.bytes as Uint8Array)).equals(Buffer.from(copy))).toBe(true);
    expect(Buffer.from(r.input as Uint8Array).equals(Buffer.from(copy))).toBe(true);
    expect(pool.stats()).toMatchObject({ done: 1, fallbacks: 0 });
  });

  it("copies a view into a larger buffer, which stays usable here", async () => {
    const pool = new CodecPool(1);
    const whole = pattern(200_000);
    const view = whole.subarray(1000, 101_000);
    const r = await pool.encode({ kind: "encode", codec: "deflate", input: view, level: 1 });
    expect(view.byteLength).toBe(100_000);
    expect(Buffer.from(inflateSync(r.bytes as Uint8Array)).equals(Buffer.from(whole.subarray(1000, 101_000)))).toBe(
      true,
    );
  });

  it("hands the input back with a worker's failure, for the caller to compress itself", async () => {
    const pool = await upPool();
    const input = pattern(100_000);
    const copy = input.slice();
    const r = await pool.encode({ kind: "encode", codec: "deflate", input, level: 42 }); // no such level
    expect(r.bytes).toBeNull();
    expect(Buffer.from(r.input as Uint8Array).equals(Buffer.from(copy))).toBe(true);
    expect(pool.stats()).toMatchObject({ done: 0, fallbacks: 1 });
  });
});

describe("SpareBuffers", () => {
  it("keeps a few buffers of each size, from its smallest size up, and hands them out once", () => {
    const s = new SpareBuffers(2, 1024);
    const [a, b, c] = [new ArrayBuffer(4096), new ArrayBuffer(4096), new ArrayBuffer(4096)];
    s.give(a);
    s.give(a); // kept once
    s.give(b);
    s.give(c); // over the two of its size
    s.give(new ArrayBuffer(512)); // too small to keep
    expect(s.bytes).toBe(8192);
    expect(s.take(2048)).toBeNull();
    const taken = [s.take(4096), s.take(4096), s.take(4096)];
    expect(new Set(taken)).toEqual(new Set([a, b, null]));
  });

  it("ignores a buffer transferred away (detached)", () => {
    const s = new SpareBuffers(2, 16);
    const buf = new ArrayBuffer(64);
    structuredClone(buf, { transfer: [buf] });
    s.give(buf);
    expect(s.bytes).toBe(0);
  });
});

describe("GeoTIFF tiles made in reused buffers", () => {
  it("an edge tile made after a full one is padded with zeros, not the full tile's values", async () => {
    // 128 px float32 tiles (64 KiB, kept for reuse); the right column of tiles is 64 px wide.
    const path = tmp("reused-tile.tif");
    const spec = { width: 192, height: 128, bands: 1, dtype: "float32" as const, georef: null, nodata: null };
    const sink = await createGeoTiffSink(path, spec, { tileSize: 128, predictor: 1 });
    const full = createGrid("float32", [1, 128, 128]);
    full.data.fill(5);
    await sink.writeBlock(0, 0, full); // its buffer comes back from the worker and is kept
    const edge = createGrid("float32", [1, 128, 64]);
    edge.data.fill(3);
    await sink.writeBlock(1, 0, edge);
    await sink.commit();
    const src = await openGeoTiff(path);
    try {
      const tile = new Float32Array((await src.readBlock(1, 0)).slice().buffer);
      for (const y of [0, 77, 127]) {
        expect(Array.from(tile.subarray(y * 128, y * 128 + 64))).toEqual(Array(64).fill(3));
        expect(Array.from(tile.subarray(y * 128 + 64, y * 128 + 128))).toEqual(Array(64).fill(0));
      }
      const left = await src.readWindow({ x: 0, y: 0, width: 192, height: 128 });
      expect([left.data[0], left.data[127], left.data[128], left.data[191 + 127 * 192]]).toEqual([5, 5, 3, 3]);
    } finally {
      await src.close();
    }
  });
});

describe("Zarr chunks made in reused buffers", () => {
  it("an edge chunk made after a full one is padded with the fill value, not the full chunk's values", async () => {
    const zlib = { id: "zlib" as const, level: 1 };
    const full = createGrid("float32", [1, 128, 128]);
    full.data.fill(5);
    await encodedChunk(full, 0, 128, 128, "float32", 0, zlib); // its buffer comes back and is kept
    const edge = createGrid("float32", [2, 128, 64]);
    edge.data.fill(3, 0, 128 * 64);
    edge.data.fill(4, 128 * 64);
    for (const [band, value] of [
      [0, 3],
      [1, 4],
    ] as const) {
      const raw = inflateSync(await encodedChunk(edge, band, 128, 128, "float32", 0, zlib));
      const chunk = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
      expect(chunk.length).toBe(128 * 128);
      for (const y of [0, 64, 127]) {
        expect(Array.from(chunk.subarray(y * 128, y * 128 + 64))).toEqual(Array(64).fill(value));
        expect(Array.from(chunk.subarray(y * 128 + 64, y * 128 + 128))).toEqual(Array(64).fill(0));
      }
    }
  });
});
