/**
 * Training throughput of the streaming trainer against the same training on batches already in
 * memory: does the data path (read, normalize, augment, shuffle, batch) starve the model?
 *
 * - `BENCH_PART=stream`: `tilecast train` on the segmentation job (`scene-seg-train.yaml`, U-Net
 *   depth 3, 8 x 96² x 4 tiles a batch), samples per second over epochs 2 and 3, each from the
 *   end of the epoch before (its validation and checkpoint done) to its own last step: training
 *   only, data path included.
 * - `BENCH_PART=memory`: the same model, loss, optimizer and worker replicas (`train.replicas:
 *   auto`) through `fit()` on the same number of batches of the same shapes, made before the
 *   clock starts.
 *
 * Prints `{"samplesPerSec": N}`.
 *   BENCH_PART=stream node --import tsx bench/train-speed.ts
 */
import * as tf from "@tensorflow/tfjs";
import { buildArchitecture } from "../src/models/registry.js";
import { selectBackend } from "../src/nn/backend.js";
import { loadPipeline } from "../src/pipeline/config.js";
import { replicaCount, trainPipeline } from "../src/pipeline/train.js";
import { fit, type TrainBatch } from "../src/train/trainer.js";

const PART = process.env.BENCH_PART ?? "stream";
const EPOCHS = 3;

async function stream(): Promise<number> {
  const out = `/tmp/tilecast-bench-train-${process.pid}`;
  const p = await loadPipeline("pipelines/scene-seg-train.yaml", [
    `train.output=${out}`,
    `train.checkpoints=${out}.train`,
    `train.epochs=${EPOCHS}`,
    "train.onnx=false",
  ]);
  // Each epoch after the first is timed from the end of the one before (its validation and
  // checkpoint done) to its own last step: validation and checkpoints, which the in-memory side
  // does not do, stay out of the clock; reading, augmenting and batching stay in.
  let start = 0;
  let end = 0;
  let seconds = 0;
  let samples = 0;
  await trainPipeline(p, {
    force: true,
    onEpoch: (r) => {
      if (r.epoch >= 2) seconds += (end - start) / 1000;
      start = performance.now();
    },
    onStep: (epoch) => {
      if (epoch === 0) return;
      samples += p.train?.batch ?? 8;
      end = performance.now();
    },
  });
  return samples / seconds;
}

async function memory(): Promise<number> {
  const model = buildArchitecture(
    "unet",
    { depth: 3, filters: 8, classes: 4, seed: 7 },
    { bands: 4, height: null, width: null },
  );
  const steps = 5 * (EPOCHS - 1); // 40 training tiles a epoch, batches of 8
  const make = (i: number): TrainBatch => ({
    x: tf.randomNormal([8, 96, 96, 4], 0, 1, "float32", i + 1),
    y: tf.floor(tf.randomUniform([8, 96, 96, 1], 0, 4, "float32", i + 101)),
  });
  const replicas = replicaCount({ replicas: "auto", batch: 8 });
  const batches = Array.from({ length: steps + 1 }, (_, i) => make(i));
  // The clock runs from the end of the first (warm-up) step to the last: the replicas' start and
  // the first step's kernel setup are left out, as the stream part leaves out epoch 1.
  let t0 = 0;
  let t1 = 0;
  await fit(model, {
    epochs: 1,
    loss: ["categorical-crossentropy", "dice"],
    replicas,
    train: async function* () {
      yield* batches;
    },
    onStep: (_, step) => {
      if (step === 1) t0 = performance.now();
      t1 = performance.now();
    },
  });
  return (steps * 8) / ((t1 - t0) / 1000);
}

await selectBackend({ prefer: process.env.TILECAST_BACKEND ?? "wasm" });
const samplesPerSec = PART === "stream" ? await stream() : await memory();
process.stdout.write(`${JSON.stringify({ samplesPerSec: Math.round(samplesPerSec * 100) / 100 })}\n`);
