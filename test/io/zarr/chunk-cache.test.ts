import { describe, expect, it } from "vitest";
import { ChunkCache, isShared } from "../../../src/io/zarr/chunk-cache.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { zfixture } from "../../helpers/zarr-pattern.js";

const TRACER = "fixtures/global-tracer/tracer-5.625deg-6h.zarr";
const chunk = (n: number) => ({ data: new Float32Array(n), shape: [n], stride: [1] });
/** A loader of 4-value chunks that counts its decodes. */
const counted = () => {
  let n = 0;
  return {
    load: async () => {
      n++;
      return chunk(4);
    },
    decodes: () => n,
  };
};

describe("ChunkCache: decoded chunks within a byte budget", () => {
  it("evicts the least recently used chunk first and never exceeds the budget", async () => {
    const cache = new ChunkCache(3 * 16); // three chunks of 4 float32
    const loads: string[] = [];
    const get = (k: string) =>
      cache.get(k, async () => {
        loads.push(k);
        return chunk(4);
      });
    for (const k of ["a", "b", "c", "a", "d", "b", "a"]) await get(k);
    // a b c (misses), a (hit), d evicts b (least recent), b evicts c, a hits.
    expect(loads).toEqual(["a", "b", "c", "d", "b"]);
    expect(cache.stats()).toEqual({ hits: 2, misses: 5, bytes: 48, entries: 3 });
  });

  it("shares one decode between concurrent requests, and marks the shared values", async () => {
    const cache = new ChunkCache(1024);
    let decodes = 0;
    const load = async () => {
      decodes++;
      await new Promise((r) => setTimeout(r, 5));
      return { data: Float32Array.of(1, 2), shape: [2], stride: [1] };
    };
    const [x, y] = await Promise.all([cache.get("k", load), cache.get("k", load)]);
    expect(decodes).toBe(1);
    expect(x.data).toBe(y.data); // one decoded array, shared read-only
    expect(isShared(x.data)).toBe(true);
    expect(isShared(Float32Array.of(1, 2))).toBe(false);
    const big = await new ChunkCache(4).get("big", load); // beyond the budget: not kept, not shared
    expect(isShared(big.data)).toBe(false);
  });

  it("take: a chunk not cached is the caller's the first time, cached the second, shared after", async () => {
    const cache = new ChunkCache(1024);
    const { load, decodes } = counted();
    const first = await cache.take("k", load);
    expect(first.shared).toBe(false);
    expect(isShared(first.chunk.data)).toBe(false);
    expect(cache.stats()).toMatchObject({ entries: 0, misses: 1 });
    const second = await cache.take("k", load); // asked again: a sliding window, worth keeping
    expect(second.shared).toBe(true);
    expect(second.chunk.data).not.toBe(first.chunk.data);
    const third = await cache.take("k", load);
    expect(third.shared).toBe(true);
    expect(third.chunk.data).toBe(second.chunk.data);
    expect(decodes()).toBe(2);
    expect(cache.stats()).toMatchObject({ entries: 1, hits: 1, misses: 2 });
    await cache.get("g", load); // cached by a window read: take shares it
    expect((await cache.take("g", load)).shared).toBe(true);
    expect(decodes()).toBe(3);
  });

  it("prefetch: the first take gets the chunk out of the cache; once a reader has seen it, takes share it", async () => {
    const cache = new ChunkCache(1024);
    const { load, decodes } = counted();
    cache.prefetch("a", load);
    cache.prefetch("a", load); // already on its way: nothing more
    const a = await cache.take("a", load);
    expect(a.shared).toBe(false);
    expect(isShared(a.chunk.data)).toBe(false);
    expect(decodes()).toBe(1);
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
    cache.prefetch("b", load);
    const seen = await cache.get("b", load); // a window read joins the decode
    const b = await cache.take("b", load);
    expect(b).toStrictEqual({ chunk: seen, shared: true });
    expect(decodes()).toBe(2);
    let fail = true;
    const flaky = async () => {
      if (fail) throw new Error("bad chunk");
      return chunk(4);
    };
    cache.prefetch("c", flaky);
    await expect(cache.take("c", flaky)).rejects.toThrow("bad chunk"); // decoded again, and it fails again
    fail = false;
    expect((await cache.take("c", flaky)).chunk.data).toHaveLength(4);
  });

  it("keeps nothing larger than the budget", async () => {
    const cache = new ChunkCache(8);
    await cache.get("big", async () => chunk(4));
    expect(cache.stats().entries).toBe(0);
  });
});

describe("Zarr sources read through the cache", () => {
  it("sliding time windows decode each chunk once and read the same values as without a cache", async () => {
    const cached = await openZarrSource(TRACER, { variable: "t" });
    const plain = await openZarrSource(TRACER, { variable: "t", cacheBytes: 0 });
    expect(plain.cache).toBeNull();
    const whole = { x: 0, y: 0, width: 64, height: 32 };
    const opened = cached.cache?.stats() ?? { hits: 0, misses: 0 }; // the coordinates, read on open
    for (let s = 0; s < 20; s++) {
      const bands = [s, s + 1, s + 2];
      const a = await cached.readWindow(whole, { bands });
      const b = await plain.readWindow(whole, { bands });
      expect(a.data).toEqual(b.data);
      (a.data as Float32Array).fill(0); // must not reach the cache
    }
    // Bands 0..21 lie in time chunks 0, 1 and 2 (8 steps each): three decodes, the rest hits.
    const st = cached.cache?.stats();
    expect((st?.misses ?? 0) - opened.misses).toBe(3);
    expect((st?.hits ?? 0) - opened.hits).toBe(20 * 3 - 3);
    const again = await cached.readWindow(whole, { bands: [0] });
    expect(again.data).toEqual((await plain.readWindow(whole, { bands: [0] })).data);
  });

  it.each(["dtype_i1", "dtype_u2", "dtype_f8", "f_order", "big_endian", "missing_chunks"])(
    "overlapping windows of %s match an uncached read",
    async (variable) => {
      const cached = await openZarrSource(zfixture("codecs.5x7.chunks2x3.zarr"), { variable });
      const plain = await openZarrSource(zfixture("codecs.5x7.chunks2x3.zarr"), { variable, cacheBytes: 0 });
      for (const w of [
        { x: 0, y: 0, width: 4, height: 3 },
        { x: 2, y: 1, width: 4, height: 3 },
        { x: 3, y: 2, width: 4, height: 3 },
        { x: -1, y: -1, width: 9, height: 7 },
      ]) {
        const a = await cached.readWindow(w);
        const b = await plain.readWindow(w);
        expect(Array.from(a.data)).toEqual(Array.from(b.data));
        expect(a.mask).toEqual(b.mask);
      }
      // A window that is exactly one chunk gets its own copy of the cached values.
      const chunkWin = { x: 3, y: 2, width: 3, height: 2 };
      const first = await cached.readWindow(chunkWin);
      const want = Array.from((await plain.readWindow(chunkWin)).data);
      expect(Array.from(first.data)).toEqual(want);
      (first.data as Float64Array).fill(7 as never);
      expect(Array.from((await cached.readWindow(chunkWin)).data)).toEqual(want);
      // 3 x 3 chunks in all; every later window only hits.
      expect(cached.cache?.stats().misses).toBeLessThanOrEqual(9);
      expect(cached.cache?.stats().hits).toBeGreaterThan(0);
    },
  );
});
