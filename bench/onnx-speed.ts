/**
 * ONNX Runtime beside TF.js (wasm) on the three architectures, as one JSON line per model:
 * the bench U-Net on 8 x 128 x 128 x 4 tiles (tiles/s), the ConvLSTM nowcaster ([16, 16] on
 * 8 sequences of 4 -> 6 frames at 64 x 64; sequences/s) and the periodic global CNN on one
 * 721 x 1440 x 4 state (steps/s). Inference only: training stays in TF.js.
 * `BENCH_SIDE=onnx` or `tfjs` times only that side (the harness times each in its own process);
 * the other field is then null. `BENCH_ONNX_PLAIN=1` times ONNX Runtime's own session instead of
 * tilecast's pool: one session on every core, threads spinning, whole batches one after another,
 * the speed ONNX Runtime itself gives this machine, beside which the pool's can be read.
 *
 *   node --import tsx bench/onnx-speed.ts
 */
import { availableParallelism } from "node:os";
import * as tf from "@tensorflow/tfjs";
import { convLstmNowcaster, exportOnnx, globalCnn, OnnxSessionPool, selectBackend, unet } from "../src/index.js";
import { pipelineSessions } from "../src/nn/onnx/index.js";
import { BENCH_CONVLSTM, BENCH_GLOBAL_CNN, BENCH_UNET } from "./bench-models.mjs";
import { rate } from "./rate.js";

async function both(name: string, model: tf.LayersModel, shape: number[], reps: number, unit: string): Promise<void> {
  const x = tf.randomNormal(shape, 0, 1, "float32", 1);
  const data = x.dataSync() as Float32Array;
  const n = shape[0] as number;
  const tfjs =
    SIDE === "onnx"
      ? null
      : await rate(n, reps, async () => {
          const p = model.predict(x) as tf.Tensor;
          await p.data();
          p.dispose();
        });
  let onnx: number | null = null;
  let provider: string | null = null;
  if (SIDE !== "tfjs" && PLAIN) {
    onnx = await plainOnnx(exportOnnx(model), data, shape, reps * 3);
    provider = "cpu (ONNX Runtime's own session)";
  } else if (SIDE !== "tfjs") {
    // As a pipeline runs it (`src/models/descriptors/onnx-predictor.ts`): a pool of one-thread
    // sessions, each given whole batches of its share of the n rows with one running and one
    // queued; or one session with every thread (spinning, it has the cores to itself) for a
    // one-row batch.
    const plan = pipelineSessions(n);
    const session = await OnnxSessionPool.create(exportOnnx(model), { ...plan, spin: plan.sessions === 1 });
    const rows = Math.ceil(n / plan.sessions);
    const part = data.subarray(0, rows * (data.length / n));
    const partShape = [rows, ...shape.slice(1)];
    const run = () => session.run(part, partShape, { whole: true });
    await Promise.all(Array.from({ length: plan.sessions }, run)); // warm-up: each session once
    const total = n * reps * 3;
    let started = 0;
    const feed = async () => {
      while (started < total) {
        started += rows;
        await run();
      }
    };
    const t = performance.now();
    await Promise.all(Array.from({ length: 2 * plan.sessions }, feed));
    onnx = started / ((performance.now() - t) / 1000);
    provider = session.provider;
    await session.release();
  }
  x.dispose();
  console.log(JSON.stringify({ model: name, unit, tfjs, onnx, provider, params: model.countParams() }));
}

/**
 * Rows per second of ONNX Runtime's own session on `data` (shape `shape`), without tilecast's
 * pool or worker threads: every core, spinning, `reps` whole batches after one warm-up batch.
 */
async function plainOnnx(bytes: Uint8Array, data: Float32Array, shape: number[], reps: number): Promise<number> {
  const ort = await import("onnxruntime-node"); // optional: loaded only for this
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: availableParallelism(),
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    executionMode: "sequential",
    extra: { session: { intra_op: { allow_spinning: "1" } } },
  });
  const feeds = { [session.inputNames[0] as string]: new ort.Tensor("float32", data, shape) };
  const r = await rate(shape[0] as number, reps, async () => {
    await session.run(feeds);
  });
  await session.release();
  return r;
}

/** Time ONNX Runtime's own session, not tilecast's pool (`BENCH_ONNX_PLAIN=1`). */
const PLAIN = process.env.BENCH_ONNX_PLAIN === "1";

/** The side to time: onnx, tfjs, or both (unset). */
const SIDE = process.env.BENCH_SIDE;

/** Models to time: BENCH_MODELS=unet,convlstm,global-cnn (default all). */
const MODELS = (process.env.BENCH_MODELS ?? "unet,convlstm,global-cnn").split(",");

async function main(): Promise<void> {
  await selectBackend({ prefer: "wasm" });
  if (MODELS.includes("unet"))
    await both("U-Net depth 3, 16 filters", unet(BENCH_UNET), [8, 128, 128, 4], 5, "tiles/s");
  if (MODELS.includes("convlstm")) {
    const lstm = convLstmNowcaster(BENCH_CONVLSTM);
    await both("ConvLSTM [16, 16], 4 -> 6 frames, 64 x 64", lstm, [8, 4, 64, 64, 1], 2, "sequences/s");
  }
  if (MODELS.includes("global-cnn")) {
    const g = globalCnn(BENCH_GLOBAL_CNN);
    await both("global CNN, 4 blocks x 32, 721 x 1440 x 4", g, [1, 721, 1440, 4], 1, "steps/s");
  }
}

main().catch((e) => {
  console.error(`onnx-speed: ${(e as Error).message}`);
  process.exit(1);
});
