/**
 * Sharded and resumed runs beside one plain run (operations issue), on the segmentation job
 * (`pipelines/scene-seg.yaml`, ONNX Runtime, 256 px tiles with 32 px of overlap) over an
 * 8192 x 8192 4-band scene in 4 parts of 4096 x 4096, in CPU seconds (the processes' user +
 * system time, from /proc's counts for waited-for children) and wall seconds. Each process pays
 * about 3.5 CPU seconds to start (imports, model, ONNX session): on a small scene that alone
 * would decide the ratio, so the scene is large, as a sharded job's would be.
 *
 * - `whole`: one `tilecast run`;
 * - `shards`: `--shard i/4` for i = 0..3 one after another, then `tilecast finalize`.
 *   Target: at most 1.1x the whole run's CPU time;
 * - `resume`: a run killed with SIGKILL once 2 of its 4 parts are kept, then `--resume`;
 *   only the resumed run is counted, in wall time. Target: at most 0.55x the whole run.
 *
 * Each prints `{ runsPerCpuHour, runsPerHour }` (3600 / CPU or wall seconds), so the harness's
 * ratio is whole / shards in CPU time, whole / resume in wall time.
 *
 *   BENCH_PART=shards node --import tsx bench/shard-speed.ts
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";

const SIZE = Number(process.env.BENCH_SHARD_SIZE ?? 8192);
const PYTHON = process.env.TILECAST_PYTHON ?? "/usr/bin/python3";
const scene = `bench/data/scene-${SIZE}.tif`;
const out = `${process.cwd()}/bench/data/shard-out`;
const args = [
  "bin/tilecast.js",
  "run",
  "pipelines/scene-seg.yaml",
  ...["--set", `input.path=${process.cwd()}/${scene}`, "--set", "tiling.size=256", "--set", "tiling.overlap=32"],
  ...["--set", `output.path=${out}/seg.tif`, "--set", `output.classes=${out}/seg.classes.tif`],
  ...["--set", "tiling.parts.width=4096", "--set", "tiling.parts.height=4096", "--runtime", "onnx", "-q"],
];
const env = { ...process.env, TILECAST_BACKEND: "wasm" };

/** CPU seconds used by waited-for children so far (utime + stime of this process's children). */
function childCpu(): number {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime in clock ticks
}

function tilecast(extra: string[], cmd = args): void {
  const r = spawnSync(process.execPath, [...cmd, ...extra], { encoding: "utf8", env });
  if (r.status !== 0) throw new Error(r.stderr.trim().split("\n").pop());
}

/** Run until `parts` part files exist, then SIGKILL. */
function killAfter(parts: number): Promise<void> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { env, stdio: "ignore" });
    const poll = setInterval(() => {
      const dir = `${out}/seg.tif.parts`;
      const n = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".bin")).length : 0;
      if (n >= parts) child.kill("SIGKILL");
    }, 10);
    child.on("exit", () => {
      clearInterval(poll);
      done();
    });
  });
}

async function main(): Promise<void> {
  mkdirSync("bench/data", { recursive: true });
  if (!existsSync(scene)) spawnSync(PYTHON, ["bench/make-scene.py", scene, String(SIZE)], { stdio: "inherit" });
  rmSync(out, { recursive: true, force: true });
  const part = process.env.BENCH_PART ?? "whole";
  let cpu: number;
  let t0 = performance.now();
  if (part === "resume") {
    await killAfter(2);
    const before = childCpu();
    t0 = performance.now();
    tilecast(["--resume"]);
    cpu = childCpu() - before;
  } else {
    const before = childCpu();
    if (part === "shards") {
      for (let i = 0; i < 4; i++) tilecast(["--shard", `${i}/4`]);
      tilecast([], [...args.slice(0, 3).map((a) => (a === "run" ? "finalize" : a)), ...args.slice(3, -3)]);
    } else tilecast([]);
    cpu = childCpu() - before;
  }
  if (!existsSync(`${out}/seg.tif`)) throw new Error(`${part}: no output`);
  rmSync(out, { recursive: true, force: true });
  const wall = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({ part, cpuSeconds: cpu, wallSeconds: wall, runsPerCpuHour: 3600 / cpu, runsPerHour: 3600 / wall }),
  );
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
