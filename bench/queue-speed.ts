/**
 * The Redis scene queue beside running the same scenes one after another in one process: the
 * shipped scene-water U-Net (ONNX Runtime where it loads) over `BENCH_QUEUE_JOBS` copies of the
 * demo scene (default 12), in scenes per second. The queue side starts a local `redis-server`,
 * one worker in this process, submits the scenes and waits for the last; it also reports the
 * overhead per job (its wall time minus the jobs' own, per job) and the event loop's worst
 * 99th-percentile delay over the jobs. Targets (operations issue): overhead under 20 ms a job,
 * event-loop p99 under 100 ms while a worker runs a U-Net.
 *
 *   BENCH_PART=queue node --import tsx bench/queue-speed.ts
 *   BENCH_PART=direct node --import tsx bench/queue-speed.ts
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { Queue } from "bullmq";
import { selectBackend } from "../src/nn/backend.js";
import { connection, runSceneJob, runWorker, submitScenes } from "../src/ops/queue.js";

const N = Number(process.env.BENCH_QUEUE_JOBS ?? 12);
const DIR = resolve("bench/data/queue");
const PIPELINE = "pipelines/scene-water.yaml";
const sets = [`output.path=${DIR}/out/{scene}.tif`, `output.quicklook=${DIR}/out/{scene}.png`];

function scenes(): string[] {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(join(DIR, "out"), { recursive: true });
  return Array.from({ length: N }, (_, i) => {
    const s = join(DIR, `s${i}.tif`);
    copyFileSync("fixtures/demo/scene.s2like.u16.4b.tif", s);
    return s;
  });
}

async function redis(port: number): Promise<ChildProcess> {
  const server = spawn("redis-server", [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
  ]);
  await new Promise<void>((ready, fail) => {
    server.on("error", fail);
    server.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("Ready to accept connections")) ready();
    });
  });
  return server;
}

async function direct(): Promise<void> {
  const list = scenes();
  await runSceneJob({ data: { pipeline: resolve(PIPELINE), scene: list[0] as string, sets } }); // warm-up
  const t = performance.now();
  for (const scene of list) await runSceneJob({ data: { pipeline: resolve(PIPELINE), scene, sets } });
  const seconds = (performance.now() - t) / 1000;
  console.log(JSON.stringify({ scenesPerSec: N / seconds, seconds }));
}

async function queued(): Promise<void> {
  const list = scenes();
  const port = 17000 + (process.pid % 1000);
  const url = `redis://127.0.0.1:${port}`;
  const server = await redis(port);
  try {
    await runSceneJob({ data: { pipeline: resolve(PIPELINE), scene: list[0] as string, sets } }); // warm-up, as direct
    const stop = new AbortController();
    const q = new Queue("tilecast", { connection: connection(url) });
    const worker = runWorker({ redis: url, signal: stop.signal });
    const t = performance.now();
    await submitScenes(PIPELINE, list, { redis: url, sets });
    while ((await q.getCompletedCount()) < N) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - t) / 1000;
    const jobs = await q.getJobs(["completed"]);
    const own = jobs.reduce((a, j) => a + (j.returnvalue.seconds as number), 0);
    const p99 = Math.max(...jobs.map((j) => j.returnvalue.loopDelayP99Ms as number));
    const max = Math.max(...jobs.map((j) => j.returnvalue.loopDelayMaxMs as number));
    await q.close();
    stop.abort();
    await worker;
    console.log(
      JSON.stringify({
        scenesPerSec: N / seconds,
        seconds,
        overheadMsPerJob: ((seconds - own) * 1000) / N,
        loopDelayP99Ms: p99,
        loopDelayMaxMs: max,
      }),
    );
  } finally {
    server.kill("SIGTERM");
  }
}

await selectBackend({ prefer: "wasm" });
if (process.env.BENCH_PART === "direct") await direct();
else await queued();
process.exit(0);
