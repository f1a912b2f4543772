/**
 * One backend's speed on the periodic global CNN, as one JSON line: 4 residual blocks of 32
 * filters on one 721 x 1440 x 4 state (75,300 parameters, the same as bench/globalcnn_torch.py).
 * Inference: steps/s over BENCH_INFER_REPS forecast steps after one warm-up step. Training:
 * steps/s over BENCH_TRAIN_STEPS Adam steps (MSE) after one warm-up step. The backend is `wasm`,
 * `tensorflow` or `onnx` (ONNX Runtime on the exported model; inference only). A batch of one
 * cannot be split, so wasm runs on this thread. On `tensorflow` a forecast step runs the model as
 * one TensorFlow graph, as a pipeline does. BENCH_ONLY=infer|train times one of the two.
 *
 *   node --import tsx bench/globalcnn-speed.ts tensorflow
 */
import * as tf from "@tensorflow/tfjs";
import { exportOnnx, globalCnn, inferenceModel, OnnxSession, selectBackend } from "../src/index.js";
import { lossFunction } from "../src/train/index.js";
import { BENCH_GLOBAL_CNN } from "./bench-models.mjs";
import { rate } from "./rate.js";

const SHAPE = [1, 721, 1440, 4];

async function main(): Promise<void> {
  const side = process.argv[2] ?? "wasm";
  const onnx = side === "onnx";
  const backend = await selectBackend({ prefer: onnx ? "wasm" : side });
  const model = globalCnn(BENCH_GLOBAL_CNN);
  const x = tf.randomNormal(SHAPE, 0, 1, "float32", 1);
  const y = tf.randomNormal(SHAPE, 0, 1, "float32", 2);
  const only = process.env.BENCH_ONLY;
  const reps = Number(process.env.BENCH_INFER_REPS ?? "3");
  let infer = 0;
  if (only !== "train" && onnx) {
    const session = await OnnxSession.create(exportOnnx(model));
    const data = x.dataSync() as Float32Array;
    infer = await rate(1, reps, async () => {
      await session.run(data, SHAPE);
    });
    await session.release();
  } else if (only !== "train") {
    // On native TensorFlow as a pipeline runs it: folded, as one graph (TILECAST_TF_GRAPH=0: op by op).
    const graph = backend.backend === "tensorflow" ? await inferenceModel(model) : null;
    infer = await rate(1, reps, async () => {
      const p = graph ? graph.predict(x) : (model.predict(x) as tf.Tensor);
      await p.data();
      p.dispose();
    });
    graph?.dispose();
  }
  let train = 0;
  if (only !== "infer" && !onnx) {
    const optimizer = tf.train.adam(1e-3);
    const mse = lossFunction("mse");
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    train = await rate(1, Number(process.env.BENCH_TRAIN_STEPS ?? "2"), async () => {
      optimizer.minimize(() => mse(y, model.apply(x, { training: true }) as tf.Tensor), true, vars)?.dispose();
    });
  }
  const tool = onnx ? "tilecast ONNX Runtime" : `tilecast ${backend.backend}`;
  console.log(
    JSON.stringify({ tool, params: model.countParams(), inferenceStepsPerSec: infer, trainStepsPerSec: train }),
  );
}

main().catch((e) => {
  console.error(`globalcnn-speed: ${(e as Error).message}`);
  process.exit(1);
});
