// Each ONNX Runtime execution provider that starts here, on the bench's models, as one JSON line
// per model and provider: the provider the session really started on, its start time, the first
// run (a GPU provider compiles its kernels there), the rate after it, and the largest difference
// from the CPU provider's output on the same input. Made for a machine with a GPU: the CPU
// provider (every core, one session, spinning) is the baseline a GPU provider has to beat.
//
//   node bench/onnx-providers.mjs [providers, default webgpu,cuda,cpu] [models, default all]
//
// A provider `auto` leaves TILECAST_ONNX_PROVIDERS unset: the session starts on the best provider
// tilecast offers here (the row gives the one it started on).
// Models: `unet` (the bench U-Net, depth 3, 16 filters, 128 x 128 x 4, batches of 8 and 64),
// `global-cnn` (4 blocks x 32, one 721 x 1440 x 4 state), `convlstm` ([16, 16], 8 sequences of
// 4 -> 6 frames at 64 x 64), `water` (the shipped water U-Net, 256 tiles of 64 x 64 x 4).
// Imports the built package (`npm run build`).
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import * as tf from "@tensorflow/tfjs";
import { convLstmNowcaster, exportOnnx, globalCnn, OnnxSession, selectBackend, unet } from "../dist/index.js";
import { BENCH_CONVLSTM, BENCH_GLOBAL_CNN, BENCH_UNET } from "./bench-models.mjs";

const providers = (process.argv[2] ?? "webgpu,cuda,cpu").split(",");
const wanted = (process.argv[3] ?? "unet,global-cnn,convlstm,water").split(",");
const seconds = Number(process.env.BENCH_SECONDS ?? 3);

/** Deterministic inputs: a fixed pseudo-random sequence in [-2, 2). */
function input(n) {
  const a = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = (s / 2 ** 32) * 4 - 2;
  }
  return a;
}

function maxDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function time(name, bytes, dims, unit) {
  const data = input(dims.reduce((a, b) => a * b, 1));
  let reference = null;
  // The CPU first: its output is the one the others are compared with.
  const order = [...providers.filter((p) => p === "cpu"), ...providers.filter((p) => p !== "cpu")];
  for (const provider of order) {
    if (provider === "auto") delete process.env.TILECAST_ONNX_PROVIDERS;
    else process.env.TILECAST_ONNX_PROVIDERS = provider;
    const t0 = performance.now();
    let session;
    try {
      session = await OnnxSession.create(bytes, { threads: availableParallelism(), spin: true });
    } catch (e) {
      console.log(JSON.stringify({ model: name, provider, error: String(e.message).split("\n")[0].slice(0, 300) }));
      continue;
    }
    const start = performance.now() - t0;
    const t1 = performance.now();
    const first = await session.run(data.slice(), dims);
    const firstMs = performance.now() - t1;
    let reps = 0;
    const t2 = performance.now();
    while (performance.now() - t2 < seconds * 1000 || reps < 3) {
      await session.run(data.slice(), dims);
      reps++;
    }
    const rate = (reps * dims[0]) / ((performance.now() - t2) / 1000);
    await session.release();
    if (provider === "cpu") reference = first.data;
    const diff = reference && provider !== "cpu" ? maxDiff(first.data, reference) : null;
    console.log(
      JSON.stringify({
        model: name,
        batch: dims[0],
        provider: session.provider,
        ...(provider === "auto" ? { asked: "auto" } : {}),
        startMs: Math.round(start),
        firstRunMs: Math.round(firstMs),
        rate: Number(rate.toFixed(2)),
        unit,
        reps,
        maxDiffFromCpu: diff,
      }),
    );
  }
}

await selectBackend({ prefer: "wasm" });
if (wanted.includes("unet")) {
  const bytes = exportOnnx(unet(BENCH_UNET));
  await time("bench U-Net", bytes, [8, 128, 128, 4], "tiles/s");
  await time("bench U-Net", bytes, [64, 128, 128, 4], "tiles/s");
}
if (wanted.includes("global-cnn")) {
  const g = globalCnn(BENCH_GLOBAL_CNN);
  await time("global CNN", exportOnnx(g), [1, 721, 1440, 4], "steps/s");
}
if (wanted.includes("convlstm")) {
  const m = convLstmNowcaster(BENCH_CONVLSTM);
  await time("ConvLSTM", exportOnnx(m), [8, 4, 64, 64, 1], "sequences/s");
}
if (wanted.includes("water")) {
  const bytes = readFileSync(new URL("../models/scene-water/model.onnx", import.meta.url));
  await time("shipped water U-Net", bytes, [256, 64, 64, 4], "tiles/s");
}
tf.disposeVariables();
