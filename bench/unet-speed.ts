/**
 * One backend's U-Net speed, as one JSON line: the bench configuration (depth 3, 16/32/64
 * filters and a 128-filter bottleneck, batch norm, transposed upsampling; 484,993 parameters,
 * the same as bench/unet_torch.py) on 8 x 128 x 128 x 4 tiles. Inference: tiles/s over 10
 * batches after 2 warm-up batches. Training: tiles/s over `steps` Adam steps (binary
 * cross-entropy) after one warm-up step; 0 steps skips it. On the single-threaded wasm and cpu
 * backends the model runs in one worker replica per core (ReplicaPool: the batch split, gradients
 * averaged), as `tilecast train` does; BENCH_REPLICAS sets the count (1: this thread).
 *
 *   node --import tsx bench/unet-speed.ts wasm [steps]
 */
import { availableParallelism } from "node:os";
import * as tf from "@tensorflow/tfjs";
import { inferenceModel, selectBackend, unet } from "../src/index.js";
import { ReplicaPool } from "../src/train/index.js";
import { rate } from "./rate.js";

async function main(): Promise<void> {
  const backend = await selectBackend({ prefer: process.argv[2] ?? "wasm" });
  const steps = Number(process.argv[3] ?? "5");
  const inferReps = Number(process.argv[4] ?? "10");
  const model = unet({ inputShape: [128, 128, 4], depth: 3, filters: 16, seed: 1 });
  const x = tf.randomNormal([8, 128, 128, 4], 0, 1, "float32", 1);
  const y = tf.tidy(() => tf.randomUniform([8, 128, 128, 1], 0, 1, "float32", 2).round());
  const only = process.env.BENCH_ONLY; // "infer" or "train": time just that
  const single = backend.backend === "tensorflow" ? 1 : availableParallelism();
  const replicas = Number(process.env.BENCH_REPLICAS ?? single);
  const pool = replicas > 1 ? await ReplicaPool.create(model, { replicas, loss: "binary-crossentropy" }) : null;
  // Inference as tilecast runs it: batch norm folded into the convolutions (replicas fold too),
  // on native TensorFlow as one graph (`inferenceModel`; TILECAST_TF_GRAPH=0: op by op).
  const runner = pool || only === "train" ? null : await inferenceModel(model);
  const infer =
    only === "train"
      ? 0
      : await rate(8, inferReps, async () => {
          const p = pool ? await pool.predict(x) : (runner?.predict(x) as tf.Tensor);
          await p.data();
          p.dispose();
        });
  let train = 0;
  if (steps > 0 && only !== "infer") {
    const optimizer = tf.train.adam(1e-3);
    model.compile({ optimizer, loss: "binaryCrossentropy" });
    train = await rate(8, steps, async () => {
      if (pool) await pool.step(optimizer, { x, y });
      else await model.trainOnBatch(x, y);
    });
  }
  await pool?.close();
  runner?.dispose();
  console.log(
    JSON.stringify({
      tool: `tilecast ${backend.backend}`,
      threads: backend.threads,
      replicas,
      graph: runner?.graph ?? false,
      params: model.countParams(),
      inferenceTilesPerSec: infer,
      trainTilesPerSec: train,
    }),
  );
}

main().catch((e) => {
  console.error(`unet-speed: ${(e as Error).message}`);
  process.exit(1);
});
