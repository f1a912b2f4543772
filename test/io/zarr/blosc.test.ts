import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import Blosc from "numcodecs/blosc";
import { afterAll, describe, expect, it } from "vitest";
import { assemble } from "../../../scripts/build-wasm.js";
import { decodeBloscLz4, decodeBloscLz4Read } from "../../../src/io/zarr/blosc.js";
import { joinParts } from "../../../src/io/zarr/off-thread.js";
import { hasGdal, PYTHON } from "../../helpers/gdal.js";

/**
 * Chunks compressed by c-blosc itself (Python numcodecs, as zarr-python writes them): each
 * type size, shuffle on and off, block sizes from 128 bytes to whole-chunk, data that makes
 * every kind of LZ4 sequence (long literals, offset-1 runs, overlapping matches of every period
 * from 2 to 15 bytes, short and long, long distant matches), sizes that leave a short last block.
 */
const GENERATE = `
import json, sys, os
import numpy as np
import numcodecs
out = sys.argv[1]
rng = np.random.default_rng(7)
def kinds(n, ts):
    yield "smooth", (np.sin(np.arange(n // ts) / 50.0) * 300 + 250).astype({1: "u1", 2: "<i2", 4: "<f4", 8: "<f8"}[ts]).tobytes()
    yield "random", rng.integers(0, 256, n, dtype=np.uint8).tobytes()
    yield "runs", np.repeat(rng.integers(0, 256, n // 97 + 1, dtype=np.uint8), 97)[:n].tobytes()
    reps = lambda p: int(rng.choice([2, 3, 40 // p + 1, 300 // p + 1]))  # matches of 4 to ~300 bytes
    yield "periods", b"".join(bytes(rng.integers(0, 256, p, dtype=np.uint8)) * reps(p) for p in list(range(2, 16)) * (n // 300 + 1))[:n]
cases = []
for ts in (1, 2, 4, 8):
    for n in (37, 4096, 70001, 262147):
        for kind, raw in kinds(n, ts):
            for shuffle in (0, 1):
                for blocksize in (0, 128, 1000, 65536):
                    name = f"ts{ts}-n{n}-{kind}-sh{shuffle}-bs{blocksize}"
                    c = numcodecs.Blosc(cname="lz4", clevel=5, shuffle=shuffle, blocksize=blocksize)
                    arr = np.frombuffer(raw[: len(raw) // ts * ts], dtype=f"u{ts}")
                    open(os.path.join(out, name + ".raw"), "wb").write(arr.tobytes())
                    open(os.path.join(out, name + ".blosc"), "wb").write(c.encode(arr))
                    cases.append(name)
print(json.dumps(cases))
`;

describe.skipIf(!hasGdal)("Blosc LZ4 decoding against c-blosc (Python numcodecs)", () => {
  const dir = mkdtempSync(join(tmpdir(), "tilecast-blosc-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cases = JSON.parse(execFileSync(PYTHON, ["-c", GENERATE, dir], { encoding: "utf8" })) as string[];

  it("covers split, unsplit, shuffled, memcpyed and leftover-block chunks", () => {
    const flags = new Set(cases.map((c) => readFileSync(join(dir, `${c}.blosc`))[2] as number));
    for (const f of [0x21, 0x31, 0x20, 0x30]) expect(flags.has(f)).toBe(true); // lz4 x shuffle x no-split
    expect([...flags].some((f) => f & 0x02)).toBe(true); // stored (memcpyed)
    expect(cases.length).toBe(4 * 4 * 4 * 2 * 4);
  });

  it.each([1, 2, 4, 8])("type size %i: every chunk decodes to the bytes c-blosc compressed", (ts) => {
    const mine = cases.filter((c) => c.startsWith(`ts${ts}-`));
    expect(mine.length).toBe(128);
    const wrong = mine.filter((name) => {
      const got = decodeBloscLz4(readFileSync(join(dir, `${name}.blosc`)));
      return got === null || !Buffer.from(got).equals(readFileSync(join(dir, `${name}.raw`)));
    });
    expect(wrong).toStrictEqual([]);
  });

  it("decoded in 2, 3 or 7 parts of its blocks, every chunk joins to the bytes c-blosc compressed", () => {
    const wrong = cases.flatMap((name) => {
      const chunk = readFileSync(join(dir, `${name}.blosc`));
      const raw = readFileSync(join(dir, `${name}.raw`));
      return [2, 3, 7]
        .filter((count) => {
          const got = inParts(chunk, count);
          return got === null || !Buffer.from(got).equals(raw);
        })
        .map((count) => `${name} in ${count}`);
    });
    expect(wrong).toStrictEqual([]);
  });

  it("each part reads the header, the block table and its own blocks, not the whole chunk", () => {
    let [inOrder, outOfOrder] = [0, 0];
    const wrong = cases.flatMap((name) => {
      const chunk = readFileSync(join(dir, `${name}.blosc`));
      const flags = chunk[2] as number;
      const nblocks = Math.ceil(chunk.readUInt32LE(4) / chunk.readUInt32LE(8));
      const table = 16 + 4 * nblocks;
      const starts = Array.from({ length: nblocks }, (_, b) => chunk.readInt32LE(16 + 4 * b));
      const ordered = starts.every((s, b) => b === 0 || s > (starts[b - 1] as number));
      return [2, 3, 7].flatMap((count) => {
        const read = reader(chunk);
        inParts(chunk, count, read);
        if (flags & 0x02) {
          // stored uncompressed: every part reads the whole chunk, once
          return read.bytes === count * chunk.length ? [] : [`${name} in ${count}: ${read.bytes} bytes read`];
        }
        if (nblocks >= count) ordered ? inOrder++ : outOfOrder++;
        // In file order the parts' blocks cover the chunk past its table once. c-blosc on several
        // threads stores blocks as they finish: a part's span may then take in others' blocks,
        // but no part reads the whole chunk again.
        const want = chunk.length + (count - 1) * table;
        const ok = ordered ? read.bytes === want : read.bytes >= want && read.bytes <= count * chunk.length;
        return ok ? [] : [`${name} in ${count}: ${read.bytes} bytes read, not ${want}`];
      });
    });
    expect(wrong).toStrictEqual([]);
    expect(inOrder).toBeGreaterThan(100);
  });
});

/** A reader of `chunk`'s bytes, as a file read is, counting the bytes it hands out in `read.bytes`. */
function reader(chunk: Uint8Array) {
  const read = (dst: Uint8Array, at: number) => {
    const got = chunk.subarray(at, at + dst.length);
    dst.set(got);
    read.bytes += got.length;
    return got.length;
  };
  read.bytes = 0;
  return read;
}

/**
 * A chunk decoded in `count` parts of its blocks, joined as the Zarr reader joins them; `read`
 * counts the bytes the parts read.
 */
function inParts(chunk: Uint8Array, count: number, read = reader(chunk)): Uint8Array | null {
  const parts = Array.from({ length: count }, (_, index) => {
    const r = decodeBloscLz4Read(chunk.length, read, null, { index, count });
    if (!("decoded" in r)) throw new Error("not decoded");
    return { bytes: r.decoded, range: r.range };
  });
  return joinParts(parts, Buffer.from(chunk.buffer, chunk.byteOffset + 4, 4).readUInt32LE(0));
}

describe("Blosc LZ4 decoding: numcodecs.js round trips and bad chunks", () => {
  const codec = Blosc.fromConfig({ cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 });
  const floats = (n: number, step: number) => {
    const f = new Float32Array(n);
    for (let i = 0; i < n; i++) f[i] = 280 + 20 * Math.sin(i * step) + (i % 7) * 0.01;
    return new Uint8Array(f.buffer);
  };

  it("decodes what numcodecs.js encodes, value for value", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300_000 }),
        fc.double({ min: 1e-4, max: 1, noNaN: true }),
        async (n, step) => {
          const raw = floats(n, step);
          expect(Buffer.from(decodeBloscLz4(await codec.encode(raw)) as Uint8Array).equals(Buffer.from(raw))).toBe(
            true,
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it("a chunk with bytes changed throws a RangeError or decodes to the right length, never anything else", async () => {
    const good = await codec.encode(floats(50_000, 0.01));
    await fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 16, max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (edits) => {
          const bad = good.slice();
          for (const [i, b] of edits) bad[i] = b;
          try {
            expect(decodeBloscLz4(bad)?.length).toBe(200_000);
          } catch (e) {
            expect(e).toBeInstanceOf(RangeError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a truncated chunk is refused with a RangeError", async () => {
    const good = await codec.encode(floats(50_000, 0.01));
    for (const n of [17, 40, Math.floor(good.length / 2), good.length - 1]) {
      expect(() => decodeBloscLz4(good.subarray(0, n))).toThrow(RangeError);
    }
  });

  it("bit shuffle and other compressors are left to numcodecs.js (null)", async () => {
    const raw = floats(10_000, 0.01);
    for (const config of [
      { cname: "lz4", clevel: 5, shuffle: 2, blocksize: 0 },
      { cname: "zstd", clevel: 3, shuffle: 1, blocksize: 0 },
      { cname: "blosclz", clevel: 5, shuffle: 1, blocksize: 0 },
    ]) {
      expect(decodeBloscLz4(await Blosc.fromConfig(config).encode(raw))).toBeNull();
    }
  });
});

/**
 * `chunk` (Blosc 1, LZ4) with its blocks stored in the reverse of their order, the block table
 * pointing at each: still a valid chunk, though not as c-blosc lays one out.
 */
function blocksReversed(chunk: Uint8Array): Uint8Array {
  const v = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
  const nblocks = Math.ceil(v.readUInt32LE(4) / v.readUInt32LE(8));
  const table = 16 + 4 * nblocks;
  const starts = Array.from({ length: nblocks }, (_, b) => v.readInt32LE(16 + 4 * b));
  const spans = starts.map((s, b) => v.subarray(s, b + 1 < nblocks ? starts[b + 1] : v.length));
  const out = Buffer.alloc(chunk.length);
  v.copy(out, 0, 0, table);
  let at = table;
  for (let b = nblocks - 1; b >= 0; b--) {
    out.writeInt32LE(at, 16 + 4 * b);
    (spans[b] as Buffer).copy(out, at);
    at += (spans[b] as Buffer).length;
  }
  return new Uint8Array(out);
}

describe("Blosc LZ4 decoding from a reader (decodeBloscLz4Read)", () => {
  const codec = Blosc.fromConfig({ cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 });
  const values = Float32Array.from({ length: 30_000 }, (_, i) => Math.round(Math.sin(i / 40) * 500) / 8);
  const raw = new Uint8Array(values.buffer);
  /** A reader that writes all of `chunk` into the space it is given and says how much it wrote. */
  const from = (chunk: Uint8Array) => (dst: Uint8Array, at: number) => {
    expect([dst.length, at]).toEqual([chunk.length, 0]);
    dst.set(chunk);
    return chunk.length;
  };

  /** 4 MB of floats: 16 blocks (numcodecs.js's c-blosc chooses the block size). */
  const many = new Uint8Array(Float32Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i / 90) * 300).buffer);
  const blocks = Blosc.fromConfig({ cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 });

  it("a chunk whose blocks are stored in reverse decodes in parts all the same, each its own span", async () => {
    const chunk = blocksReversed(await blocks.encode(many));
    const nblocks = Math.ceil(many.length / Buffer.from(chunk).readUInt32LE(8));
    expect(nblocks).toBeGreaterThanOrEqual(7);
    expect(Buffer.from(decodeBloscLz4(chunk) as Uint8Array).equals(Buffer.from(many))).toBe(true);
    for (const count of [2, 3, 7]) {
      const read = reader(chunk);
      expect(Buffer.from(inParts(chunk, count, read) ?? []).equals(Buffer.from(many))).toBe(true);
      // Each part's blocks lie in one run, reversed: the spans cover the chunk past its table once.
      expect(read.bytes).toBe(chunk.length + (count - 1) * (16 + 4 * nblocks));
    }
  });

  it("a stream that runs past its part's span is read whole, and fails as it does read whole", async () => {
    const chunk = new Uint8Array(await blocks.encode(many));
    const v = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const nblocks = Math.ceil(many.length / v.readUInt32LE(8));
    const first = v.readInt32LE(16 + 4 * (nblocks - 1)); // the last block's first stream: its size
    const size = v.readInt32LE(first);
    v.writeInt32LE(chunk.length, first); // past the end of the chunk
    expect(() => decodeBloscLz4(chunk)).toThrow(/runs past the end of the chunk/);
    expect(() => inParts(chunk, 2)).toThrow(/runs past the end of the chunk/);
    v.writeInt32LE(size, first);
    expect(Buffer.from(inParts(chunk, 2) ?? []).equals(Buffer.from(many))).toBe(true);
    const attempt = (f: () => unknown) => {
      try {
        f();
        return "decoded";
      } catch (e) {
        return (e as Error).message;
      }
    };
    const end = v.readInt32LE(16 + 4 * (Math.floor(nblocks / 2) - 1)); // part 0's last block
    v.writeInt32LE(v.readInt32LE(end) + 64, end); // its first stream made to run into part 1's
    expect(attempt(() => inParts(chunk, 2))).toBe(attempt(() => decodeBloscLz4(chunk)));
  });

  it("decodes what the reader writes, and then the bytes of a smaller chunk after a larger one", async () => {
    const big = await codec.encode(raw);
    const small = await codec.encode(raw.subarray(0, 4_000));
    for (const [chunk, want] of [
      [big, raw],
      [small, raw.subarray(0, 4_000)],
      [big, raw],
    ] as const) {
      const r = decodeBloscLz4Read(chunk.length, from(chunk), want.length);
      expect("decoded" in r && Buffer.from(r.decoded).equals(Buffer.from(want))).toBe(true);
    }
  });

  it("a chunk that declares more than the limit is refused before it is decoded", async () => {
    const chunk = await codec.encode(raw);
    expect(() => decodeBloscLz4Read(chunk.length, from(chunk), raw.length - 1)).toThrow(
      /declares 120000 decoded bytes/,
    );
  });

  it("another Blosc variant comes back as the bytes read, for numcodecs.js", async () => {
    const chunk = await Blosc.fromConfig({ cname: "zstd", clevel: 3, shuffle: 1, blocksize: 0 }).encode(raw);
    const r = decodeBloscLz4Read(chunk.length, from(chunk), raw.length);
    expect("raw" in r && Buffer.from(r.raw).equals(Buffer.from(chunk))).toBe(true);
  });
});

describe("the WebAssembly module", () => {
  it("is the assembled blosc.wat (regenerate with npm run wasm)", async () => {
    const committed = readFileSync("src/io/zarr/wasm/blosc-wasm.ts", "utf8");
    expect(committed).toBe(await assemble(readFileSync("src/io/zarr/wasm/blosc.wat", "utf8")));
  });
});
