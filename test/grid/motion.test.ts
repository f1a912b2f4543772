import { describe, expect, it } from "vitest";
import { extrapolate, fft2, phaseCorrelation, shiftFrame } from "../../src/grid/motion.js";

/** A smooth blob centred at (cy, cx). */
function blob(h: number, w: number, cy: number, cx: number, r = 4): Float32Array {
  const f = new Float32Array(h * w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) f[y * w + x] = Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * r * r));
  return f;
}

describe("motion extrapolation", () => {
  it("the FFT of a unit impulse is flat, and the inverse brings it back", () => {
    const n = 8;
    const re = new Float64Array(n * n);
    const im = new Float64Array(n * n);
    re[0] = 1;
    fft2(re, im, n);
    expect(Array.from(re).every((v) => Math.abs(v - 1) < 1e-12)).toBe(true);
    fft2(re, im, n, true);
    expect(re[0]).toBeCloseTo(n * n, 9); // unnormalized inverse
    expect(Math.abs(re[1] as number)).toBeLessThan(1e-9);
  });

  it("phase correlation finds integer and fractional displacements", () => {
    expect(phaseCorrelation(blob(40, 50, 20, 20), blob(40, 50, 23, 15), 40, 50)).toMatchObject({
      dy: expect.closeTo(3, 1),
      dx: expect.closeTo(-5, 1),
    });
    const m = phaseCorrelation(blob(48, 48, 20, 20, 5), blob(48, 48, 21.5, 22.5, 5), 48, 48);
    expect(m.dy).toBeCloseTo(1.5, 0);
    expect(m.dx).toBeCloseTo(2.5, 0);
    // Missing cells (NaN) count as no signal.
    const a = blob(32, 32, 10, 10);
    a[0] = Number.NaN;
    expect(phaseCorrelation(a, blob(32, 32, 12, 11), 32, 32)).toMatchObject({
      dy: expect.closeTo(2, 1),
      dx: expect.closeTo(1, 1),
    });
  });

  it("shiftFrame moves a field, filling what comes from outside", () => {
    const f = Float32Array.from([1, 2, 3, 4, 5, 6]); // 2 x 3
    expect(Array.from(shiftFrame(f, 2, 3, 0, 1, -1))).toStrictEqual([-1, 1, 2, -1, 4, 5]);
    expect(Array.from(shiftFrame(f, 2, 3, 1, 0, 0))).toStrictEqual([0, 0, 0, 1, 2, 3]);
    expect(shiftFrame(f, 2, 3, 0, 0.5)[2]).toBeCloseTo(2.5, 6); // bilinear
  });

  it("extrapolation carries a moving blob on at its speed", () => {
    const frames = [0, 1, 2, 3].map((t) => blob(48, 48, 10 + 2 * t, 10 + t));
    const [k1, , k3] = extrapolate(frames, 48, 48, 3) as Float32Array[];
    const peak = (f: Float32Array) => {
      let b = 0;
      for (let i = 1; i < f.length; i++) if ((f[i] as number) > (f[b] as number)) b = i;
      return [Math.floor(b / 48), b % 48];
    };
    expect(peak(k1 as Float32Array)).toStrictEqual([18, 14]);
    expect(peak(k3 as Float32Array)).toStrictEqual([22, 16]);
  });
});
