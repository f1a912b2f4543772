import { describe, expect, it } from "vitest";
import { classify } from "../../src/grid/classes.js";
import { createGrid } from "../../src/grid/grid.js";
import { rgbBands } from "../../src/pipeline/products.js";

describe("classify", () => {
  it("arg-max of several bands; missing cells (NaN, nodata, masked) get 255", () => {
    const p = createGrid("float32", [3, 1, 4], {
      data: Float32Array.from([0.2, 0.5, Number.NaN, 0.1, 0.7, 0.2, 0.5, Number.NaN, 0.1, 0.3, 0.5, 0.8]),
    });
    expect(Array.from(classify(p).data)).toStrictEqual([1, 0, 255, 255]); // a NaN in any band
    const masked = createGrid("float32", [1, 1, 3], {
      data: Float32Array.from([0.7, 0.2, 0.9]),
      mask: Uint8Array.from([1, 1, 0]),
    });
    expect(Array.from(classify(masked).data)).toStrictEqual([1, 0, 255]);
    const nodata = createGrid("float32", [1, 1, 3], { data: Float32Array.from([0.5, -1, 0.49]), nodata: -1 });
    expect(Array.from(classify(nodata, { threshold: 0.5, nodata: 9 }).data)).toStrictEqual([1, 9, 0]);
    expect(classify(nodata).shape).toStrictEqual([1, 1, 3]);
  });

  it("several bands: a tie goes to the first; nodata or a masked cell in a later band is a gap", () => {
    const p = createGrid("float32", [2, 1, 5], {
      // cells: tie, band 1 larger, nodata in band 1, masked in band 1, nodata in band 0
      data: Float32Array.from([0.5, 0.2, 0.6, 0.3, -1, 0.5, 0.7, -1, 0.9, 0.4]),
      nodata: -1,
      mask: Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 0, 1]),
    });
    expect(Array.from(classify(p, { nodata: 7 }).data)).toStrictEqual([0, 1, 7, 7, 7]);
  });

  it("2 to 5 bands, with and without masks, agree with a cell-by-cell oracle (ties, NaN, nodata, infinities)", () => {
    let seed = 5;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = () =>
      [0.25, 0.5, 0.75, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY][
        Math.floor(rnd() * 7)
      ] as number;
    for (const bands of [2, 3, 4, 5])
      for (const masked of [false, true]) {
        const n = 400;
        const data = Float32Array.from({ length: bands * n }, pick);
        const mask = masked ? Uint8Array.from({ length: bands * n }, () => (rnd() < 0.9 ? 1 : 0)) : null;
        const got = classify(createGrid("float32", [bands, 1, n], { data, nodata: -1, mask })).data;
        for (let i = 0; i < n; i++) {
          const vs = Array.from({ length: bands }, (_, b) => data[b * n + i] as number);
          const gap = vs.some((v, b) => Number.isNaN(v) || v === -1 || (mask !== null && mask[b * n + i] === 0));
          const want = gap ? 255 : vs.indexOf(Math.max(...vs));
          expect(got[i], `${bands} bands${masked ? ", masked" : ""}, cell ${i}: ${vs.join(", ")}`).toBe(want);
        }
      }
  });

  it("quicklook bands: red, green, blue by name, else the first three", () => {
    expect(rgbBands(["blue", "green", "red", "nir"], 4)).toStrictEqual([2, 1, 0]);
    expect(rgbBands([null, null, null, null], 4)).toStrictEqual([0, 1, 2]);
    expect(rgbBands([undefined, undefined], 2)).toStrictEqual([0]);
  });
});
