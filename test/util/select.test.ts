import { describe, expect, it } from "vitest";
import { quantilePair, selectInPlace } from "../../src/util/select.js";

/** A small deterministic generator (xorshift), so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const shapes: Record<string, (n: number, r: () => number) => number[]> = {
  random: (n, r) => Array.from({ length: n }, () => r() * 1000 - 500),
  sorted: (n) => Array.from({ length: n }, (_, i) => i),
  reversed: (n) => Array.from({ length: n }, (_, i) => n - i),
  constant: (n) => Array.from({ length: n }, () => 7),
  "few distinct": (n, r) => Array.from({ length: n }, () => Math.floor(r() * 3)),
  "organ pipe": (n) => Array.from({ length: n }, (_, i) => Math.min(i, n - 1 - i)),
  "integers with ties": (n, r) => Array.from({ length: n }, () => Math.floor(r() * n * 0.3)),
};

describe("selectInPlace: the k-th smallest, as sorting gives it", () => {
  it.each(Object.keys(shapes))("%s: every k of sizes 1 to 40, and sampled k of 5000 values", (name) => {
    const r = rng(name.length * 7919);
    for (const n of [...Array.from({ length: 40 }, (_, i) => i + 1), 5000]) {
      const values = shapes[name]?.(n, r) as number[];
      const sorted = Float64Array.from(values).sort();
      const ks = n <= 40 ? Array.from({ length: n }, (_, k) => k) : [0, 1, 99, 2500, 4900, 4999];
      for (const k of ks) expect(selectInPlace(Float64Array.from(values), k), `${name} n=${n} k=${k}`).toBe(sorted[k]);
    }
  });

  it("only the given range is searched and reordered", () => {
    const a = Float64Array.from([9, 8, 5, 1, 4, 7, 0]);
    // a[2..5] = [5, 1, 4, 7] sorted in place is 1 4 5 7 at indices 2-5: index 3 holds 4.
    expect(selectInPlace(a, 3, 2, 5)).toBe(4);
    expect([a[0], a[1], a[6]]).toStrictEqual([9, 8, 0]);
    expect(() => selectInPlace(a, 6, 2, 5)).toThrow(RangeError);
  });
});

describe("quantilePair: the quicklook's 2nd and 98th percentiles", () => {
  it.each(Object.keys(shapes))("%s: sorted[floor(p * (n - 1))] for both", (name) => {
    const r = rng(name.length * 104729);
    for (const n of [1, 2, 3, 10, 49, 50, 51, 1000, 4097]) {
      const values = shapes[name]?.(n, r) as number[];
      const s = Float64Array.from(values).sort();
      const at = (p: number) => s[Math.min(n - 1, Math.floor(p * (n - 1)))];
      expect(quantilePair(Float64Array.from(values), 0.02, 0.98), `${name} n=${n}`).toStrictEqual([at(0.02), at(0.98)]);
      expect(quantilePair(Float64Array.from(values), 0.5, 0.5)).toStrictEqual([at(0.5), at(0.5)]);
    }
  });

  it("hand-computed: 0..100 gives 2 and 98; 1..10 gives 1 and 9", () => {
    expect(
      quantilePair(
        Float64Array.from({ length: 101 }, (_, i) => 100 - i),
        0.02,
        0.98,
      ),
    ).toStrictEqual([2, 98]);
    // floor(0.02 * 9) = 0 -> 1; floor(0.98 * 9) = 8 -> 9
    expect(quantilePair(Float64Array.from([10, 3, 7, 1, 9, 2, 8, 4, 6, 5]), 0.02, 0.98)).toStrictEqual([1, 9]);
  });
});
