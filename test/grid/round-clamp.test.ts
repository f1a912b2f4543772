import { describe, expect, it } from "vitest";
import { roundClamp } from "../../src/grid/dtype.js";

describe("roundClamp", () => {
  it("rounds half up and clamps, as Math.round and a clamp do", () => {
    const cases: [number, number][] = [
      [0.5, 1],
      [1.5, 2],
      [2.5, 3],
      [-0.5, 0],
      [0.49, 0],
      [253.6, 254],
      [254.4, 254],
      [254.7, 254], // past max by less than one: the clamp, not the floor, decides
      [-0.6, 0],
      [-0.9999, 0],
      [300, 254],
      [-7, 0],
      [1e300, 254],
      [Number.POSITIVE_INFINITY, 254],
      [Number.NEGATIVE_INFINITY, 0],
    ];
    for (const [v, want] of cases) expect(roundClamp(v, 0, 254), String(v)).toBe(want);
    expect(roundClamp(-1.5, -128, 127)).toBe(-1);
    expect(roundClamp(-2.5, -128, 127)).toBe(-2);
    expect(roundClamp(-2.6, -128, 127)).toBe(-3);
    expect(roundClamp(-200.2, -128, 127)).toBe(-128);
  });

  it("agrees with Math.round on values a packed output holds", () => {
    // Every quarter step of a uint16 range (the ties included), and scaled probabilities.
    for (let v = -3; v <= 65540; v += 0.25) {
      const want = Math.min(65535, Math.max(0, Math.round(v)));
      if (roundClamp(v, 0, 65535) !== want) expect(roundClamp(v, 0, 65535), String(v)).toBe(want);
    }
    for (let i = 0; i <= 100000; i++) {
      const v = i / 100000 / 0.004;
      if (roundClamp(v, 0, 254) !== Math.min(254, Math.round(v))) expect(roundClamp(v, 0, 254)).toBe(Math.round(v));
    }
  });

  it("keeps NaN, which an integer array stores as 0", () => {
    expect(roundClamp(Number.NaN, 0, 254)).toBeNaN();
    expect(Uint8Array.of(roundClamp(Number.NaN, 0, 254))[0]).toBe(0);
  });
});
