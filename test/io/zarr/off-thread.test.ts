import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TilecastError } from "../../../src/errors.js";
import { codecPool, codecWorkers, MIN_OFF_THREAD_BYTES } from "../../../src/io/codec-pool.js";
import { joinParts, offThreadCodec, splitsInParts } from "../../../src/io/zarr/off-thread.js";
import { READ_AHEAD } from "../../../src/io/zarr/read.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { hasGdal, PYTHON } from "../../helpers/gdal.js";

/**
 * Stores zarr-python writes: 3 x 512 x 512 in 1 x 512 x 512 chunks (256 KiB and more), one per
 * compressor and data type, and three it writes in forms the workers leave to the main thread
 * (big-endian, Fortran order, a filter). Each store's values are also written raw (`.bin`).
 */
const GENERATE = `
import json, os, sys
import numcodecs, numpy as np, zarr
out = sys.argv[1]
rng = np.random.default_rng(5)
B = numcodecs.Blosc
cases = {
  "none-f4": (None, "<f4", "C", None),
  "zlib-f4": (numcodecs.Zlib(level=1), "<f4", "C", None),
  "gzip-f4": (numcodecs.GZip(level=1), "<f4", "C", None),
  "blosc-lz4-f4": (B(cname="lz4", clevel=5, shuffle=B.SHUFFLE), "<f4", "C", None),
  "blosc-lz4-noshuffle-f4": (B(cname="lz4", clevel=5, shuffle=B.NOSHUFFLE), "<f4", "C", None),
  "blosc-bitshuffle-f4": (B(cname="lz4", clevel=5, shuffle=B.BITSHUFFLE), "<f4", "C", None),
  "blosc-zstd-f4": (B(cname="zstd", clevel=3, shuffle=B.SHUFFLE), "<f4", "C", None),
  "zstd-f4": (numcodecs.Zstd(level=3), "<f4", "C", None),
  "lz4-f4": (numcodecs.LZ4(), "<f4", "C", None),
  "blosc-lz4-u1": (B(cname="lz4", clevel=5, shuffle=B.SHUFFLE), "|u1", "C", None),
  "blosc-lz4-i2": (B(cname="lz4", clevel=5, shuffle=B.SHUFFLE), "<i2", "C", None),
  "zlib-f8": (numcodecs.Zlib(level=1), "<f8", "C", None),
  "blosc-lz4-i8": (B(cname="lz4", clevel=5, shuffle=B.SHUFFLE), "<i8", "C", None),
  "main-big-endian-f4": (numcodecs.Zlib(level=1), ">f4", "C", None),
  "main-fortran-f4": (numcodecs.Zlib(level=1), "<f4", "F", None),
  "main-delta-f4": (numcodecs.Zlib(level=1), "<f4", "C", [numcodecs.Delta(dtype="<f4")]),
}
for name, (comp, dtype, order, filters) in cases.items():
    y, x = np.mgrid[0:512, 0:512]
    v = np.stack([(y * 3 + x * 7 + t * 11) % 251 + rng.integers(0, 4, (512, 512)) for t in range(3)])
    v = v.astype(np.dtype(dtype).newbyteorder("<"))
    if v.dtype.kind == "i":
        v = v - 100  # negative values: a signed type read as unsigned shows
    path = os.path.join(out, name + ".zarr")
    g = zarr.open_group(path, mode="w")
    fill = None if v.dtype.kind in "iu" else np.nan
    a = g.create_dataset("v", shape=v.shape, chunks=(1, 512, 512), dtype=dtype, compressor=comp,
                         order=order, filters=filters, fill_value=fill)
    a.attrs["_ARRAY_DIMENSIONS"] = ["time", "y", "x"]
    a[:] = v
    zarr.consolidate_metadata(path)
    open(os.path.join(out, name + ".bin"), "wb").write(v.astype(v.dtype.newbyteorder("<")).tobytes())
print(json.dumps(list(cases)))
`;

const expected = (bin: Buffer, name: string): Float64Array => {
  const b = new Uint8Array(bin).buffer;
  const kind = name.slice(name.lastIndexOf("-") + 1);
  const typed = {
    f4: () => new Float32Array(b),
    f8: () => new Float64Array(b),
    u1: () => new Uint8Array(b),
    i2: () => new Int16Array(b),
    i8: () => Float64Array.from(new BigInt64Array(b), Number),
  }[kind];
  if (!typed) throw new Error(`no type for ${name}`);
  return Float64Array.from(typed() as ArrayLike<number>);
};

/** The first few indices where `got` and `want` differ (NaN equal to NaN), with both values. */
function mismatches(got: ArrayLike<number>, want: ArrayLike<number>): [number, number, number][] {
  const out: [number, number, number][] = [];
  if (got.length !== want.length) return [[-1, got.length, want.length]];
  for (let i = 0; i < want.length && out.length < 5; i++) {
    const a = Number(got[i]);
    const b = want[i] as number;
    if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) out.push([i, a, b]);
  }
  return out;
}

describe.skipIf(!hasGdal)("Zarr chunks decoded on worker threads", () => {
  const dir = mkdtempSync(join(tmpdir(), "tilecast-offthread-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cases = JSON.parse(execFileSync(PYTHON, ["-c", GENERATE, dir], { encoding: "utf8" })) as string[];
  const pool = codecPool();
  const plane = 512 * 512;
  // Workers up before the first read, so that every chunk goes to one (none to this thread, as
  // while they start), and the job counts below are the workers'.
  beforeAll(async () => {
    pool?.warm();
    await pool?.whenUp();
  });
  /** Stores of Blosc-LZ4 chunks of 1 MiB (f4) and 2 MiB (i8). */
  const splits = new Set(["blosc-lz4-f4", "blosc-lz4-noshuffle-f4", "blosc-lz4-i8"]);

  it.each(cases)("%s: every time step, whole and windowed, holds zarr-python's values", async (name) => {
    expect(pool).not.toBeNull();
    const before = pool?.stats() ?? { done: 0, fallbacks: 0, workers: 0 };
    const want = expected(readFileSync(join(dir, `${name}.bin`)), name);
    const src = await openZarrSource(join(dir, `${name}.zarr`), { variable: "v" });
    for (let t = 0; t < 3; t++) {
      const whole = await src.readWindow({ x: 0, y: 0, width: 512, height: 512 }, { bands: [t] });
      expect(mismatches(whole.data as ArrayLike<number>, want.subarray(t * plane, (t + 1) * plane))).toEqual([]);
    }
    const w = await src.readWindow({ x: 100, y: 37, width: 50, height: 20 }, { bands: [2, 0] });
    for (const [i, t] of [2, 0].entries())
      for (const [r, c] of [
        [0, 0],
        [19, 49],
        [7, 13],
      ] as const)
        expect(Number(w.data[i * 1000 + r * 50 + c])).toBe(want[t * plane + (37 + r) * 512 + 100 + c]);
    const after = pool?.stats() ?? before;
    // The workers read every chunk of a store they can, and none of one they cannot: three whole
    // reads (each chunk the caller's alone, not cached), then the window's two chunks.
    // Blosc-LZ4 chunks of 1 MiB and more decode in parts when workers are idle: a job per part
    // (counted in the next test).
    if (splits.has(name)) expect(after.done - before.done).toBeGreaterThanOrEqual(5);
    else expect(after.done - before.done).toBe(name.startsWith("main-") ? 0 : 5);
    expect(after.fallbacks).toBe(before.fallbacks);
  });

  it("a missing chunk reads as the fill value, and a corrupt one fails naming it", async () => {
    const path = join(dir, "blosc-lz4-f4.zarr");
    rmSync(join(path, "v/1.0.0"));
    const chunk = readFileSync(join(path, "v/2.0.0"));
    writeFileSync(join(path, "v/2.0.0"), chunk.subarray(0, chunk.length >> 1));
    const src = await openZarrSource(path, { variable: "v" });
    const missing = await src.readWindow({ x: 0, y: 0, width: 512, height: 512 }, { bands: [1] });
    expect(Array.from(missing.data.subarray(0, 3), Number.isNaN)).toEqual([true, true, true]);
    const e = await src.readWindow({ x: 0, y: 0, width: 512, height: 512 }, { bands: [2] }).catch((x) => x);
    expect(e).toBeInstanceOf(TilecastError);
    expect((e as TilecastError).code).toBe("E_CORRUPT");
    expect((e as Error).message).toMatch(/corrupt chunk v\/2\.0\.0 \(.*blosc/);
  });

  it("a 2 MiB Blosc-LZ4 chunk someone waits for decodes in parts on the idle workers; one read ahead, whole", async () => {
    const path = join(dir, "blosc-lz4-i8.zarr");
    const want = expected(readFileSync(join(dir, "blosc-lz4-i8.bin")), "blosc-lz4-i8");
    const size = codecWorkers();
    // Jobs for one chunk with `idle` workers free: a part each, at most one per 512 KiB.
    const jobs = (idle: number) => (Math.min(idle, 4) > 1 ? Math.min(idle, 4) : 1);
    const done = () => pool?.stats().done ?? 0;
    const fallbacks = pool?.stats().fallbacks;
    const check = async (src: Awaited<ReturnType<typeof openZarrSource>>, t: number) => {
      const g = await src.readWindow({ x: 0, y: 0, width: 512, height: 512 }, { bands: [t] });
      expect(mismatches(g.data as ArrayLike<number>, want.subarray(t * plane, (t + 1) * plane))).toEqual([]);
    };
    // No cache, so no read-ahead: every read waits for its chunk, with every worker idle.
    const alone = await openZarrSource(path, { variable: "v", cacheBytes: 0 });
    let before = done();
    for (const t of [2, 0, 1]) await check(alone, t);
    expect(done() - before).toBe(3 * jobs(size));
    // In time order: step 0 in parts; reading 1 sends 2 ahead (whole), then 1 in parts on the
    // workers left; 2 is handed over.
    const ordered = await openZarrSource(path, { variable: "v" });
    before = done();
    for (const t of [0, 1, 2]) await check(ordered, t);
    expect(done() - before).toBe(jobs(size) + 1 + jobs(size - 1));
    expect(pool?.stats().fallbacks).toBe(fallbacks);
  });

  it("a chunk read whole is the caller's: changing it changes no later read", async () => {
    const src = await openZarrSource(join(dir, "zlib-f4.zarr"), { variable: "v" });
    const want = expected(readFileSync(join(dir, "zlib-f4.bin")), "zlib-f4").subarray(0, plane);
    for (let i = 0; i < 4; i++) {
      const g = await src.readWindow({ x: 0, y: 0, width: 512, height: 512 }, { bands: [0] });
      expect(mismatches(g.data as Float32Array, want)).toEqual([]);
      (g.data as Float32Array).fill(-1);
    }
    // First read: decoded for the caller alone; second: cached; third and fourth: cache hits.
    expect(src.cache?.stats()).toMatchObject({ entries: 1, hits: 2 });
  });
});

describe.skipIf(!hasGdal)("read-ahead along the time axis", () => {
  const dir = mkdtempSync(join(tmpdir(), "tilecast-readahead-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(PYTHON, ["-c", GENERATE, dir], { encoding: "utf8" });

  it("reading time steps in order decodes the next one ahead, handed over without a copy", async () => {
    const src = await openZarrSource(join(dir, "zlib-f4.zarr"), { variable: "v" });
    const want = expected(readFileSync(join(dir, "zlib-f4.bin")), "zlib-f4");
    const plane = 512 * 512;
    const at = (t: number) => src.readWindow({ x: 0, y: 0, width: 512, height: 512 }, { bands: [t] });
    const base = src.cache?.stats() ?? { hits: 0, misses: 0 };
    const got = [await at(0), await at(1)]; // 0 then 1: step 2 starts decoding
    const third = await at(2);
    expect(src.cache?.stats()).toMatchObject({ hits: base.hits + 1, misses: base.misses + 3, entries: 0 });
    for (const [t, g] of [...got, third].entries())
      expect(mismatches(g.data as Float32Array, want.subarray(t * plane, (t + 1) * plane))).toEqual([]);
    (third.data as Float32Array).fill(-1); // the caller's own: a later read is unchanged
    expect(mismatches((await at(2)).data as Float32Array, want.subarray(2 * plane))).toEqual([]);
  });

  it("reads one chunk ahead per codec worker, and decodes every chunk once", async () => {
    const path = join(dir, "steps.zarr");
    execFileSync(PYTHON, [
      "-c",
      `import numcodecs, numpy as np, zarr
g = zarr.open_group("${path}", mode="w")
a = g.create_dataset("v", shape=(9, 512, 512), chunks=(1, 512, 512), dtype="<f4", compressor=numcodecs.Zlib(level=1))
a[:] = np.arange(9, dtype="<f4")[:, None, None] + np.zeros((1, 512, 1), "<f4") + np.arange(512, dtype="<f4") / 1000
a.attrs["_ARRAY_DIMENSIONS"] = ["time", "y", "x"]`,
    ]);
    expect(READ_AHEAD).toBe(Math.max(1, Math.min(4, codecWorkers())));
    const src = await openZarrSource(path, { variable: "v", cacheBytes: 64 * 2 ** 20 });
    const at = (t: number) => src.readWindow({ x: 0, y: 0, width: 512, height: 512 }, { bands: [t] });
    const base = src.cache?.stats() ?? { hits: 0, misses: 0 };
    await at(0);
    await at(1); // 0 then 1: steps 2 to 1 + READ_AHEAD start decoding
    expect(src.cache?.stats().misses).toBe(base.misses + 2 + READ_AHEAD);
    for (let t = 2; t < 9; t++) expect(Number((await at(t)).data[5])).toBeCloseTo(t + 0.005, 5);
    // Nine chunks decoded once each; all but the first two handed over from the read-ahead.
    expect(src.cache?.stats()).toMatchObject({ hits: base.hits + 7, misses: base.misses + 9, entries: 0 });
  });
});

describe("which arrays the workers read", () => {
  const v2 = (o: object) => ({ dtype: "<f4", order: "C", compressor: { id: "blosc" }, filters: null, ...o });
  it.each([
    [v2({}), 2, "blosc"],
    [v2({ compressor: null }), 2, "none"],
    [v2({ compressor: { id: "zlib" }, dtype: "|u1" }), 2, "zlib"],
    [v2({ dtype: ">f4" }), 2, null],
    [v2({ order: "F" }), 2, null],
    [v2({ filters: [{ id: "delta" }] }), 2, null],
    [v2({ compressor: { id: "bz2" } }), 2, null],
    [{ codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "zstd" }] }, 3, "zstd"],
    [{ codecs: [{ name: "bytes" }] }, 3, "none"],
    [{ codecs: [{ name: "bytes", configuration: { endian: "big" } }, { name: "gzip" }] }, 3, null],
    [{ codecs: [{ name: "transpose" }, { name: "bytes" }] }, 3, null],
    [{ codecs: [{ name: "bytes" }, { name: "gzip" }, { name: "crc32c" }] }, 3, null],
    [{ codecs: [{ name: "sharding_indexed" }] }, 3, null],
  ] as const)("%j (v%i): %s", (meta, format, codec) => {
    expect(offThreadCodec(meta as never, format)).toBe(codec);
  });

  it.each([
    [v2({ compressor: { id: "blosc", cname: "lz4", shuffle: 1 } }), 2, true],
    [v2({ compressor: { id: "blosc", cname: "lz4", shuffle: 0 } }), 2, true],
    [v2({ compressor: { id: "blosc", cname: "lz4", shuffle: 2 } }), 2, false],
    [v2({ compressor: { id: "blosc", cname: "zstd", shuffle: 1 } }), 2, false],
    [v2({ compressor: { id: "blosc", cname: "lz4", shuffle: 1 }, dtype: ">f4" }), 2, false],
    [v2({ compressor: { id: "zlib" } }), 2, false],
    [{ codecs: [{ name: "bytes" }, { name: "blosc", configuration: { cname: "lz4", shuffle: "shuffle" } }] }, 3, true],
    [
      { codecs: [{ name: "bytes" }, { name: "blosc", configuration: { cname: "lz4", shuffle: "bitshuffle" } }] },
      3,
      false,
    ],
  ] as const)("%j (v%i) decodes in parts: %s", (meta, format, splits) => {
    expect(splitsInParts(meta as never, format)).toBe(splits);
  });

  it("parts join only when they cover the chunk once, in order, each its range's size", () => {
    const part = (from: number, to: number, size = to - from) => ({
      bytes: Uint8Array.from({ length: size }, (_, i) => (from === 0 ? 0 : from + i)),
      range: [from, to] as [number, number],
    });
    expect(Array.from(joinParts([part(0, 4, 10), part(4, 7), part(7, 10)], 10) ?? [])).toEqual([
      0, 0, 0, 0, 4, 5, 6, 7, 8, 9,
    ]);
    expect(Array.from(joinParts([part(0, 10, 10), part(10, 10)], 10) ?? [])).toHaveLength(10); // an empty last part
    for (const parts of [
      [part(0, 4, 10), null], // a part failed
      [part(0, 4, 10), part(5, 10)], // a gap
      [part(0, 6, 10), part(4, 10)], // an overlap
      [part(0, 4, 10), part(7, 10), part(4, 7)], // out of order
      [part(0, 4, 4), part(4, 10)], // part 0 not the chunk's size
      [part(0, 4, 10), part(4, 10, 5)], // a part not its range's size
      [part(0, 4, 10), part(4, 8)], // short of the chunk
      [part(0, 4, 10), part(4, 12)], // past it
    ])
      expect(joinParts(parts, 10)).toBeNull();
  });

  it(`leaves chunks under ${MIN_OFF_THREAD_BYTES / 1024} KiB to the main thread`, async () => {
    const src = await openZarrSource("fixtures/global-tracer/tracer-5.625deg-6h.zarr", { variable: "t" });
    const before = codecPool()?.stats();
    const g = await src.readWindow({ x: 0, y: 0, width: 64, height: 32 }, { bands: [0, 1] });
    expect(g.data.length).toBe(2 * 64 * 32);
    expect(codecPool()?.stats()).toMatchObject({ done: before?.done, here: before?.here });
  });
});
