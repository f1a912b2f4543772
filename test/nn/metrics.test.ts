import { describe, expect, it } from "vitest";
import {
  anomalyCorrelation,
  confusionMatrix,
  contingency,
  csi,
  f1,
  far,
  iou,
  latitudeWeightedRmse,
  latitudeWeights,
  pixelAccuracy,
  pod,
  rmse,
} from "../../src/nn/metrics.js";

describe("segmentation metrics", () => {
  // A 3 x 3 worked example: truth has four 1s, the prediction finds three of them and adds one.
  const truth = [1, 1, 0, 1, 1, 0, 0, 0, 0];
  const pred = [1, 1, 0, 1, 0, 1, 0, 0, 0];

  it("IoU, F1 and accuracy on a 3 x 3 mask, by hand", () => {
    // class 1: TP 3, FP 1, FN 1 -> IoU 3/5, F1 6/8; class 0: TP 4, FP 1, FN 1 -> IoU 4/6, F1 8/10
    expect(Array.from(confusionMatrix(pred, truth, 2))).toStrictEqual([4, 1, 1, 3]);
    const j = iou(pred, truth, 2);
    expect(j.perClass[1]).toBeCloseTo(3 / 5, 12);
    expect(j.perClass[0]).toBeCloseTo(4 / 6, 12);
    expect(j.mean).toBeCloseTo((3 / 5 + 4 / 6) / 2, 12);
    expect(f1(pred, truth, 2).perClass).toStrictEqual([8 / 10, 6 / 8]);
    expect(pixelAccuracy(pred, truth)).toBeCloseTo(7 / 9, 12);
  });

  it("masked and NaN cells are left out; an absent class is NaN and out of the mean", () => {
    const valid = Uint8Array.from([1, 1, 1, 1, 0, 0, 1, 1, 1]); // hides the two disagreements
    expect(iou(pred, truth, 2, valid).perClass).toStrictEqual([1, 1]);
    expect(pixelAccuracy([0, Number.NaN, 1], [0, 1, Number.NaN])).toBe(1);
    const three = iou([0, 1], [0, 1], 3);
    expect(three.perClass[2]).toBeNaN();
    expect(three.mean).toBe(1);
    expect(() => confusionMatrix([0, 2.5], [0, 1], 3)).toThrow(/integers in \[0, 3\)/);
    expect(() => iou([0, 1], [0], 2)).toThrow(/differ in length/);
  });
});

describe("threshold scores", () => {
  it("the contingency table at 1 mm/h, and CSI, POD, FAR by hand", () => {
    const forecast = [0.5, 2, 3, 0, 1, 4, Number.NaN];
    const observed = [0, 2, 0.2, 1.5, 1, 0, 5];
    // events >= 1: hits (2,2) (1,1); misses (0,1.5); false alarms (3,0.2) (4,0); correct negatives (0.5,0); NaN left out
    const t = contingency(forecast, observed, 1);
    expect(t).toStrictEqual({ hits: 2, misses: 1, falseAlarms: 2, correctNegatives: 1 });
    expect(csi(t)).toBeCloseTo(2 / 5, 12);
    expect(pod(t)).toBeCloseTo(2 / 3, 12);
    expect(far(t)).toBeCloseTo(2 / 4, 12);
    expect(csi({ hits: 0, misses: 0, falseAlarms: 0, correctNegatives: 9 })).toBeNaN();
  });
});

describe("field scores", () => {
  it("RMSE by hand, and cos-latitude weights normalized to mean 1", () => {
    expect(rmse([1, 2, 3], [1, 4, 0])).toBeCloseTo(Math.sqrt((0 + 4 + 9) / 3), 12);
    const w = latitudeWeights([60, 0, -60]); // cos: 0.5, 1, 0.5 -> mean 2/3
    expect(Array.from(w).map((v) => +v.toFixed(12))).toStrictEqual([0.75, 1.5, 0.75]);
  });

  it("latitude-weighted RMSE: an error at 60° counts half as much as one at the equator", () => {
    const lat = [60, 0];
    const obs = [0, 0, 0, 0];
    // error 2 in both cells of the 60° row: weights 0.5/0.75 -> 2/3 and 1/0.75 -> 4/3 per row
    expect(latitudeWeightedRmse([2, 2, 0, 0], obs, lat)).toBeCloseTo(Math.sqrt(((2 / 3) * 4 * 2) / 4), 12);
    expect(latitudeWeightedRmse([0, 0, 2, 2], obs, lat)).toBeCloseTo(Math.sqrt(((4 / 3) * 4 * 2) / 4), 12);
  });

  it("ACC: 1 for a scaled anomaly, -1 for the opposite one, by hand for a mixed one", () => {
    const lat = [0, 0];
    const clim = [10, 10, 10, 10];
    const obs = [11, 9, 12, 8]; // anomalies 1, -1, 2, -2
    expect(anomalyCorrelation([13, 7, 16, 4], obs, clim, lat)).toBeCloseTo(1, 12);
    expect(anomalyCorrelation([9, 11, 8, 12], obs, clim, lat)).toBeCloseTo(-1, 12);
    // forecast anomalies 1, 0, 0, -2: sum fa*oa = 1 + 4 = 5; |fa|² = 5; |oa|² = 10 -> 5 / sqrt(50)
    expect(anomalyCorrelation([11, 10, 10, 8], obs, clim, lat)).toBeCloseTo(5 / Math.sqrt(50), 12);
  });
});
