import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { globalCnn } from "../../src/models/global-cnn.js";
import { unet } from "../../src/models/unet.js";
import { selectBackend } from "../../src/nn/backend.js";
import { foldBatchNorm } from "../../src/nn/fold-batch-norm.js";

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
});

/** Batch-norm statistics away from their 0/1 start, so folding has something to fold. */
function randomizeStats(m: tf.LayersModel, seed: number): void {
  for (const l of m.layers.filter((x) => x.getClassName() === "BatchNormalization"))
    l.setWeights(
      l.getWeights().map((w, i, all) =>
        i === all.length - 1
          ? // the moving variance, last
            tf.randomUniform(w.shape, 0.5, 2, "float32", seed + i)
          : tf.randomNormal(w.shape, 0, 0.5, "float32", seed + i),
      ),
    );
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number;
const classes = (m: tf.LayersModel) => m.layers.map((l) => l.getClassName());

describe("foldBatchNorm", () => {
  it("the copy and its original disposed leave no tensor behind (each load kept 2 a folded convolution)", async () => {
    const m = unet({ inputShape: [16, 16, 3], depth: 2, filters: 4, seed: 2 });
    randomizeStats(m, 5);
    (await foldBatchNorm(m)).dispose(); // TF.js's own constants, made once
    const before = tf.memory().numTensors;
    const f = await foldBatchNorm(m);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    f.dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it("a U-Net: every batch norm and ReLU goes into its convolution, outputs unchanged", async () => {
    const m = unet({ inputShape: [16, 16, 3], depth: 2, filters: 4, seed: 2 });
    randomizeStats(m, 5);
    const f = await foldBatchNorm(m);
    expect(classes(m).filter((c) => c === "BatchNormalization")).toHaveLength(10);
    expect(classes(f)).not.toContain("BatchNormalization");
    expect(classes(f)).not.toContain("Activation");
    expect(f.layers.length).toBe(m.layers.length - 20);
    const x = tf.randomNormal([3, 16, 16, 3], 0, 1, "float32", 7);
    expect(maxDiff(f.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor)).toBeLessThan(1e-4);
    expect(f.countParams()).toBeLessThan(m.countParams());
    // The copy owns its weights: training the original leaves it as it was.
    const before = f.predict(x) as tf.Tensor;
    m.setWeights(m.getWeights().map((w) => tf.mul(w, 1.5)));
    expect(maxDiff(f.predict(x) as tf.Tensor, before)).toBe(0);
  });

  it("a periodic global CNN with batch norm (custom padding layers in between)", async () => {
    const m = globalCnn({ height: 8, width: 16, channels: 2, blocks: 2, filters: 4, seed: 3, batchNorm: true });
    randomizeStats(m, 9);
    const f = await foldBatchNorm(m);
    const x = tf.randomNormal([2, 8, 16, 2], 0, 1, "float32", 4);
    expect(maxDiff(f.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor)).toBeLessThan(1e-4);
    expect(classes(f)).not.toContain("BatchNormalization");
  });

  it("leaves alone what it cannot fold: a shared convolution, a transposed convolution, no scale or centre", async () => {
    const input = tf.input({ shape: [8, 8, 2] });
    const conv = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same", useBias: false }).apply(input);
    const bn = tf.layers.batchNormalization({ scale: false }).apply(conv) as tf.SymbolicTensor;
    const side = tf.layers.conv2d({ filters: 3, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
    const shared = tf.layers.batchNormalization().apply(side) as tf.SymbolicTensor; // side is read twice
    const up = tf.layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2 }).apply(bn) as tf.SymbolicTensor;
    const upBn = tf.layers.batchNormalization({ center: false }).apply(up) as tf.SymbolicTensor;
    const m = tf.model({ inputs: input, outputs: [upBn, tf.layers.add().apply([shared, side]) as tf.SymbolicTensor] });
    randomizeStats(m, 1);
    const f = await foldBatchNorm(m);
    expect(classes(f).filter((c) => c === "BatchNormalization")).toHaveLength(1); // the shared one stays
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, "float32", 2);
    const [a, b] = m.predict(x) as tf.Tensor[];
    const [fa, fb] = f.predict(x) as tf.Tensor[];
    expect(maxDiff(fa as tf.Tensor, a as tf.Tensor)).toBeLessThan(1e-4);
    expect(maxDiff(fb as tf.Tensor, b as tf.Tensor)).toBeLessThan(1e-4);
  });
});
