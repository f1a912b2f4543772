import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { type UNetOptions, unet } from "../../src/models/unet.js";
import { convParams } from "../../src/nn/conv-arithmetic.js";
import { modelSummary } from "../../src/nn/summary.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** The U-Net's parameter count from the formulas, independently of the builder. */
function expectedParams(o: Case): number {
  const bn = (c: number) => (o.batchNorm ? 4 * c : 0);
  const block = (cin: number, c: number, residual: boolean) =>
    convParams(3, cin, c) + bn(c) + convParams(3, c, c) + bn(c) + (residual && cin !== c ? convParams(1, cin, c) : 0);
  const f = (i: number) => o.filters * 2 ** i;
  let n = 0;
  let cin = o.inputShape[2];
  for (let i = 0; i < o.depth; i++) {
    n += block(cin, f(i), o.residual);
    cin = f(i);
  }
  n += block(cin, f(o.depth), o.residual);
  for (let i = o.depth - 1; i >= 0; i--) {
    n += o.upsampling === "transpose" ? (2 * 2 * f(i + 1) + 1) * f(i) : convParams(1, f(i + 1), f(i));
    n += block(2 * f(i), f(i), false);
  }
  return n + convParams(1, o.filters, o.classes);
}

type Case = Required<Omit<UNetOptions, "seed" | "head" | "dropout" | "inputShape">> & {
  inputShape: [number, number, number];
};

const cases: Case[] = [
  {
    inputShape: [32, 32, 4],
    depth: 3,
    filters: 16,
    classes: 1,
    batchNorm: true,
    upsampling: "transpose",
    residual: false,
  },
  {
    inputShape: [64, 32, 3],
    depth: 2,
    filters: 8,
    classes: 5,
    batchNorm: false,
    upsampling: "bilinear",
    residual: false,
  },
  {
    inputShape: [32, 32, 2],
    depth: 4,
    filters: 4,
    classes: 2,
    batchNorm: true,
    upsampling: "transpose",
    residual: true,
  },
  {
    inputShape: [16, 48, 1],
    depth: 1,
    filters: 6,
    classes: 1,
    batchNorm: true,
    upsampling: "bilinear",
    residual: true,
  },
];

describe("unet", () => {
  for (const o of cases) {
    it(`depth ${o.depth}, ${o.filters} filters, ${o.upsampling}${o.residual ? ", residual" : ""}${o.batchNorm ? ", batch norm" : ""}: shape and parameters`, () => {
      const m = unet({ ...o, seed: 1 });
      expect(m.outputs[0]?.shape).toStrictEqual([null, o.inputShape[0], o.inputShape[1], o.classes]);
      expect(m.countParams()).toBe(expectedParams(o));
      const y = tf.tidy(() => m.predict(tf.randomNormal([2, ...o.inputShape])) as tf.Tensor);
      expect(y.shape).toStrictEqual([2, o.inputShape[0], o.inputShape[1], o.classes]);
      y.dispose();
    });
  }

  it("the bench configuration has the PyTorch twin's parameter count (484,993)", () => {
    const m = unet({ inputShape: [128, 128, 4], depth: 3, filters: 16 });
    expect(m.countParams()).toBe(484993);
  });

  it("sigmoid for one class, softmax summing to 1 for several", () => {
    const x = tf.randomNormal([1, 16, 16, 3], 0, 1, "float32", 7);
    const bin = unet({ inputShape: [16, 16, 3], depth: 2, filters: 4, seed: 2 });
    const p = (bin.predict(x) as tf.Tensor).dataSync();
    expect(Math.min(...p)).toBeGreaterThan(0);
    expect(Math.max(...p)).toBeLessThan(1);
    const multi = unet({ inputShape: [16, 16, 3], depth: 2, filters: 4, classes: 4, seed: 2 });
    const sums = (multi.predict(x) as tf.Tensor).sum(-1).dataSync();
    for (const s of sums) expect(s).toBeCloseTo(1, 5);
    expect(multi.layers.at(-1)?.getConfig().activation).toBe("softmax");
  });

  it("dropout sits in the bottleneck and is inactive at inference", () => {
    const m = unet({ inputShape: [16, 16, 1], depth: 2, filters: 4, dropout: 0.5, seed: 3 });
    expect(m.getLayer("mid_drop").getConfig().rate).toBe(0.5);
    const x = tf.randomNormal([1, 16, 16, 1], 0, 1, "float32", 1);
    expect(Array.from((m.predict(x) as tf.Tensor).dataSync())).toStrictEqual(
      Array.from((m.predict(x) as tf.Tensor).dataSync()),
    );
  });

  it("refuses sizes not divisible by 2^depth, naming both", () => {
    expect(() => unet({ inputShape: [100, 128, 3], depth: 3 })).toThrow(
      "unet: input 100x128 is not divisible by 2^depth = 8; use a tile size that is (e.g. 104)",
    );
    expect(() => unet({ inputShape: [64, 64, 3], depth: 0 })).toThrow(/depth must be an integer from 1 to 8/);
    expect(() => unet({ inputShape: [64, 64, 3], dropout: 1 })).toThrow(/dropout must be in \[0, 1\)/);
  });

  it("receptive field of the bench U-Net: 68 px at the bottleneck, 96 at the output", () => {
    const s = modelSummary(unet({ inputShape: [128, 128, 4], depth: 3, filters: 16 }));
    expect(s.layers.find((l) => l.name === "mid_conv2")?.receptiveField).toStrictEqual({ size: 68, jump: 8 });
    expect(s.receptiveField).toStrictEqual({ size: 96, jump: 1 });
  });
});
