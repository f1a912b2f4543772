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

  it("quicklook bands: red, green, blue by name, else the first three", () => {
    expect(rgbBands(["blue", "green", "red", "nir"], 4)).toStrictEqual([2, 1, 0]);
    expect(rgbBands([null, null, null, null], 4)).toStrictEqual([0, 1, 2]);
    expect(rgbBands([undefined, undefined], 2)).toStrictEqual([0]);
  });
});
