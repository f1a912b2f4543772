import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { lossFunction, lossName } from "../../src/train/losses.js";

const t4 = (v: number[], c = 1) => tf.tensor4d(v, [1, v.length / c, 1, c]);
const value = (s: tf.Scalar) => s.dataSync()[0] as number;

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("losses against hand-computed values", () => {
  it("MSE and MAE leave NaN targets and masked cells out", () => {
    expect(value(lossFunction("mse")(t4([1, Number.NaN, 3, 4]), t4([2, 9, 3, 2])))).toBeCloseTo(5 / 3, 6);
    const mask = t4([1, 1, 0, 1]);
    expect(value(lossFunction("mse")(t4([1, 2, 3, 4]), t4([2, 2, 5, 2]), { mask }))).toBeCloseTo(5 / 3, 6);
    expect(value(lossFunction("mae")(t4([1, 2, 3, 4]), t4([2, 2, 5, 2]), { mask }))).toBeCloseTo(1, 6);
  });

  it("a NaN target never reaches the gradient", () => {
    const t = t4([1, Number.NaN, 3]);
    const g = tf.grad((p: tf.Tensor) => lossFunction("mse")(t, p))(t4([2, 5, 3]));
    // d/dp of ((p0 - 1)^2 + (p2 - 3)^2) / 2 = [(p0 - 1), 0, (p2 - 3)] = [1, 0, 0]
    expect(Array.from(g.dataSync())).toStrictEqual([1, 0, 0]);
  });

  it("binary cross-entropy", () => {
    const v = value(lossFunction("binary-crossentropy")(t4([1, 0]), t4([0.8, 0.4])));
    expect(v).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 6);
  });

  it("categorical cross-entropy from class indices and from one-hot targets", () => {
    const p = t4([0.7, 0.2, 0.1, 0.1, 0.3, 0.6], 3);
    const expected = -(Math.log(0.7) + Math.log(0.6)) / 2;
    expect(value(lossFunction("categorical-crossentropy")(t4([0, 2]), p))).toBeCloseTo(expected, 6);
    expect(value(lossFunction("categorical-crossentropy")(t4([1, 0, 0, 0, 0, 1], 3), p))).toBeCloseTo(expected, 6);
    // A NaN class (no label) is left out: only the first pixel counts.
    expect(value(lossFunction("categorical-crossentropy")(t4([0, Number.NaN]), p))).toBeCloseTo(-Math.log(0.7), 6);
  });

  it("soft Dice: 1 - (2·1.5 + 1) / (1.5 + 2 + 1)", () => {
    expect(value(lossFunction("dice")(t4([1, 1, 0]), t4([1, 0.5, 0])))).toBeCloseTo(1 - 4 / 4.5, 6);
    // The masked cell (p = 1, t = 0) would have added 1 to the denominator.
    expect(value(lossFunction("dice")(t4([1, 1, 0, 0]), t4([1, 0.5, 0, 1]), { mask: t4([1, 1, 1, 0]) }))).toBeCloseTo(
      1 - 4 / 4.5,
      6,
    );
  });

  it("focal loss, γ = 2, α = 0.25", () => {
    const a = 0.25 * 0.1 ** 2 * -Math.log(0.9); // t = 1, p = 0.9: easy, nearly nothing
    const b = 0.75 * 0.9 ** 2 * -Math.log(0.1); // t = 0, p = 0.9: hard
    expect(value(lossFunction("focal")(t4([1, 0]), t4([0.9, 0.9])))).toBeCloseTo((a + b) / 2, 6);
  });

  it("rain-weighted MSE (B-MSE): weights 1, 2, 10, 30 for 0, 3, 12, 40 mm/h", () => {
    const v = value(lossFunction("rain-mse")(t4([0, 3, 12, 40]), t4([1, 1, 10, 30])));
    expect(v).toBeCloseTo((1 * 1 + 2 * 4 + 10 * 4 + 30 * 100) / 43, 4);
    // On log1p targets the thresholds are compared in mm/h: 1 mm/h weighs 1, 6 mm/h weighs 5.
    const t = [Math.log1p(1), Math.log1p(6)];
    const log = lossFunction({ type: "rain-mse", transform: "log1p" })(
      t4(t),
      t4([(t[0] as number) + 1, (t[1] as number) + 2]),
    );
    expect(value(log)).toBeCloseTo((1 * 1 + 5 * 4) / 6, 5);
    expect(() => lossFunction({ type: "rain-mae", thresholds: [1], weights: [1] })(t4([0]), t4([0]))).toThrow(
      /1 thresholds need 2 weights/,
    );
  });

  it("latitude-weighted MSE uses the batch's weights and refuses to run without them", () => {
    const t = tf.tensor4d([0, 0, 0, 0], [1, 2, 2, 1]);
    const p = tf.tensor4d([1, 1, 3, 3], [1, 2, 2, 1]);
    const weights = tf.tensor4d([1.5, 0.5], [1, 2, 1, 1]); // row weights
    expect(value(lossFunction("latitude-mse")(t, p, { weights }))).toBeCloseTo((1.5 * 2 + 0.5 * 18) / 4, 6);
    expect(() => lossFunction("latitude-mse")(t, p)).toThrow(/needs latitude weights/);
  });

  it("a list of losses is their sum; names join", () => {
    const t = t4([1, 2]);
    const p = t4([2, 4]);
    expect(value(lossFunction(["mse", "mae"])(t, p))).toBeCloseTo(2.5 + 1.5, 6);
    expect(lossName(["binary-crossentropy", { type: "focal", gamma: 1 }])).toBe("binary-crossentropy+focal");
    expect(() => lossFunction("hinge" as "mse")).toThrow(/loss:/);
    // An unknown name is named, with the names there are (it was "Invalid input").
    const known =
      "losses: binary-crossentropy, categorical-crossentropy, dice, mse, mae, latitude-mse, focal, rain-mse, rain-mae";
    expect(() => lossFunction("hinge" as "mse")).toThrow(`loss: unknown loss 'hinge' (${known})`);
    expect(() => lossFunction(["dice", "foo" as "mse"])).toThrow(`loss: unknown loss 'foo' (${known})`);
    expect(() => lossFunction({ type: "focal2" as "focal" })).toThrow(`loss: unknown loss 'focal2' (${known})`);
  });

  it("a target whose shape differs from the prediction's is an error, not a broadcast", () => {
    expect(() => lossFunction("mse")(t4([1, 2]), t4([1, 2, 3, 4], 2))).toThrow(/differs from the prediction/);
  });
});
