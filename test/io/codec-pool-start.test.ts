/**
 * Until a codec worker is up, the pool does its jobs on the calling thread (`CodecPool`): the
 * answers are a worker's (the same bytes, the same fallbacks), taken one at a time in order, and
 * once a worker is up the jobs go to it; the jobs asked for meanwhile go to every worker at once.
 */
import { writeFileSync } from "node:fs";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CodecPool } from "../../src/io/codec-pool.js";
import { tmp } from "../helpers/write.js";

const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * seed + (i >> 8)) % 251);
const same = (a: Uint8Array | null, b: Uint8Array) => a !== null && Buffer.from(a).equals(Buffer.from(b));

describe("CodecPool before its workers are up", () => {
  it("compresses on this thread, the input left in place, then on the worker once it is up", async () => {
    const pool = new CodecPool(1);
    const input = pattern(300_000, 7);
    const here = await pool.encode({ kind: "encode", codec: "deflate", input, level: 6 });
    expect(input.byteLength).toBe(300_000); // not transferred: done here
    expect(here.input).toBe(input);
    expect(same(inflateSync(here.bytes as Uint8Array), pattern(300_000, 7))).toBe(true);
    expect(pool.stats()).toMatchObject({ here: 1, done: 0, fallbacks: 0, workers: 1 });

    await pool.whenUp();
    const there = await pool.encode({ kind: "encode", codec: "deflate", input, level: 6 });
    expect(input.byteLength).toBe(0); // transferred to the worker
    expect(same(there.bytes, here.bytes as Uint8Array)).toBe(true); // deflate at one level: the same stream
    expect(pool.stats()).toMatchObject({ here: 1, done: 1 });
  });

  it("reads chunks here one at a time, each its own file's bytes; a missing one falls back", async () => {
    const pool = new CodecPool(1);
    const files = [1, 2, 3].map((seed) => {
      const path = tmp(`chunk-${seed}.bin`);
      writeFileSync(path, pattern(400_000 + seed, seed));
      return path;
    });
    // Asked for at once: each is read into the one scratch buffer, so they must run in turn.
    const got = await Promise.all(
      files.map((file, i) => pool.run({ kind: "zarr", file, codec: "none", bytes: 400_001 + i })),
    );
    for (const [i, bytes] of got.entries()) expect(same(bytes, pattern(400_001 + i, i + 1))).toBe(true);
    expect(new Set(got.map((b) => b?.buffer)).size).toBe(3); // each a buffer of its own, not the scratch
    const missing = await pool.run({ kind: "zarr", file: tmp("no-such-chunk.bin"), codec: "none", bytes: 10 });
    expect(missing).toBeNull();
    const s = pool.stats();
    expect(s.here + s.done).toBe(3);
    expect(s.fallbacks).toBe(1);
  });

  it("hands the jobs asked for while its workers start to all of them at once, not one by one", async () => {
    const inputs = Array.from({ length: 32 }, (_, i) => pattern(1 << 20, i + 3));
    const expected = inputs.map((b) => Uint8Array.from(b));
    const pool = new CodecPool(2);
    // Asked for before any worker is up: every job waits its turn in the pool's queue.
    const jobs = inputs.map((input) => pool.encode({ kind: "encode", codec: "deflate", input, level: 9 }));
    let allUp = false;
    let leastIdle = Number.POSITIVE_INFINITY;
    void pool.whenUp().then(() => {
      allUp = true;
    });
    let finished = false;
    const watch = (async () => {
      while (!finished) {
        if (allUp) leastIdle = Math.min(leastIdle, pool.idle());
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const got = await Promise.all(jobs);
    finished = true;
    await watch;
    for (const [i, r] of got.entries())
      expect(same(inflateSync(r.bytes as Uint8Array), expected[i] as Uint8Array)).toBe(true);
    const s = pool.stats();
    expect(s.here + s.done).toBe(32);
    // Both workers had a job at once (none idle) and both did some: the queue used to send each
    // job after the last one's answer, leaving one worker idle.
    expect(leastIdle).toBe(0);
    expect(s.byWorker).toHaveLength(2);
    for (const n of s.byWorker) expect(n).toBeGreaterThan(0);
  });
});
