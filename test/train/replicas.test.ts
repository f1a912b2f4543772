import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { architectureNames, buildArchitecture } from "../../src/models/registry.js";
import { unet } from "../../src/models/unet.js";
import { selectBackend } from "../../src/nn/backend.js";
import { lossFunction } from "../../src/train/losses.js";
import { ReplicaPool } from "../../src/train/replicas/pool.js";
import { shardSizes, splitRows, weightedMean } from "../../src/train/replicas/shards.js";
import { fit, type TrainBatch } from "../../src/train/trainer.js";

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
});

const values = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

function maxDiff(a: number[][], b: number[][]): number {
  return Math.max(...a.map((w, i) => Math.max(...w.map((v, j) => Math.abs(v - (b[i]?.[j] as number))))));
}

describe("shards", () => {
  it("splits a batch into contiguous near-equal shares, largest first", () => {
    expect(shardSizes(8, 2)).toEqual([4, 4]);
    expect(shardSizes(7, 3)).toEqual([3, 2, 2]);
    expect(shardSizes(1, 4)).toEqual([1]);
    const rows = splitRows(Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2], [2, 1]);
    expect(rows.map((r) => Array.from(r))).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
    expect(Array.from(weightedMean([Float32Array.from([2, 4]), Float32Array.from([8, 0])], [0.75, 0.25]))).toEqual([
      3.5, 3,
    ]);
  });
});

describe("ReplicaPool", () => {
  // A U-Net without batch norm: with a mean loss over equal shares the averaged gradients are
  // the whole batch's, so a pool step and a step on this thread give the same weights.
  const plain = () => unet({ inputShape: [8, 8, 2], depth: 1, filters: 3, seed: 5, batchNorm: false });
  let x: tf.Tensor;
  let y: tf.Tensor;
  beforeAll(() => {
    x = tf.randomNormal([4, 8, 8, 2], 0, 1, "float32", 7);
    y = tf.tidy(() => x.slice([0, 0, 0, 0], [-1, -1, -1, 1]).greater(0).toFloat());
  });
  const pools: ReplicaPool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it("predicts what the model predicts, over uneven shares", async () => {
    const m = plain();
    const pool = await ReplicaPool.create(m, { replicas: 2 });
    pools.push(pool);
    const x5 = tf.randomNormal([5, 8, 8, 2], 0, 1, "float32", 9);
    const want = m.predict(x5) as tf.Tensor;
    const got = await pool.predict(x5);
    expect(got.shape).toEqual([5, 8, 8, 1]);
    expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-6);
    // New weights reach the replicas (set here, not by a pool step).
    m.setWeights(m.getWeights().map((w) => tf.mul(w, 0.5)));
    const again = await pool.predict(x5);
    const want2 = m.predict(x5) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(again, want2))).dataSync()[0]).toBeLessThan(1e-6);
    expect(tf.max(tf.abs(tf.sub(again, got))).dataSync()[0]).toBeGreaterThan(1e-3);
    // A batch of one reaches one replica; a later, larger batch still meets current weights on all.
    m.setWeights(m.getWeights().map((w) => tf.mul(w, 2)));
    await pool.predict(x5.slice([0], [1]));
    const x8 = tf.randomNormal([8, 8, 8, 2], 0, 1, "float32", 10);
    const all = await pool.predict(x8);
    expect(tf.max(tf.abs(tf.sub(all, m.predict(x8) as tf.Tensor))).dataSync()[0]).toBeLessThan(1e-6);
  });

  it("takes the step one thread would on the whole batch", async () => {
    const there = plain();
    // The same loss as the pool's, through tilecast's loss on this thread.
    const bce = lossFunction("binary-crossentropy");
    const here2 = plain();
    let local = 0;
    const opt2 = tf.train.adam(0.01);
    const vars2 = here2.trainableWeights.map((w) => w.read() as tf.Variable);
    for (let i = 0; i < 3; i++) {
      const l = opt2.minimize(() => bce(y, here2.apply(x, { training: true }) as tf.Tensor), true, vars2) as tf.Scalar;
      local = l.dataSync()[0] as number;
      l.dispose();
    }
    const pool = await ReplicaPool.create(there, { replicas: 2, loss: "binary-crossentropy" });
    pools.push(pool);
    const opt3 = tf.train.adam(0.01);
    let shared = 0;
    for (let i = 0; i < 3; i++) shared = await pool.step(opt3, { x, y });
    expect(Math.abs(shared - local)).toBeLessThan(1e-5);
    expect(maxDiff(values(there), values(here2))).toBeLessThan(1e-5);
    // and the steps moved the weights
    expect(maxDiff(values(there), values(plain()))).toBeGreaterThan(1e-3);
  });

  it("passes a boolean mask to each share; equal valid cells per share give the whole batch's step", async () => {
    const mse = lossFunction("mse");
    // The same cells masked out in every sample: each share has as many valid cells.
    const mask = tf.tidy(() => tf.tile(tf.randomUniform([1, 8, 8, 1], 0, 1, "float32", 3).greater(0.3), [4, 1, 1, 1]));
    expect(mask.dtype).toBe("bool");
    const here = plain();
    const vars = here.trainableWeights.map((w) => w.read() as tf.Variable);
    const opt = tf.train.sgd(0.5);
    const local = opt.minimize(() => mse(y, here.apply(x) as tf.Tensor, { mask }), true, vars) as tf.Scalar;
    const there = plain();
    const pool = await ReplicaPool.create(there, { replicas: 2, loss: "mse" });
    pools.push(pool);
    const shared = await pool.step(tf.train.sgd(0.5), { x, y, mask });
    expect(shared).toBeCloseTo(local.dataSync()[0] as number, 5);
    expect(maxDiff(values(there), values(here))).toBeLessThan(1e-5);
    // and the mask mattered: the same model's loss over every cell differs
    const unmasked = mse(y, plain().predict(x) as tf.Tensor).dataSync()[0] as number;
    expect(Math.abs(unmasked - shared)).toBeGreaterThan(1e-4);
  });

  it("averages batch norm's moving statistics over the shares", async () => {
    // Input straight into batch norm: after one step from zero, the moving mean is
    // (1 - momentum) x the batch's channel means, whichever share each replica saw.
    const input = tf.input({ shape: [4, 4, 2] });
    const bn = tf.layers.batchNormalization({ momentum: 0.9 });
    const m = tf.model({ inputs: input, outputs: bn.apply(input) as tf.SymbolicTensor });
    const xb = tf.tensor4d(
      Array.from({ length: 4 * 4 * 4 * 2 }, (_, i) => (i % 2 === 0 ? i % 7 : -(i % 5))),
      [4, 4, 4, 2],
    );
    const pool = await ReplicaPool.create(m, { replicas: 2, loss: "mse" });
    pools.push(pool);
    await pool.step(tf.train.sgd(0.1), { x: xb, y: tf.zerosLike(xb) });
    const data = xb.dataSync();
    const mean = [0, 1].map((c) => {
      let s = 0;
      for (let i = c; i < data.length; i += 2) s += data[i] as number;
      return s / (data.length / 2);
    });
    const moving = m.weights.find((w) => w.name.includes("moving_mean"));
    const got = Array.from(moving?.read().dataSync() ?? []);
    expect(got[0]).toBeCloseTo(0.1 * (mean[0] as number), 5);
    expect(got[1]).toBeCloseTo(0.1 * (mean[1] as number), 5);
  });

  it("fit with two replicas trains as one thread does", async () => {
    const batches = async function* (epoch: number): AsyncGenerator<TrainBatch> {
      for (let i = 0; i < 2; i++) {
        const xb = tf.randomNormal([4, 8, 8, 2], 0, 1, "float32", 100 * epoch + i + 1);
        yield { x: xb, y: tf.tidy(() => xb.slice([0, 0, 0, 0], [-1, -1, -1, 1]).greater(0).toFloat()) };
      }
    };
    const run = async (replicas: number) => {
      const m = plain();
      const r = await fit(m, { epochs: 3, loss: "binary-crossentropy", train: batches, validation: batches, replicas });
      return { m, r };
    };
    const one = await run(1);
    const two = await run(2);
    expect(two.r.history.map((h) => h.loss)).toEqual(one.r.history.map((h) => expect.closeTo(h.loss, 5)));
    expect(two.r.history.at(-1)?.valLoss).toBeCloseTo(one.r.history.at(-1)?.valLoss as number, 5);
    expect(maxDiff(values(two.m), values(one.m))).toBeLessThan(1e-4);
    expect(two.r.history.at(-1)?.loss).toBeLessThan(two.r.history[0]?.loss as number);
  });

  it("runs every architecture: custom layers (periodic padding, repeated frames) load in the workers", async () => {
    const options: Record<string, Record<string, unknown>> = {
      unet: { seed: 1, depth: 1, filters: 4 },
      convlstm: { seed: 1, inputFrames: 3, outputFrames: 2, filters: [4] },
      "global-cnn": { seed: 1, blocks: 2, filters: 4 },
    };
    for (const name of architectureNames()) {
      const m = buildArchitecture(name, options[name] ?? {}, {
        bands: name === "convlstm" ? 3 : 2,
        height: 8,
        width: 16,
      });
      const shape = (m.inputs[0]?.shape ?? []).map((d) => d ?? 3) as number[]; // a batch of 3: shares 2 and 1
      const xs = tf.randomNormal(shape, 0, 1, "float32", 11);
      const pool = await ReplicaPool.create(m, { replicas: 2, loss: "mse" });
      pools.push(pool);
      const want = m.predict(xs) as tf.Tensor;
      const got = await pool.predict(xs);
      expect(got.shape, name).toEqual(want.shape);
      expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0], name).toBeLessThan(1e-5);
      const before = values(m);
      const loss = await pool.step(tf.train.sgd(0.01), { x: xs, y: tf.onesLike(want) });
      expect(Number.isFinite(loss), name).toBe(true);
      expect(maxDiff(values(m), before), name).toBeGreaterThan(0);
    }
  });

  it("says what is wrong: a bad replica count, a step without a loss", async () => {
    await expect(ReplicaPool.create(plain(), { replicas: 0 })).rejects.toThrow(/replicas must be a whole number/);
    const pool = await ReplicaPool.create(plain(), { replicas: 2 });
    pools.push(pool);
    await expect(pool.step(tf.train.sgd(0.1), { x, y })).rejects.toThrow(/created without a loss/);
    // A worker's failure names the replica and the problem; the pool keeps serving.
    await expect(pool.predict(tf.zeros([2, 8, 8, 5]))).rejects.toThrow(/^replica [12]: .*expected .* shape/);
    expect((await pool.predict(x)).shape).toEqual([4, 8, 8, 1]);
  });
});
