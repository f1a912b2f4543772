import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/nn/backend.js";
import { batchNormTraining } from "../../src/nn/batch-norm-training.js";

afterAll(async () => {
  await selectBackend({ prefer: "wasm" });
});

const maxRel = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.add(tf.abs(b), 1))).dataSync()[0] as number);

/** Batch norm as tfjs composes it (moments, then the affine map): the reference, differentiated op by op. */
function composed(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
}

describe.each(["cpu", "wasm"] as const)("batch norm training step on %s", (backend) => {
  it("equals tfjs's composed batch norm in value and in every gradient (rank 4 and rank 2)", async () => {
    await selectBackend({ prefer: backend });
    for (const shape of [
      [3, 5, 4, 6],
      [7, 3],
    ]) {
      const c = shape[shape.length - 1] as number;
      const x = tf.randomNormal(shape, 2, 3, "float32", 1);
      const gamma = tf.randomNormal([c], 1, 0.5, "float32", 2);
      const beta = tf.randomNormal([c], 0, 1, "float32", 3);
      const w = tf.randomNormal(shape, 0, 1, "float32", 4); // a loss that weighs every output differently
      const loss = (f: typeof composed) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(f(a, g, b, 1e-3), w));
      const ours = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor, e: number) =>
        batchNormTraining(a, g, b, e)[0] as tf.Tensor;
      const [y, mean, variance] = batchNormTraining(x, gamma, beta, 1e-3) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const axes = shape.slice(0, -1).map((_, i) => i);
      const m = tf.moments(x, axes);
      expect(maxRel(y, composed(x, gamma, beta, 1e-3))).toBeLessThan(1e-5);
      expect(maxRel(mean, m.mean)).toBeLessThan(1e-6);
      expect(maxRel(variance, m.variance)).toBeLessThan(1e-5); // biased, as moments gives it
      const want = tf.grads(loss(composed))([x, gamma, beta]);
      const got = tf.grads(loss(ours))([x, gamma, beta]);
      got.forEach((g, i) => {
        expect(g.shape).toStrictEqual((want[i] as tf.Tensor).shape);
        expect(maxRel(g, want[i] as tf.Tensor)).toBeLessThan(1e-4);
      });
    }
  });

  it("a BatchNormalization layer trains through it: output, moving statistics, and a layer without scale or centre", async () => {
    await selectBackend({ prefer: backend });
    const x = tf.randomNormal([4, 3, 3, 2], 5, 2, "float32", 7);
    const layer = tf.layers.batchNormalization({ momentum: 0.9 });
    layer.apply(x, { training: false }); // builds it: gamma 1, beta 0, moving mean 0, moving variance 1
    const profile = await tf.profile(() => {
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      expect(maxRel(y, composed(x, tf.ones([2]), tf.zeros([2]), 1e-3))).toBeLessThan(1e-5);
    });
    // The step above ran, not tfjs's FusedBatchNorm kernel (or TensorFlow's fused pair on tfjs-node).
    expect(profile.kernels.map((k) => k.name)).not.toContain("FusedBatchNorm");
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const [, , movingMean, movingVariance] = layer.getWeights().map((w) => w.clone()) as tf.Tensor[];
    // moving = old - (old - batch) * (1 - momentum), from 0 and 1
    expect(maxRel(movingMean as tf.Tensor, tf.mul(mean, 0.1))).toBeLessThan(1e-6);
    expect(maxRel(movingVariance as tf.Tensor, tf.add(tf.mul(variance, 0.1), 0.9))).toBeLessThan(1e-6);
    const plain = tf.layers.batchNormalization({ scale: false, center: false });
    const yp = plain.apply(x, { training: true }) as tf.Tensor;
    expect(maxRel(yp, tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3))))).toBeLessThan(1e-5);
    // Inference still normalises by the moving statistics (tfjs-layers' own code).
    const yi = layer.apply(x, { training: false }) as tf.Tensor;
    const byMoving = tf.div(tf.sub(x, movingMean as tf.Tensor), tf.sqrt(tf.add(movingVariance as tf.Tensor, 1e-3)));
    expect(maxRel(yi, byMoving)).toBeLessThan(1e-5);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      layer.apply(x, { training: true });
    });
    expect(tf.memory().numTensors).toBe(before); // nothing kept past the call but the moved statistics
  });
});
