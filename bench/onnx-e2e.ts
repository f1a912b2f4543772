/**
 * End-to-end segmentation with ONNX Runtime against its model-only throughput: the shipped
 * scene-water U-Net over a 4096 x 4096 4-band scene (`tilecast run pipelines/scene-water.yaml
 * --runtime onnx`, reading, normalising, predicting, Hann-stitching and writing), in tiles/s,
 * beside the same session fed random batches of the same windows (8 x 96 x 96 x 4) with nothing
 * else to do. Target (ONNX issue): end to end at least 0.85x model-only.
 *
 *   node --import tsx bench/onnx-e2e.ts
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { loadModelDir, OnnxSession, onnxBytesFor, selectBackend } from "../src/index.js";

const SIZE = Number(process.env.BENCH_E2E_SIZE ?? 4096);
const PYTHON = process.env.TILECAST_PYTHON ?? "/usr/bin/python3";

async function modelOnly(): Promise<number> {
  await selectBackend({ prefer: "wasm" });
  const { model } = await loadModelDir("models/scene-water");
  const session = await OnnxSession.create((await onnxBytesFor(model)).bytes);
  const shape = [8, 96, 96, 4];
  const data = tf.randomNormal(shape, 0, 1, "float32", 1).dataSync() as Float32Array;
  await session.run(data, shape);
  const reps = 60;
  const t = performance.now();
  for (let i = 0; i < reps; i++) await session.run(data, shape);
  await session.release();
  return (8 * reps) / ((performance.now() - t) / 1000);
}

async function main(): Promise<void> {
  mkdirSync("bench/data", { recursive: true });
  const scene = `bench/data/scene-${SIZE}.tif`;
  if (!existsSync(scene)) spawnSync(PYTHON, ["bench/make-scene.py", scene, String(SIZE)], { stdio: "inherit" });
  const alone = await modelOnly();
  const out = "bench/data/out-water-onnx.tif";
  const r = spawnSync(
    process.execPath,
    [
      "bin/tilecast.js",
      "run",
      "pipelines/scene-water.yaml",
      "--set",
      `input.path=${process.cwd()}/${scene}`,
      "--set",
      `output.path=${process.cwd()}/${out}`,
      "--set",
      `output.quicklook=${process.cwd()}/${out}.png`,
      "--runtime",
      "onnx",
      "--log-format",
      "json",
      "-q",
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(r.stderr.trim().split("\n").pop());
  const s = JSON.parse(r.stdout) as { tilesWritten: number; seconds: number; peakRssMB: number; runtime: string };
  rmSync(out, { force: true });
  rmSync(`${out}.png`, { force: true });
  const e2e = s.tilesWritten / s.seconds;
  console.log(
    JSON.stringify({
      scene: `${SIZE}x${SIZE}x4`,
      runtime: s.runtime,
      modelOnly: alone,
      endToEnd: e2e,
      ratio: e2e / alone,
      seconds: s.seconds,
      peakRssMB: s.peakRssMB,
    }),
  );
}

main().catch((e) => {
  console.error(`onnx-e2e: ${(e as Error).message}`);
  process.exit(1);
});
