import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Blosc from "numcodecs/blosc";
import { afterAll, describe, expect, it } from "vitest";
import { TilecastError } from "../../../src/errors.js";
import { checkBloscFrame } from "../../../src/io/zarr/blosc-frame.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { hasGdal, PYTHON } from "../../helpers/gdal.js";

/** A Blosc chunk of 20000 uint16 values (a ramp), as numcodecs.js's c-blosc writes it. */
async function chunk(cname: string, shuffle: number, blocksize = 0): Promise<Uint8Array> {
  const values = Uint16Array.from({ length: 20000 }, (_, i) => (i * 7) % 3001);
  const codec = Blosc.fromConfig({ id: "blosc", cname, clevel: 5, shuffle, blocksize });
  return codec.encode(new Uint8Array(values.buffer));
}

const u32At = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const withU32 = (b: Uint8Array, at: number, v: number) => {
  const c = b.slice();
  new DataView(c.buffer).setUint32(at, v, true);
  return c;
};

describe("checkBloscFrame", () => {
  it("passes whole chunks of every variant, and bytes after the chunk (c-blosc ignores them)", async () => {
    for (const [cname, shuffle, blocksize] of [
      ["zstd", 2, 0],
      ["zstd", 1, 4096],
      ["lz4", 1, 0],
      ["blosclz", 0, 1000],
      ["zlib", 2, 0],
    ] as const) {
      const c = await chunk(cname, shuffle, blocksize);
      expect(u32At(c, 12)).toBe(c.length); // cbytes is the chunk's length
      expect(() => checkBloscFrame(c)).not.toThrow();
      const longer = new Uint8Array(c.length + 100);
      longer.set(c);
      expect(() => checkBloscFrame(longer)).not.toThrow();
    }
  });

  it("refuses a truncated chunk, a short header, a block table or block past the end", async () => {
    const c = await chunk("zstd", 2, 4096); // 10 blocks of 4096 bytes
    expect(() => checkBloscFrame(c.subarray(0, c.length - 1))).toThrow(
      `blosc chunk is ${c.length - 1} bytes, its header says ${c.length}`,
    );
    expect(() => checkBloscFrame(c.subarray(0, 9))).toThrow(
      "blosc chunk of 9 bytes is shorter than its 16-byte header",
    );
    // The header lies: blocks of 16 bytes need a table of 2500 entries.
    expect(() => checkBloscFrame(withU32(c, 8, 16))).toThrow(/shorter than its table of 2500 blocks$/);
    expect(() => checkBloscFrame(withU32(c, 8, 0))).toThrow("declares blocks of 0 bytes");
    // Block 3 starts past the end, or inside the table.
    expect(() => checkBloscFrame(withU32(c, 16 + 12, c.length))).toThrow(
      `blosc block 3 starts at byte ${c.length}, outside the chunk's 56-${c.length}`,
    );
    expect(() => checkBloscFrame(withU32(c, 16, 20))).toThrow("blosc block 0 starts at byte 20");
    // Stored whole (memcpyed, flag 0x02) but shorter than the values it declares.
    const whole = c.slice(0, 100);
    whole[2] = 0x02;
    new DataView(whole.buffer).setUint32(12, 100, true);
    expect(() => checkBloscFrame(whole)).toThrow("blosc chunk stored whole holds 84 of 40000 bytes");
  });
});

/**
 * Stores zarr-python writes with Blosc variants numcodecs.js decodes (bit shuffle + Zstandard,
 * byte shuffle + zlib), in small chunks (read on the main thread) and large ones (on the codec
 * workers).
 */
const GENERATE = `
import os, sys
import numcodecs, numpy as np, zarr
out = sys.argv[1]
B = numcodecs.Blosc
v = (np.arange(2 * 512 * 512).reshape(2, 512, 512) % 3001).astype("<u2")
for name, comp in (("bitshuffle-zstd", B(cname="zstd", clevel=3, shuffle=B.BITSHUFFLE)),
                   ("shuffle-zlib", B(cname="zlib", clevel=3, shuffle=B.SHUFFLE))):
    for size, chunks in (("small", (1, 64, 64)), ("large", (1, 512, 512))):
        path = os.path.join(out, f"{name}-{size}.zarr")
        g = zarr.open_group(path, mode="w")
        a = g.create_dataset("v", shape=v.shape, chunks=chunks, dtype="<u2", compressor=comp, fill_value=0)
        a.attrs["_ARRAY_DIMENSIONS"] = ["time", "y", "x"]
        a[:] = v
        zarr.consolidate_metadata(path)
`;

describe.skipIf(!hasGdal)("a truncated Blosc chunk in a store", () => {
  const dir = mkdtempSync(join(tmpdir(), "tilecast-blosc-frame-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(PYTHON, ["-c", GENERATE, dir]);
  const want = (t: number, i: number) => (t * 512 * 512 + i) % 3001;

  it.each(["bitshuffle-zstd", "shuffle-zlib"])(
    "%s: refused naming the chunk, on the main thread and on workers",
    async (name) => {
      for (const [size, key] of [
        ["small", "1.2.3"],
        ["large", "1.0.0"],
      ] as const) {
        const path = join(dir, `${name}-${size}.zarr`);
        const file = join(path, "v", key);
        const bytes = readFileSync(file);
        writeFileSync(file, bytes.subarray(0, bytes.length - 3));
        const src = await openZarrSource(path, { variable: "v" });
        const e = await src
          .readWindow({ x: 0, y: 0, width: 512, height: 512 }, { bands: [1] })
          .catch((x: unknown) => x);
        expect(e).toBeInstanceOf(TilecastError);
        expect((e as TilecastError).code).toBe("E_CORRUPT");
        expect((e as TilecastError).message).toContain(`${path}: corrupt chunk v/${key} (`);
        expect((e as TilecastError).message).toContain(
          `blosc chunk is ${bytes.length - 3} bytes, its header says ${bytes.length}`,
        );
        // A flipped bit in a stream: numcodecs.js's c-blosc handed back uninitialised memory.
        const flipped = Buffer.from(bytes);
        flipped[bytes.length - 40] = (flipped[bytes.length - 40] as number) ^ 0x08;
        writeFileSync(file, flipped);
        const f = await (await openZarrSource(path, { variable: "v" }))
          .readWindow({ x: 0, y: 0, width: 512, height: 512 }, { bands: [1] })
          .catch((x: unknown) => x);
        expect((f as TilecastError).code).toBe("E_CORRUPT");
        expect((f as TilecastError).message).toMatch(
          /corrupt chunk v\/[\d.]+ \(.*blosc block \d+, stream \d+ does not decode/,
        );
        // Bytes after the chunk are ignored, as zarr-python ignores them: the values read are the store's.
        writeFileSync(file, Buffer.concat([bytes, Buffer.alloc(40, 7)]));
        const g = await (await openZarrSource(path, { variable: "v" })).readWindow(
          { x: 0, y: 0, width: 512, height: 512 },
          { bands: [1] },
        );
        expect(Array.from(g.data.subarray(0, 3))).toEqual([want(1, 0), want(1, 1), want(1, 2)]);
        expect(g.data[512 * 512 - 1]).toBe(want(1, 512 * 512 - 1));
        expect(g.data[200 * 512 + 300]).toBe(want(1, 200 * 512 + 300));
      }
    },
  );
});
