/**
 * End-to-end segmentation with ONNX Runtime against its model-only throughput: the shipped
 * scene-water U-Net over a 4096 x 4096 4-band scene (`tilecast run pipelines/scene-water.yaml
 * --runtime onnx`, reading, normalising, predicting, Hann-stitching, writing and drawing the
 * quicklook), in tiles/s, beside the same session fed batches of the same windows
 * (8 x 96 x 96 x 4) with nothing else to do. Target (ONNX issue): end to end at least 0.85x
 * model-only.
 *
 * Run directly, both are measured with ONNX Runtime on every core and on all cores but one
 * (`TILECAST_ONNX_THREADS`), alternating, `BENCH_E2E_REPS` times each (default 3), medians
 * reported: on a small machine the model and the data path share the cores, and the second
 * setting shows whether the data path keeps up when it has one to itself. In the harness the run
 * uses its default (every core, idle threads sleeping) and the model alone every core, the faster
 * of the run's pool of sessions and one spinning session (`modelOnly`).
 *
 * `BENCH_E2E_JOB=seg` measures the segmentation job instead (issue: speed of the jobs): the
 * shipped 4-class scene-seg U-Net over an 8192 x 8192 4-band scene in 256 px tiles with 32 px of
 * overlap (320 px windows), Hann-blended, writing probabilities, the class raster and the
 * quicklook, in megapixels per second beside the model alone on batches of the same windows
 * (core pixels per second). Target: end to end at least 0.85x model-only.
 *
 *   node --import tsx bench/onnx-e2e.ts
 *   BENCH_E2E_JOB=seg BENCH_E2E_SIZE=8192 node --import tsx bench/onnx-e2e.ts
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import * as tf from "@tensorflow/tfjs";
import { loadModelDir, OnnxSessionPool, onnxBytesFor, selectBackend } from "../src/index.js";
import { pipelineSessions } from "../src/nn/onnx/index.js";

const SEG = process.env.BENCH_E2E_JOB === "seg";
const SIZE = Number(process.env.BENCH_E2E_SIZE ?? (SEG ? 8192 : 4096));
/** The job: its pipeline, model, tile core and overlap (the pipeline's own unless set here). */
const JOB = SEG
  ? { pipeline: "pipelines/scene-seg.yaml", model: "models/scene-seg", core: 256, overlap: 32 }
  : { pipeline: "pipelines/scene-water.yaml", model: "models/scene-water", core: 64, overlap: 16 };
const WINDOW = JOB.core + 2 * JOB.overlap;
const REPS = Number(process.env.BENCH_E2E_REPS ?? 3);
const PYTHON = process.env.TILECAST_PYTHON ?? "/usr/bin/python3";

/**
 * The model alone on every core, fed as a run feeds it (each session one batch running, one
 * queued): the fastest of the run's own way (a pool of sessions, each given batches of its share
 * of 8 tiles, `pipelineSessions`), that pool splitting batches of 8, and one session with every
 * thread spinning on batches of 8, so the reference is the best the model does by itself.
 */
async function modelOnly(threads: number): Promise<number> {
  process.env.TILECAST_ONNX_THREADS = String(threads);
  await selectBackend({ prefer: "wasm" });
  const { model } = await loadModelDir(JOB.model);
  const bytes = (await onnxBytesFor(model)).bytes;
  const plan = pipelineSessions(8);
  const share = Math.ceil(8 / plan.sessions);
  const configs = [
    { pool: { ...plan, spin: plan.sessions === 1 }, rows: share, whole: true, feeders: 2 * plan.sessions },
    { pool: { ...plan, spin: plan.sessions === 1 }, rows: 8, whole: false, feeders: 2 },
    { pool: { sessions: 1, threads, spin: true }, rows: 8, whole: true, feeders: 2 },
  ];
  const rates: number[] = [];
  for (const c of configs) {
    const shape = [c.rows, WINDOW, WINDOW, 4];
    const data = tf.randomNormal(shape, 0, 1, "float32", 1).dataSync() as Float32Array;
    const session = await OnnxSessionPool.create(bytes, c.pool);
    await session.run(data, shape);
    const tiles = SEG ? 64 : 480;
    const t = performance.now();
    let started = 0;
    const feed = async () => {
      while (started < tiles) {
        started += c.rows;
        await session.run(data, shape, { whole: c.whole });
      }
    };
    await Promise.all(Array.from({ length: c.feeders }, feed));
    await session.release();
    rates.push(tiles / ((performance.now() - t) / 1000));
  }
  const tilesPerSec = Math.max(...rates);
  console.error(
    `model alone, tiles/s: run's pool ${rates[0]?.toFixed(0)}, split ${rates[1]?.toFixed(0)}, one session ${rates[2]?.toFixed(0)}`,
  );
  return SEG ? (tilesPerSec * JOB.core * JOB.core) / 1e6 : tilesPerSec; // megapixels of tile cores per second
}

/** One end-to-end run: tiles written per second of the run. */
function endToEnd(scene: string, threads: number | null): { tilesPerSec: number; seconds: number; peakRssMB: number } {
  // null: the run's own default (every core, idle threads sleeping).
  const { TILECAST_ONNX_THREADS: _t, ...inherited } = process.env;
  const threadEnv = threads === null ? {} : { TILECAST_ONNX_THREADS: String(threads) };
  const out = `bench/data/out-${SEG ? "seg" : "water"}-onnx.tif`;
  const r = spawnSync(
    process.execPath,
    [
      "bin/tilecast.js",
      "run",
      JOB.pipeline,
      "--set",
      `input.path=${process.cwd()}/${scene}`,
      ...(SEG ? ["--set", `tiling.size=${JOB.core}`, "--set", `tiling.overlap=${JOB.overlap}`] : []),
      ...(SEG ? ["--set", `output.classes=${process.cwd()}/${out}.classes.tif`] : []),
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
    // wasm for TF.js (unused by an ONNX run) whatever else is installed: native TensorFlow takes a second to load.
    { encoding: "utf8", env: { TILECAST_BACKEND: "wasm", ...inherited, ...threadEnv } },
  );
  if (r.status !== 0) throw new Error(r.stderr.trim().split("\n").pop());
  const s = JSON.parse(r.stdout) as { tilesWritten: number; seconds: number; peakRssMB: number; runtime: string };
  if (s.runtime !== "onnx") throw new Error(`the run used ${s.runtime}, not ONNX Runtime`);
  for (const f of [out, `${out}.png`, `${out}.classes.tif`, `${out}.manifest.json`]) rmSync(f, { force: true });
  // The rate in the job's unit: megapixels of the scene per second, or tiles per second.
  const rate = SEG ? (SIZE * SIZE) / 1e6 / s.seconds : s.tilesWritten / s.seconds;
  return { tilesPerSec: rate, seconds: s.seconds, peakRssMB: s.peakRssMB };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;

async function main(): Promise<void> {
  mkdirSync("bench/data", { recursive: true });
  const scene = `bench/data/scene-${SIZE}.tif`;
  if (!existsSync(scene)) spawnSync(PYTHON, ["bench/make-scene.py", scene, String(SIZE)], { stdio: "inherit" });
  // One part on every core, for the harness, which alternates the two itself.
  const part = process.env.BENCH_E2E_PART;
  if (part === "model") return void console.log(JSON.stringify({ modelOnly: await modelOnly(availableParallelism()) }));
  if (part === "e2e") {
    const e = endToEnd(scene, null); // what a user gets
    return void console.log(JSON.stringify({ endToEnd: e.tilesPerSec, peakRssMB: e.peakRssMB }));
  }
  const cores = availableParallelism();
  const settings = cores > 1 ? [cores, cores - 1] : [cores];
  const runs = new Map(settings.map((t) => [t, { alone: [] as number[], e2e: [] as number[], rss: [] as number[] }]));
  for (let i = 0; i < REPS; i++)
    for (const t of settings) {
      const r = runs.get(t) as { alone: number[]; e2e: number[]; rss: number[] };
      r.alone.push(await modelOnly(t));
      const e = endToEnd(scene, t);
      r.e2e.push(e.tilesPerSec);
      r.rss.push(e.peakRssMB);
    }
  for (const [threads, r] of runs) {
    const alone = median(r.alone);
    const e2e = median(r.e2e);
    console.log(
      JSON.stringify({
        scene: `${SIZE}x${SIZE}x4`,
        threads,
        cores,
        reps: REPS,
        modelOnly: alone,
        endToEnd: e2e,
        ratio: e2e / alone,
        spread: {
          modelOnly: [Math.min(...r.alone), Math.max(...r.alone)],
          endToEnd: [Math.min(...r.e2e), Math.max(...r.e2e)],
        },
        peakRssMB: Math.max(...r.rss),
      }),
    );
  }
}

main().catch((e) => {
  console.error(`onnx-e2e: ${(e as Error).message}`);
  process.exit(1);
});
