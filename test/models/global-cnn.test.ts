import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { conv, convBlock, periodicConv2d } from "../../src/models/blocks.js";
import { globalCnn } from "../../src/models/global-cnn.js";
import { rollout } from "../../src/models/rollout.js";
import { convParams } from "../../src/nn/conv-arithmetic.js";
import { periodicPad } from "../../src/nn/periodic-padding.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const H = 12;
const W = 24;
const C = 3;

/** The same stack as globalCnn but zero-padded: the control that must fail the roll test. */
function zeroPaddedCnn(): tf.LayersModel {
  const input = tf.input({ shape: [H, W, C] });
  let x = conv(input, 8, "stem", { seed: 5 });
  x = convBlock(x, 8, "b0", { residual: true, batchNorm: false, seed: 5 });
  const y = conv(x, C, "head", { kernelSize: 1, seed: 5 });
  return tf.model({ inputs: input, outputs: y });
}

/** Largest |model(roll(x, k)) - roll(model(x), k)|, rolling along longitude (axis 2). */
function rollError(model: tf.LayersModel, x: tf.Tensor4D, k: number): number {
  return tf.tidy(() => {
    const roll = (t: tf.Tensor4D) =>
      tf.concat([t.slice([0, 0, W - k, 0], [-1, -1, k, -1]), t.slice([0, 0, 0, 0], [-1, -1, W - k, -1])], 2);
    const a = model.predict(roll(x)) as tf.Tensor4D;
    const b = roll(model.predict(x) as tf.Tensor4D);
    return a.sub(b).abs().max().dataSync()[0] as number;
  });
}

describe("periodic padding", () => {
  it("pads longitude circularly and latitude with zeros or by reflection", () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
    expect(Array.from(periodicPad(x, [1, 1]).dataSync())).toStrictEqual([
      0, 0, 0, 0, 0, 3, 1, 2, 3, 1, 6, 4, 5, 6, 4, 0, 0, 0, 0, 0,
    ]);
    expect(Array.from(periodicPad(x, [1, 2], "reflect").dataSync())).toStrictEqual([
      5, 6, 4, 5, 6, 4, 5, 2, 3, 1, 2, 3, 1, 2, 5, 6, 4, 5, 6, 4, 5, 2, 3, 1, 2, 3, 1, 2,
    ]);
    expect(() => periodicPad(x, [0, 4])).toThrow(/exceeds the width 3/);
  });
});

describe("global CNN", () => {
  const x = tf.randomNormal([2, H, W, C], 0, 1, "float32", 11) as tf.Tensor4D;

  it("keeps the grid and counts parameters by the formula", () => {
    const m = globalCnn({ height: H, width: W, channels: C, blocks: 2, filters: 8, seed: 1 });
    expect(m.outputs[0]?.shape).toStrictEqual([null, H, W, C]);
    const block = 2 * convParams(3, 8, 8);
    expect(m.countParams()).toBe(convParams(3, C, 8) + 2 * block + convParams(1, 8, C));
    const k5 = globalCnn({
      height: H,
      width: W,
      channels: C,
      blocks: 1,
      filters: 4,
      kernelSize: 5,
      residual: false,
      seed: 1,
    });
    expect(k5.countParams()).toBe(convParams(5, C, 4) + 2 * convParams(5, 4, 4) + convParams(1, 4, C));
    expect(() => globalCnn({ height: H, width: W, channels: C, kernelSize: 4 })).toThrow(/kernelSize must be odd/);
  });

  for (const k of [1, 5, 13, W - 1]) {
    it(`rolling the input ${k} columns east rolls the output ${k} columns, across the antimeridian`, () => {
      const m = globalCnn({ height: H, width: W, channels: C, blocks: 2, filters: 8, kernelSize: 5, seed: 3 });
      expect(rollError(m, x, k)).toBeLessThan(1e-5);
    });
  }

  it("stays equivariant with reflect padding at the poles and without the tendency", () => {
    const m = globalCnn({
      height: H,
      width: W,
      channels: C,
      blocks: 1,
      filters: 6,
      latitude: "reflect",
      predictDelta: false,
      seed: 4,
    });
    expect(rollError(m, x, 7)).toBeLessThan(1e-5);
  });

  it("a single PeriodicConv2D block keeps the grid and is equivariant by itself", () => {
    const input = tf.input({ shape: [H, W, C] });
    const m = tf.model({ inputs: input, outputs: periodicConv2d(input, 4, "pc", { kernelSize: 7, seed: 2 }) });
    expect(m.outputs[0]?.shape).toStrictEqual([null, H, W, 4]);
    expect(m.layers.map((l) => l.getClassName())).toStrictEqual(["InputLayer", "PeriodicPadding2D", "Conv2D"]);
    expect(rollError(m, x, 9)).toBeLessThan(1e-5);
  });

  it("control: a zero-padded CNN fails the same test", () => {
    expect(rollError(zeroPaddedCnn(), x, 5)).toBeGreaterThan(1e-2);
  });

  it("with history the state is the last levels: the newer levels pass on exactly, the new one follows", () => {
    const m = globalCnn({ height: H, width: W, channels: 2, history: 3, blocks: 1, filters: 8, seed: 2 });
    expect(m.inputs[0]?.shape).toEqual([null, H, W, 6]);
    expect(m.outputs[0]?.shape).toEqual([null, H, W, 6]);
    const head = m.getLayer("head");
    head.setWeights(head.getWeights().map((w) => tf.randomNormal(w.shape, 0, 0.3, "float32", 3)));
    const x = tf.randomNormal([2, H, W, 6], 0, 1, "float32", 4) as tf.Tensor4D;
    const y = m.predict(x) as tf.Tensor4D;
    // Levels t-1 and t (channels 2..5 in) are levels 0 and 1 out, unchanged.
    expect(Array.from(y.slice([0, 0, 0, 0], [-1, -1, -1, 4]).dataSync())).toEqual(
      Array.from(x.slice([0, 0, 0, 2], [-1, -1, -1, 4]).dataSync()),
    );
    // The new level is the newest input level plus a tendency that is not zero.
    const change = y.slice([0, 0, 0, 4], [-1, -1, -1, 2]).sub(x.slice([0, 0, 0, 4], [-1, -1, -1, 2]));
    expect(change.abs().max().dataSync()[0]).toBeGreaterThan(1e-3);
    expect(rollError(m, x, 5)).toBeLessThan(1e-5);
    expect(() => globalCnn({ height: H, width: W, channels: 2, history: 3, kernelSize: 4 })).toThrow(/odd/);
    tf.dispose([x, y, change]);
  });

  it("rollout feeds each prediction back: step n equals n applications", () => {
    const m = globalCnn({ height: H, width: W, channels: C, blocks: 1, filters: 4, seed: 9 });
    const before = tf.memory().numTensors;
    const traj = rollout(m, x, 3);
    expect(traj.shape).toStrictEqual([2, 3, H, W, C]);
    const by = tf.tidy(() => {
      const s1 = m.predict(x) as tf.Tensor;
      const s3 = m.predict(m.predict(s1) as tf.Tensor) as tf.Tensor;
      return traj.slice([0, 2], [-1, 1]).squeeze([1]).sub(s3).abs().max().dataSync()[0] as number;
    });
    expect(by).toBeLessThan(1e-5);
    traj.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
