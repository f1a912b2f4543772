import { deflateSync, gzipSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { inflateInto } from "../../src/io/inflate-into.js";

/** Bytes that compress somewhat: a ramp with noise, seeded. */
function sample(n: number, seed: number): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (i >> 4) + (s >>> 29);
  });
}

describe("inflateInto", () => {
  const data = sample(10_000, 1);
  const z = deflateSync(data);

  it("inflates a stream into memory of its exact size, and into more", () => {
    const exact = new Uint8Array(10_000);
    expect(inflateInto(z, exact)).toBe(10_000);
    expect(Buffer.compare(exact, data)).toBe(0);
    const more = new Uint8Array(10_050).fill(7);
    expect(inflateInto(z, more)).toBe(10_000);
    expect(Buffer.compare(more.subarray(0, 10_000), data)).toBe(0);
    expect(more.subarray(10_000).every((b) => b === 7)).toBe(true);
  });

  it("matches inflateSync on streams of many sizes and levels, the view's offset respected", () => {
    for (let i = 0; i < 40; i++) {
      const n = 1 + ((i * 7919) % 70_000);
      const d = sample(n, i + 2);
      const stream = deflateSync(d, { level: i % 10 });
      const backing = new Uint8Array(n + 24);
      const out = backing.subarray(8, 8 + n);
      expect(inflateInto(stream, out)).toBe(n);
      expect(Buffer.compare(out, inflateSync(stream))).toBe(0);
      expect(backing.subarray(0, 8).every((b) => b === 0)).toBe(true);
      expect(backing.subarray(8 + n).every((b) => b === 0)).toBe(true);
    }
  });

  it("answers null for a stream longer than the memory, truncated or corrupt, and inflates the next one", () => {
    const corrupt = Uint8Array.from(z);
    corrupt[corrupt.length - 2] = (corrupt[corrupt.length - 2] as number) ^ 0x5a; // the checksum
    const bad = [
      [z, new Uint8Array(9_999)],
      [z.subarray(0, z.length - 20), new Uint8Array(10_000)],
      [z.subarray(0, z.length - 4), new Uint8Array(10_000)], // every byte out, no checksum
      [corrupt, new Uint8Array(10_000)],
      [Uint8Array.of(1, 2, 3), new Uint8Array(16)],
      [z, new Uint8Array(0)],
    ] as const;
    for (const [input, out] of bad) {
      expect(inflateInto(input, out)).toBeNull();
      const next = new Uint8Array(10_000);
      expect(inflateInto(z, next)).toBe(10_000);
      expect(Buffer.compare(next, data)).toBe(0);
    }
  });

  it("answers an empty stream's length as 0 when given room", () => {
    expect(inflateInto(deflateSync(new Uint8Array(0)), new Uint8Array(4))).toBe(0);
  });

  it("inflates gzip streams, members one after another, and tells the formats apart", () => {
    const a = sample(3000, 7);
    const b = sample(5000, 8);
    const out = new Uint8Array(8000);
    expect(inflateInto(Buffer.concat([gzipSync(a), gzipSync(b)]), out, "gzip")).toBe(8000);
    expect(Buffer.compare(out, Buffer.concat([a, b]))).toBe(0);
    expect(inflateInto(gzipSync(a), new Uint8Array(3000))).toBeNull(); // gzip read as zlib
    expect(inflateInto(z, new Uint8Array(10_000), "gzip")).toBeNull(); // zlib read as gzip
    const again = new Uint8Array(3000);
    expect(inflateInto(gzipSync(a), again, "gzip")).toBe(3000);
    expect(Buffer.compare(again, a)).toBe(0);
  });
});
