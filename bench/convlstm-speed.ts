/**
 * One backend's ConvLSTM nowcaster speed, as one JSON line: encoder [16, 16], 6 forecast frames
 * (65,361 parameters, the same as bench/convlstm_torch.py) on 8 sequences of 4 frames of
 * 64 x 64 x 1. Inference: sequences/s over BENCH_INFER_REPS batches after one warm-up batch.
 * Training: sequences/s over BENCH_TRAIN_STEPS Adam steps (MSE) after one warm-up step. On the
 * single-threaded wasm and cpu backends the model runs in one worker replica per core, as
 * `tilecast train` does; BENCH_REPLICAS sets the count (1: this thread). On native TensorFlow,
 * inference runs the model as one TensorFlow graph, as tilecast does (`inferenceModel`).
 * BENCH_ONLY=infer|train times one of the two.
 *
 *   node --import tsx bench/convlstm-speed.ts wasm
 */
import { availableParallelism } from "node:os";
import * as tf from "@tensorflow/tfjs";
import { convLstmNowcaster, inferenceModel, selectBackend } from "../src/index.js";
import { lossFunction, ReplicaPool } from "../src/train/index.js";
import { rate } from "./rate.js";

async function main(): Promise<void> {
  const backend = await selectBackend({ prefer: process.argv[2] ?? "wasm" });
  const replicas = Number(
    process.env.BENCH_REPLICAS ?? (backend.backend === "tensorflow" ? 1 : availableParallelism()),
  );
  const model = convLstmNowcaster({ inputFrames: 4, outputFrames: 6, height: 64, width: 64, channels: 1, seed: 1 });
  const x = tf.randomNormal([8, 4, 64, 64, 1], 0, 1, "float32", 1);
  const y = tf.randomNormal([8, 6, 64, 64, 1], 0, 1, "float32", 2);
  const pool = replicas > 1 ? await ReplicaPool.create(model, { replicas, loss: "mse" }) : null;
  const only = process.env.BENCH_ONLY;
  // On native TensorFlow as tilecast runs it: one graph, unrolled over the frames.
  const graph = backend.backend === "tensorflow" && only !== "train" ? await inferenceModel(model) : null;
  const infer =
    only === "train"
      ? 0
      : await rate(8, Number(process.env.BENCH_INFER_REPS ?? "5"), async () => {
          const p = pool ? await pool.predict(x) : graph ? graph.predict(x) : (model.predict(x) as tf.Tensor);
          await p.data();
          p.dispose();
        });
  graph?.dispose();
  let train = 0;
  if (only !== "infer") {
    const optimizer = tf.train.adam(1e-3);
    const mse = lossFunction("mse");
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    train = await rate(8, Number(process.env.BENCH_TRAIN_STEPS ?? "3"), async () => {
      if (pool) await pool.step(optimizer, { x, y });
      else optimizer.minimize(() => mse(y, model.apply(x, { training: true }) as tf.Tensor), true, vars)?.dispose();
    });
  }
  await pool?.close();
  const out = { tool: `tilecast ${backend.backend}`, replicas, params: model.countParams() };
  console.log(JSON.stringify({ ...out, inferenceSeqPerSec: infer, trainSeqPerSec: train }));
}

main().catch((e) => {
  console.error(`convlstm-speed: ${(e as Error).message}`);
  process.exit(1);
});
