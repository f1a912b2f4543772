/** The operations and training rows: shards, resume, the Redis queue, streamed training. */
import type { Side, Workload } from "../harness.js";
import { TSX, WASM } from "./common.js";

/**
 * Sharded runs (CPU time) and a resumed run (wall time) of the segmentation job beside one plain
 * run: the same plain run, timed once, for both rows.
 */
export function shardsAndResume(): Workload[] {
  const side = (tool: string, part: string, field: string): Side => ({
    tool,
    cmd: TSX[0],
    args: [...TSX.slice(1), "bench/shard-speed.ts"],
    env: { BENCH_PART: part, ...WASM },
    field,
    ...(part === "whole" ? { share: "segmentation-8192-whole" } : {}),
  });
  return [
    {
      group: "ops",
      warmup: false,
      name: "4 shards one after another + finalize, segmentation 8192², CPU time",
      unit: "runs/CPU-h",
      quick: false,
      runs: 1,
      tilecast: side("tilecast run --shard i/4 (x4) + finalize", "shards", "runsPerCpuHour"),
      reference: side("one tilecast run", "whole", "runsPerCpuHour"),
      target: { min: 1 / 1.1 },
    },
    {
      group: "ops",
      warmup: false,
      name: "resume after SIGKILL at 50 % (2 of 4 parts), segmentation 8192², wall time",
      unit: "runs/h",
      quick: false,
      runs: 1,
      tilecast: side("tilecast run --resume", "resume", "runsPerHour"),
      reference: side("one tilecast run", "whole", "runsPerHour"),
      target: { min: 1 / 0.55 },
    },
  ];
}

/** The Redis scene queue beside the same scenes run one after another in one process. */
export function sceneQueue(): Workload {
  const side = (tool: string, part: string): Side => ({
    tool,
    cmd: TSX[0],
    args: [...TSX.slice(1), "bench/queue-speed.ts"],
    env: { BENCH_PART: part, ...WASM },
    field: "scenesPerSec",
  });
  return {
    group: "ops",
    warmup: false,
    name: "scene queue on Redis, scene-water U-Net, 12 scenes, 1 worker",
    unit: "scenes/s",
    quick: false,
    tilecast: side("tilecast worker (BullMQ)", "queue"),
    reference: side("one process, one scene after another", "direct"),
    target: { min: 0.9 },
  };
}

/** The streaming trainer beside the same training on batches already in memory (wasm). */
export function trainStream(): Workload {
  const part = (p: string) => ({ BENCH_PART: p, ...WASM });
  return {
    group: "train",
    warmup: false,
    name: "training, U-Net on the segmentation job, streamed vs in memory",
    unit: "samples/s",
    quick: true,
    tilecast: {
      tool: "tilecast train",
      cmd: TSX[0],
      args: [...TSX.slice(1), "bench/train-speed.ts"],
      env: part("stream"),
      field: "samplesPerSec",
    },
    reference: {
      tool: "fit() on batches in memory",
      cmd: TSX[0],
      args: [...TSX.slice(1), "bench/train-speed.ts"],
      env: part("memory"),
      field: "samplesPerSec",
    },
    target: { min: 0.9 },
  };
}
