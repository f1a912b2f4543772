/**
 * Where ONNX Runtime's time goes on the bench U-Net (the model of the "U-Net inference, ONNX
 * Runtime" row): one one-thread session, as a pipeline's pool runs each of its sessions, with
 * ONNX Runtime's own profiler on, over `BENCH_PROFILE_RUNS` batches (default 20) of
 * `BENCH_PROFILE_TILES` 128 x 128 x 4 tiles (default 4, a pool of two's share of 8) after three
 * warm-up batches. Prints each operator's milliseconds a batch and share, and the rate of the
 * convolutions in GFLOP/s from the model's multiply-adds (2 flops each).
 *
 *   node --import tsx bench/onnx-profile.ts
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { exportOnnx, selectBackend, unet } from "../src/index.js";
import type { tf } from "../src/tfjs.js";

/** Multiply-adds of one tile through the model's convolutions (transposed ones apart). */
function multiplyAdds(model: tf.LayersModel): { conv: number; transposed: number } {
  const out = { conv: 0, transposed: 0 };
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind !== "Conv2D" && kind !== "Conv2DTranspose") continue;
    const [, inH, inW, inC] = (layer.input as tf.SymbolicTensor).shape as number[];
    const [, outH, outW, outC] = (layer.output as tf.SymbolicTensor).shape as number[];
    const [kh, kw] = (layer.getConfig().kernelSize as number[]) ?? [1, 1];
    const perPixel = (kh as number) * (kw as number) * (inC as number) * (outC as number);
    if (kind === "Conv2D") out.conv += perPixel * (outH as number) * (outW as number);
    else out.transposed += perPixel * (inH as number) * (inW as number);
  }
  return out;
}

async function main(): Promise<void> {
  await selectBackend({ prefer: "cpu" });
  const runs = Number(process.env.BENCH_PROFILE_RUNS ?? 20);
  const tiles = Number(process.env.BENCH_PROFILE_TILES ?? 4);
  const model = unet({ inputShape: [128, 128, 4], depth: 3, filters: 16, seed: 1 });
  const dir = mkdtempSync(join(tmpdir(), "tilecast-onnx-profile-"));
  const session = await ort.InferenceSession.create(exportOnnx(model), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    executionMode: "sequential",
    enableProfiling: true,
    profileFilePrefix: join(dir, "profile"),
  });
  const data = Float32Array.from({ length: tiles * 128 * 128 * 4 }, (_, i) => Math.sin(i));
  const feeds = { [session.inputNames[0] as string]: new ort.Tensor("float32", data, [tiles, 128, 128, 4]) };
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await session.run(feeds);
  const wall = (performance.now() - t0) / runs;
  session.endProfiling(); // writes <prefix>_<time>.json (onnxruntime-node returns no name)
  const file = readdirSync(dir).find((f) => f.endsWith(".json"));
  if (!file) throw new Error(`ONNX Runtime wrote no profile in ${dir}`);
  const events = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
    cat: string;
    name: string;
    ts: number;
    dur: number;
    args: { op_name?: string };
  }[];
  rmSync(dir, { recursive: true, force: true });
  // The timed batches only: operators from the start of the first of them (a `model_run` event
  // marks each batch).
  const starts = events.filter((e) => e.name === "model_run").map((e) => e.ts);
  if (starts.length < runs)
    throw new Error(`the profile marks ${starts.length} batches, not ${runs}: cannot tell them apart`);
  const from = starts.sort((a, b) => a - b)[starts.length - runs] as number;
  const byOp = new Map<string, number>();
  for (const e of events)
    if (e.cat === "Node" && e.name.endsWith("_kernel_time") && e.ts >= from) {
      const op = e.args.op_name ?? "?";
      byOp.set(op, (byOp.get(op) ?? 0) + e.dur / 1000);
    }
  const total = [...byOp.values()].reduce((a, b) => a + b, 0) / runs;
  console.log(
    `${tiles} tiles a batch, one thread: ${wall.toFixed(1)} ms a batch (${((tiles * 1000) / wall).toFixed(1)} tiles/s)`,
  );
  for (const [op, ms] of [...byOp].sort((a, b) => b[1] - a[1]))
    console.log(
      `  ${op.padEnd(16)} ${(ms / runs).toFixed(2).padStart(7)} ms  ${((100 * ms) / runs / total).toFixed(1).padStart(5)} %`,
    );
  const macs = multiplyAdds(model);
  const convMs = (byOp.get("Conv") ?? 0) / runs;
  console.log(
    `convolutions: ${(macs.conv / 1e6).toFixed(1)} M multiply-adds a tile (transposed: ${(macs.transposed / 1e6).toFixed(1)} M), ` +
      `${((2 * macs.conv * tiles) / (convMs / 1000) / 1e9).toFixed(1)} GFLOP/s`,
  );
}

main().catch((e) => {
  console.error(`onnx-profile: ${(e as Error).message}`);
  process.exit(1);
});
