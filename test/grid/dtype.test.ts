import { describe, expect, expectTypeOf, it } from "vitest";
import { allocate, DTYPES, dtypeFromTiff, fitsDtype, isDType, viewOf } from "../../src/grid/dtype.js";
import { createGrid, validMask } from "../../src/grid/grid.js";

describe("dtypes", () => {
  it("maps dtype literals to typed arrays at compile time and run time", () => {
    const a = allocate("uint16", 3);
    expectTypeOf(a).toEqualTypeOf<Uint16Array>();
    expect(a).toBeInstanceOf(Uint16Array);
    const g = createGrid("float32", [1, 2, 2]);
    expectTypeOf(g.data).toEqualTypeOf<Float32Array>();
    expect(viewOf("int16", new Int16Array([1, -2]).buffer)).toStrictEqual(new Int16Array([1, -2]));
  });
  it("maps TIFF sample formats both ways", () => {
    expect(dtypeFromTiff(1, 8)).toBe("uint8");
    expect(dtypeFromTiff(2, 16)).toBe("int16");
    expect(dtypeFromTiff(3, 64)).toBe("float64");
    expect(dtypeFromTiff(3, 16)).toBeNull();
    expect(DTYPES).toHaveLength(8);
    expect(isDType("uint32")).toBe(true);
    expect(isDType("bool")).toBe(false);
  });
  it("knows which values fit", () => {
    expect(fitsDtype(255, "uint8")).toBe(true);
    expect(fitsDtype(256, "uint8")).toBe(false);
    expect(fitsDtype(-1, "uint16")).toBe(false);
    expect(fitsDtype(Number.NaN, "float32")).toBe(true);
    expect(fitsDtype(Number.NaN, "int32")).toBe(false);
    expect(fitsDtype(1.5, "int32")).toBe(false);
  });
  it("derives validity from nodata (NaN-aware) and an explicit mask", () => {
    const g = createGrid("float32", [1, 1, 4], {
      data: Float32Array.from([1, Number.NaN, 3, 4]),
      nodata: Number.NaN,
      mask: Uint8Array.from([1, 1, 1, 0]),
    });
    expect(Array.from(validMask(g))).toStrictEqual([1, 0, 1, 0]);
    const h = createGrid("int16", [1, 1, 3], {
      data: Int16Array.from([-9999, 0, 5]),
      nodata: -9999,
    });
    expect(Array.from(validMask(h))).toStrictEqual([0, 1, 1]);
    expect(() => createGrid("uint8", [2, 2], { data: new Uint8Array(3) })).toThrow(/shape 2x2 needs 4/);
  });
});
