import { describe, expect, it } from "vitest";
import { halfToFloat32Bits, halfToNumber, numberToHalf } from "../../src/util/half.js";
import { hasGdal, py } from "../helpers/gdal.js";

describe("float16 patterns", () => {
  it("hand-checked patterns: one, the largest half, the smallest subnormal, infinity, NaN", () => {
    expect([0x3c00, 0x7bff, 0x0001, 0x0400, 0xc000, 0x7c00, 0xfc00].map(halfToNumber)).toStrictEqual([
      1,
      65504,
      2 ** -24,
      2 ** -14,
      -2,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    expect(halfToNumber(0x7e00)).toBeNaN();
    expect(numberToHalf(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to the even mantissa
    expect(numberToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });

  it("every one of the 65536 patterns goes to a number and back (NaN to NaN)", () => {
    for (let h = 0; h < 65536; h++) {
      const v = halfToNumber(h);
      if (Number.isNaN(v)) expect(halfToNumber(numberToHalf(v))).toBeNaN();
      else expect(numberToHalf(v)).toBe(h);
    }
  });

  it.skipIf(!hasGdal)("rounds as numpy's astype(float16) does, overflow and subnormals included", () => {
    const xs = [
      0,
      1,
      -2.5,
      65504,
      65519,
      65520,
      1e6,
      -1e6,
      6.1e-5,
      6e-5,
      5.96e-8,
      2.98e-8,
      2.99e-8,
      1e-9,
      0.1,
      1 / 3,
      -9999,
      3.14159,
      1.00146484375,
    ];
    const ref = py<number[]>(
      `print(json.dumps(np.array(${JSON.stringify(xs)}, dtype=np.float64).astype(np.float16).view(np.uint16).tolist()))`,
    );
    expect(xs.map(numberToHalf)).toStrictEqual(ref);
  });
});

describe("halves as float32 bits", () => {
  it("every pattern's float32 bits hold its number; NaN keeps its sign and payload", () => {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    for (let h = 0; h < 65536; h++) {
      u[0] = halfToFloat32Bits(h);
      const v = halfToNumber(h);
      if (Number.isNaN(v)) expect(u[0]).toBe((((h & 0x8000) << 16) | 0x7f800000 | ((h & 0x3ff) << 13)) >>> 0);
      else expect(Object.is(f[0], v)).toBe(true);
    }
  });
});
