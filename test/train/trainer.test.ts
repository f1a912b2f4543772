import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unet } from "../../src/models/unet.js";
import { loadCheckpoint } from "../../src/train/checkpoint.js";
import { segmentationScorer } from "../../src/train/scorers.js";
import { type FitOptions, fit, type TrainBatch } from "../../src/train/trainer.js";

const dir = mkdtempSync(join(tmpdir(), "tilecast-trainer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Epoch-seeded batches: class 1 where band 0 > 0 (so a U-Net learns it quickly). */
function batches(count: number, salt = 0) {
  return async function* (epoch: number): AsyncGenerator<TrainBatch> {
    for (let i = 0; i < count; i++) {
      const x = tf.randomNormal([4, 8, 8, 2], 0, 1, "float32", 1000 * epoch + i + salt + 1);
      const y = tf.tidy(() => x.slice([0, 0, 0, 0], [-1, -1, -1, 1]).greater(0).toFloat());
      yield { x, y };
    }
  };
}

const model = (batchNorm = true) => unet({ inputShape: [8, 8, 2], depth: 2, filters: 4, seed: 3, batchNorm });
const card = {
  architecture: { type: "unet", options: { depth: 2, filters: 4, seed: 3 } },
  inputs: [{ name: "a" }, { name: "b" }],
  outputs: [{ name: "c" }],
};
const weights = (m: tf.LayersModel) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));

function options(ck: string, epochs: number, period = 4): FitOptions {
  return {
    epochs,
    loss: "binary-crossentropy",
    schedule: { type: "cosine", lr: 0.05, epochs: period },
    train: batches(8),
    validation: batches(1, 500),
    scorer: () => segmentationScorer(),
    checkpoints: { dir: join(dir, ck), card, extra: { "stats.json": '{"bands":[]}\n' } },
  };
}

describe("fit", () => {
  it("lowers the loss, scores validation, and writes checkpoints, history and curves", async () => {
    // Without batch norm, whose moving averages lag behind so short a run, validation follows training.
    const r = await fit(model(false), options("plain", 8, 8));
    expect(r.epochs).toBe(8);
    expect(r.history.map((h) => h.epoch)).toStrictEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const [first, last] = [r.history[0], r.history[7]] as const;
    expect(last?.loss).toBeLessThan((first?.loss as number) * 0.7);
    // Predicting class 1 everywhere scores IoU ≈ 0.5 (half the pixels): the model must beat it.
    expect(last?.metrics.iou).toBeGreaterThan(0.6);
    expect(last?.metrics.iou).toBeGreaterThan((first?.metrics.iou as number) + 0.15);
    expect(r.history.map((h) => h.samples)).toStrictEqual(Array(8).fill(32));
    expect(r.history[4]?.lr).toBeCloseTo(0.025, 9); // cosine at epoch index 4 of 8: 0.05 · (1 + cos π/2) / 2
    const ck = join(dir, "plain");
    for (const f of [
      "last/model.json",
      "last/card.json",
      "last/optimizer.bin",
      "last/trainer.json",
      "last/stats.json",
      "best/model.json",
      "best/stats.json",
      "history.json",
    ])
      expect(existsSync(join(ck, f)), f).toBe(true);
    expect(existsSync(join(ck, "best/optimizer.bin"))).toBe(false);
    expect(readFileSync(join(ck, "curves.png")).subarray(1, 4).toString()).toBe("PNG");
    const history = JSON.parse(readFileSync(join(ck, "history.json"), "utf8"));
    expect(history).toHaveLength(8);
    const bestCard = JSON.parse(readFileSync(join(ck, "best/card.json"), "utf8"));
    expect(bestCard.training.epoch).toBe(r.bestEpoch);
  });

  it("a run stopped after epoch 2 and resumed for 2 more ends with the weights of 4 straight", async () => {
    await fit(model(), options("a", 4));
    await fit(model(), options("b", 2));
    const ck = await loadCheckpoint(join(dir, "b"));
    expect(ck?.state.epoch).toBe(2);
    const resumed = await fit(ck?.model as tf.LayersModel, { ...options("b", 4), resume: ck ?? undefined });
    expect(resumed.history.map((h) => h.epoch)).toStrictEqual([1, 2, 3, 4]);
    const straight = await loadCheckpoint(join(dir, "a"));
    const a = weights(straight?.model as tf.LayersModel);
    expect(resumed.epochs).toBe(4);
    const b = weights((await loadCheckpoint(join(dir, "b")))?.model as tf.LayersModel);
    expect(a.length).toBe(b.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
    expect(worst).toBeLessThan(1e-5);
    // Resuming with fresh optimizer moments instead lands elsewhere: the comparison can tell.
    const again = await loadCheckpoint(join(dir, "b"));
    const half = await loadCheckpoint(join(dir, "a"));
    expect(half).not.toBeNull();
    const cold = { ...(again as NonNullable<typeof again>), optimizer: [] };
    cold.state = { ...cold.state, epoch: 2, history: cold.state.history.slice(0, 2) };
    const m2 = (await loadCheckpoint(join(dir, "b")))?.model as tf.LayersModel;
    await fit(m2, { ...options("c", 4), resume: cold });
    const c = weights((await loadCheckpoint(join(dir, "c")))?.model as tf.LayersModel);
    let drift = 0;
    for (let i = 0; i < a.length; i++) drift = Math.max(drift, Math.abs((a[i] as number) - (c[i] as number)));
    expect(drift).toBeGreaterThan(1e-3);
  });

  it("early stopping ends a run that stops improving", async () => {
    const r = await fit(model(), {
      epochs: 6,
      loss: "mse",
      schedule: { type: "constant", lr: 1e-9 },
      train: batches(1),
      validation: batches(1, 7),
      earlyStopping: { patience: 2, minDelta: 0.01 },
    });
    expect(r.stoppedEarly).toBe(true);
    expect(r.epochs).toBe(3);
    expect(r.bestEpoch).toBe(1);
  });

  it("a NaN loss stops the run with the epoch and step", async () => {
    const bad = async function* (): AsyncGenerator<TrainBatch> {
      yield { x: tf.fill([1, 16, 16, 2], Number.NaN), y: tf.zeros([1, 16, 16, 1]) };
    };
    await expect(fit(model(), { epochs: 1, loss: "mse", train: bad })).rejects.toThrow(
      /loss became NaN at epoch 1, step 1/,
    );
  });

  it("every batch is released and its tensors freed, also when a step fails", async () => {
    let released = 0;
    const src = async function* (): AsyncGenerator<TrainBatch> {
      for (let i = 0; i < 3; i++)
        yield { x: tf.ones([1, 16, 16, 2]), y: tf.ones([1, 16, 16, 1]), release: () => released++ };
    };
    const m = model();
    await fit(m, { epochs: 1, loss: "mse", train: src });
    const before = tf.memory().numTensors;
    await fit(m, { epochs: 1, loss: "mse", train: src });
    expect(tf.memory().numTensors).toBe(before);
    expect(released).toBe(6);
  });
});
