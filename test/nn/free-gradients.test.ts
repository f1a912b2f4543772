/**
 * Intermediate gradients freed once backpropagation has used them: the same gradients, a lower
 * peak of tensor memory, nothing leaked, and never a gradient the caller passed in or one that is
 * handed back (on the cpu backend).
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { unet } from "../../src/models/unet.js";
import { freeGradientsEarly } from "../../src/nn/free-gradients.js";

/** One training step's gradients of a small U-Net, and the step's peak of tensor bytes. */
async function step(): Promise<{ grads: number[][]; peak: number; leaked: number }> {
  const model = unet({ inputShape: [32, 32, 2], depth: 2, filters: 4, seed: 3 });
  const x = tf.randomNormal([2, 32, 32, 2], 0, 1, "float32", 4);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const before = tf.memory().numTensors;
  const start = tf.memory().numBytes;
  let grads: number[][] = [];
  const p = await tf.profile(() => {
    const { value, grads: g } = tf.variableGrads(
      () => tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)),
      vars,
    );
    grads = vars.map((v) => Array.from((g[v.name] as tf.Tensor).dataSync()));
    tf.dispose([value, ...Object.values(g)]);
  });
  const leaked = tf.memory().numTensors - before;
  x.dispose();
  model.dispose();
  return { grads, peak: p.peakBytes - start, leaked };
}

describe("gradients freed early", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("gives tfjs's gradients with a lower peak of memory, and leaks nothing", async () => {
    freeGradientsEarly()(); // tfjs's own first (undo, if an import installed it)
    const stock = await step();
    const undo = freeGradientsEarly();
    let freed: Awaited<ReturnType<typeof step>>;
    try {
      freed = await step();
    } finally {
      undo();
    }
    expect(freed.grads).toStrictEqual(stock.grads);
    expect(freed.leaked).toBe(stock.leaked);
    expect(freed.peak).toBeLessThan(0.85 * stock.peak);
  });

  it("keeps a gradient the caller passed in, and gradients passed through unchanged", () => {
    const undo = freeGradientsEarly();
    try {
      const x = tf.tensor1d([1, -2, 3]);
      const dy = tf.tensor1d([0.5, 1, 2]);
      const g = tf.grad((a: tf.Tensor) => tf.relu(tf.add(tf.mul(a, a), 1)))(x, dy);
      expect(dy.isDisposed).toBe(false);
      expect(Array.from(g.dataSync())).toStrictEqual([1, -4, 12]); // 2 x dy
      const h = tf.grad((a: tf.Tensor) => tf.mul(tf.clone(tf.clone(tf.mul(a, 2))), 3))(x);
      expect(Array.from(h.dataSync())).toStrictEqual([6, 6, 6]);
      // A custom gradient that hands its dy on as it is: the node before must still get it.
      const pass = tf.customGrad(((a: tf.Tensor) => ({
        value: tf.clone(a),
        gradFunc: (d: tf.Tensor) => [d],
      })) as never);
      const k = tf.grad((a: tf.Tensor) => tf.mul(tf.exp(pass(tf.mul(a, 2)) as tf.Tensor), 3))(x);
      const want = Array.from(tf.mul(tf.exp(tf.mul(x, 2)), 6).dataSync());
      Array.from(k.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 3));
      // One tensor handed to two inputs that two different nodes made: both still get it.
      const both = tf.customGrad(((a: tf.Tensor, b: tf.Tensor) => ({
        value: tf.add(a, b),
        gradFunc: (d: tf.Tensor) => [d, d],
      })) as never);
      const m = tf.grad((a: tf.Tensor) => both(tf.mul(a, 2), tf.mul(a, 5)) as tf.Tensor)(x);
      expect(Array.from(m.dataSync())).toStrictEqual([7, 7, 7]);
      // A gradient of a gradient: d/dx (3 x^2) = 6 x.
      const second = tf.grad((a: tf.Tensor) => tf.grad((b: tf.Tensor) => tf.mul(tf.mul(b, b), b))(a))(x);
      expect(Array.from(second.dataSync())).toStrictEqual([6, -12, 18]);
      tf.dispose([x, dy, g, h, k, m, second]);
    } finally {
      undo();
    }
  });
});
