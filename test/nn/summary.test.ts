import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { convParams } from "../../src/nn/conv-arithmetic.js";
import { formatModelSummary, modelSummary } from "../../src/nn/summary.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Extent along x of the input pixels that change the output's centre pixel. */
function empiricalReceptiveField(model: tf.LayersModel, size: number): number {
  const x = tf.ones([1, size, size, 1]);
  const g = tf.grad((t: tf.Tensor) => {
    const y = model.apply(t) as tf.Tensor4D;
    const [, h, w] = y.shape;
    return y.slice([0, h >> 1, w >> 1, 0], [1, 1, 1, 1]).sum();
  })(x);
  const row = g.max([0, 1, 3]).dataSync();
  const idx = [...row.keys()].filter((i) => (row[i] as number) !== 0);
  tf.dispose([x, g]);
  return (idx[idx.length - 1] as number) - (idx[0] as number) + 1;
}

describe("modelSummary", () => {
  const ones = "ones" as const;
  const encoder = () =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [64, 64, 1], filters: 2, kernelSize: 3, kernelInitializer: ones, name: "c1" }),
        tf.layers.averagePooling2d({ poolSize: 2, name: "p1" }),
        tf.layers.conv2d({ filters: 2, kernelSize: 5, kernelInitializer: ones, name: "c2" }),
        tf.layers.conv2d({ filters: 1, kernelSize: 5, strides: 2, kernelInitializer: ones, name: "c3" }),
      ],
    });

  it("receptive field by hand: 3 -> 4 (pool) -> 12 (5x5) -> 20 (5x5 stride 2)", () => {
    const s = modelSummary(encoder());
    expect(s.layers.map((l) => l.receptiveField.size)).toStrictEqual([3, 4, 12, 20]);
    expect(s.receptiveField).toStrictEqual({ size: 20, jump: 4 });
  });

  it("receptive field equals the support of the output's gradient", () => {
    const m = encoder();
    expect(empiricalReceptiveField(m, 64)).toBe(modelSummary(m).receptiveField.size);
  });

  it("shapes and parameter counts per layer, totals", () => {
    const s = modelSummary(encoder());
    expect(s.layers.map((l) => l.outputShape)).toStrictEqual([
      [null, 62, 62, 2],
      [null, 31, 31, 2],
      [null, 27, 27, 2],
      [null, 12, 12, 1],
    ]);
    expect(s.layers.map((l) => l.params)).toStrictEqual([
      convParams(3, 1, 2),
      0,
      convParams(5, 2, 2),
      convParams(5, 2, 1),
    ]);
    expect(s.totalParams).toBe(20 + 102 + 51);
    expect(s.trainableParams).toBe(s.totalParams);
    const text = formatModelSummary(s);
    expect(text).toContain("c3 (Conv2D)");
    expect(text).toContain("Total params: 173");
    expect(text).toContain("Receptive field: 20 px (output stride 4)");
  });
});
