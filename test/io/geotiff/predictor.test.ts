import { describe, expect, it } from "vitest";
import {
  applyFloatingPoint,
  applyHorizontal,
  swapBytes,
  undoFloatingPoint,
  undoHorizontal,
} from "../../../src/io/geotiff/predictor.js";

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Predictor 3 for 4-byte values as Adobe TN3 defines it, one byte at a time (the tests' oracle). */
function referenceApply32(values: Uint8Array, l: { width: number; rows: number; spp: number }): Uint8Array {
  const count = l.width * l.spp;
  const out = new Uint8Array(values.length);
  for (let r = 0; r < l.rows; r++) {
    const planes = new Uint8Array(count * 4);
    for (let j = 0; j < count; j++)
      for (let k = 0; k < 4; k++) planes[k * count + j] = values[(r * count + j) * 4 + 3 - k] as number;
    for (let i = 0; i < count * 4; i++)
      out[r * count * 4 + i] =
        i < l.spp ? (planes[i] as number) : ((planes[i] as number) - (planes[i - l.spp] as number)) & 0xff;
  }
  return out;
}

describe("TIFF predictors", () => {
  it("predictor 2 stores differences from the previous pixel of the same sample (hand-computed)", () => {
    const v = Uint16Array.from([10, 100, 13, 90, 20, 120]); // 3 pixels x 2 samples, one row
    applyHorizontal(bytesOf(v), { width: 3, rows: 1, spp: 2, bytes: 2 });
    expect(Array.from(v)).toStrictEqual([10, 100, 3, 65526, 7, 30]); // 90 - 100 wraps modulo 2^16
    undoHorizontal(bytesOf(v), { width: 3, rows: 1, spp: 2, bytes: 2 });
    expect(Array.from(v)).toStrictEqual([10, 100, 13, 90, 20, 120]);
  });

  it("predictor 3 splits a row into byte planes, most significant first, then differences them", () => {
    const f = Float32Array.from([1, 2]); // 0x3f800000, 0x40000000
    const b = bytesOf(f);
    applyFloatingPoint(b, { width: 2, rows: 1, spp: 1, bytes: 4 });
    // planes: [3f 40] [80 00] [00 00] [00 00] -> differenced: 3f, 01, 40, 80, 00, 00, 00, 00
    expect(Array.from(b)).toStrictEqual([0x3f, 0x01, 0x40, 0x80, 0, 0, 0, 0]);
    undoFloatingPoint(b, { width: 2, rows: 1, spp: 1, bytes: 4 });
    expect(Array.from(f)).toStrictEqual([1, 2]);
  });

  it("predictor 2 undone and applied a word at a time (pixels of 1, 2, 4 and 8 bytes) matches a sample at a time", () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const oracle = (buf: Uint8Array, l: { width: number; rows: number; spp: number; bytes: 1 | 2 }) => {
      const v = l.bytes === 1 ? buf : new Uint16Array(buf.buffer, buf.byteOffset, buf.byteLength / 2);
      const row = l.width * l.spp;
      for (let r = 0; r < l.rows; r++)
        for (let i = r * row + l.spp; i < (r + 1) * row; i++) v[i] = (v[i] as number) + (v[i - l.spp] as number);
    };
    for (const [bytes, spp, width] of [
      [1, 4, 9],
      [1, 8, 9],
      [2, 2, 9],
      [2, 4, 9],
      // pixels smaller than a word (predictor-words.ts); 9 px rows are not whole words
      [1, 1, 12],
      [1, 1, 9],
      [1, 2, 10],
      [1, 2, 9],
      [2, 1, 10],
      [2, 1, 9],
    ] as const)
      for (const offset of [0, 4, 2]) {
        // offset 2: a buffer not on a 4-byte boundary takes the sample-at-a-time loop
        if (bytes === 1 && offset === 2) continue;
        const l = { width, rows: 4, spp, bytes };
        const backing = new Uint8Array(offset + width * 4 * spp * bytes);
        const buf = backing.subarray(offset);
        for (let i = 0; i < buf.length; i++) buf[i] = Math.floor(rnd() * 256); // high bytes: the sums wrap
        const want = buf.slice();
        oracle(want, l);
        const raw = buf.slice();
        undoHorizontal(buf, l);
        expect(buf, `${bytes} bytes x ${spp}, ${width} px, at +${offset}`).toStrictEqual(want);
        // And applied a word at a time: the differences are the bytes before the sums.
        applyHorizontal(buf, l);
        expect(buf, `applied, ${bytes} bytes x ${spp}, ${width} px, at +${offset}`).toStrictEqual(raw);
      }
  });

  it("round-trips random blocks for every sample size and interleave", () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const bytes of [1, 2, 4, 8] as const) {
      for (const spp of [1, 3]) {
        const l = { width: 5, rows: 3, spp, bytes };
        const orig = Uint8Array.from({ length: 5 * 3 * spp * bytes }, () => Math.floor(rnd() * 256));
        const h = orig.slice();
        applyHorizontal(h, l);
        undoHorizontal(h, l);
        expect(h).toStrictEqual(orig);
        if (bytes >= 2) {
          const fp = orig.slice();
          applyFloatingPoint(fp, l);
          expect(fp).not.toStrictEqual(orig);
          undoFloatingPoint(fp, l);
          expect(fp).toStrictEqual(orig);
        }
      }
    }
  });

  it("float32 predictor 3 (the SIMD kernels) matches TN3 byte for byte and round-trips, across 16-byte steps and tails", () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const width of [1, 3, 4, 15, 16, 17, 64, 257]) {
      for (const spp of [1, 2, 3, 4]) {
        const rows = 1 + (width % 3);
        const l = { width, rows, spp, bytes: 4 };
        const n = width * rows * spp;
        const values = Float32Array.from({ length: n }, () => (rnd() - 0.5) * 10 ** Math.floor(rnd() * 8));
        const padded = new Uint8Array(n * 4 + 7); // a view at an odd offset, bytes around it untouched
        const b = padded.subarray(3, 3 + n * 4);
        b.set(bytesOf(values));
        applyFloatingPoint(b, l);
        expect(b).toStrictEqual(referenceApply32(bytesOf(values), l));
        undoFloatingPoint(b, l);
        expect(new Float32Array(b.slice().buffer)).toStrictEqual(values);
        expect(Array.from(padded.subarray(0, 3))).toStrictEqual([0, 0, 0]);
        expect(Array.from(padded.subarray(3 + n * 4))).toStrictEqual([0, 0, 0, 0]);
      }
    }
  });

  it("swaps byte order per value", () => {
    const b = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    swapBytes(b, 4);
    expect(Array.from(b)).toStrictEqual([4, 3, 2, 1, 8, 7, 6, 5]);
  });
});
