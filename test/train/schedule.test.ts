import { describe, expect, it } from "vitest";
import { learningRateAt } from "../../src/train/schedule.js";

describe("learning-rate schedules", () => {
  it("constant and step", () => {
    expect(learningRateAt({ type: "constant", lr: 0.01 }, 7)).toBe(0.01);
    const step = { type: "step", lr: 0.01, every: 10, gamma: 0.5 } as const;
    expect([0, 9, 10, 25].map((e) => learningRateAt(step, e))).toStrictEqual([0.01, 0.01, 0.005, 0.0025]);
  });

  it("cosine falls from lr to min over the period, then stays at min", () => {
    const cos = { type: "cosine", lr: 0.01, epochs: 10, min: 0.001 } as const;
    expect(learningRateAt(cos, 0)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(cos, 5)).toBeCloseTo(0.0055, 12); // 0.001 + 0.009 · (1 + cos π/2) / 2
    expect(learningRateAt(cos, 10)).toBe(0.001);
    expect(learningRateAt(cos, 12)).toBe(0.001);
    // No period given: the run's epochs.
    expect(learningRateAt({ type: "cosine", lr: 0.02 }, 2, 4)).toBeCloseTo(0.01, 12);
  });

  it("warm-up scales the first epochs linearly", () => {
    const w = { type: "constant", lr: 0.01, warmup: 3 } as const;
    expect([0, 1, 2, 3].map((e) => learningRateAt(w, e))).toStrictEqual([0.0025, 0.005, 0.0075, 0.01]);
  });
});
