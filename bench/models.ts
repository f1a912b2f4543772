/**
 * Benchmark: the U-Net of the models issue (depth 3, 16/32/64 filters) on 8 x 128 x 128 x 4
 * tiles, inference and training tiles/s on each available backend, beside the same
 * architecture in PyTorch (Debian python3-torch, 2 threads, channels_last) in the same run.
 * Targets on wasm: inference at least 0.2x PyTorch, training at least 0.12x.
 * The cpu backend takes minutes per training step, so it is timed for inference only
 * (2 batches) unless BENCH_CPU_TRAIN=1.
 */
import { spawnSync } from "node:child_process";

const PYTHON = process.env.TILECAST_PYTHON ?? "/usr/bin/python3";
/** The PyTorch to compare with: the newest the machine has (a venv with torch 2.13 here). */
const TORCH_PYTHON = process.env.TILECAST_TORCH_PYTHON ?? PYTHON;

interface Speed {
  tool: string;
  threads: number;
  params: number;
  inferenceTilesPerSec: number;
  trainTilesPerSec: number;
}

function run(cmd: string, args: string[]): Speed | null {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) {
    console.log(`  ${[cmd, ...args].join(" ")}: failed (${r.stderr.trim().split("\n").pop()})`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as Speed;
}

export function benchModels(): void {
  console.log("\nU-Net depth 3 (16/32/64, bottleneck 128), 8 x 128 x 128 x 4 tiles, tiles/s (higher is better)");
  const torch = run(TORCH_PYTHON, ["bench/unet_torch.py", "2"]);
  const tsx = [process.execPath, "--import", "tsx", "bench/unet-speed.ts"];
  const rows: Speed[] = [];
  const wasm = run(tsx[0] as string, [...tsx.slice(1), "wasm", "5"]);
  if (wasm) rows.push(wasm);
  const native = spawnSync(process.execPath, ["-e", "import('@tensorflow/tfjs-node').then(()=>0,()=>process.exit(1))"]);
  if (native.status === 0) {
    const t = run(tsx[0] as string, [...tsx.slice(1), "tensorflow", "5"]);
    if (t) rows.push(t);
  } else console.log("  tensorflow (tfjs-node): not installed, skipped");
  const cpu = run(tsx[0] as string, [...tsx.slice(1), "cpu", process.env.BENCH_CPU_TRAIN ? "1" : "0", "2"]);
  if (cpu) rows.push(cpu);
  console.log("tool                threads   params    inference   training   vs PyTorch (inference, training)");
  for (const r of [...(torch ? [torch] : []), ...rows]) {
    const ratio = (a: number, b: number | undefined) => (b && a ? (a / b).toFixed(2) : "-");
    console.log(
      `${r.tool.padEnd(20)}${String(r.threads).padStart(7)}${String(r.params).padStart(9)}${r.inferenceTilesPerSec.toFixed(2).padStart(12)}${(r.trainTilesPerSec ? r.trainTilesPerSec.toFixed(2) : "-").padStart(11)}   ${ratio(r.inferenceTilesPerSec, torch?.inferenceTilesPerSec)}, ${ratio(r.trainTilesPerSec, torch?.trainTilesPerSec)}`,
    );
  }
  console.log("targets on wasm: inference >= 0.20x, training >= 0.12x PyTorch");
  benchOnnx(torch?.inferenceTilesPerSec);
}

/** ONNX Runtime beside TF.js (wasm) on the three architectures, and end to end. */
function benchOnnx(torchInference: number | undefined): void {
  const tsx = [process.execPath, "--import", "tsx"];
  const r = spawnSync(tsx[0] as string, [...tsx.slice(1), "bench/onnx-speed.ts"], { encoding: "utf8" });
  if (r.status !== 0) {
    console.log(`  ONNX Runtime: skipped (${r.stderr.trim().split("\n").pop()})`);
    return;
  }
  console.log("\nONNX Runtime (2 intra-op threads, in a worker) beside TF.js wasm, inference");
  console.log("model                                          unit          wasm    ONNX RT   ONNX/wasm  ONNX/PyTorch");
  for (const line of r.stdout.trim().split("\n")) {
    const m = JSON.parse(line) as { model: string; unit: string; tfjs: number; onnx: number };
    const vsTorch = m.model.startsWith("U-Net") && torchInference ? (m.onnx / torchInference).toFixed(2) : "-";
    console.log(
      `${m.model.padEnd(47)}${m.unit.padEnd(12)}${m.tfjs.toFixed(2).padStart(7)}${m.onnx.toFixed(2).padStart(10)}${(m.onnx / m.tfjs).toFixed(1).padStart(10)}x${vsTorch.padStart(13)}`,
    );
  }
  console.log("target: U-Net inference >= 1.3x PyTorch");
  const e = spawnSync(tsx[0] as string, [...tsx.slice(1), "bench/onnx-e2e.ts"], { encoding: "utf8" });
  if (e.status !== 0) return void console.log(`  end to end: failed (${e.stderr.trim().split("\n").pop()})`);
  console.log("segmentation end to end (scene-water over a 4096 x 4096 x 4 scene, --runtime onnx), tiles/s, medians");
  for (const line of e.stdout.trim().split("\n")) {
    const j = JSON.parse(line) as {
      threads: number;
      cores: number;
      endToEnd: number;
      modelOnly: number;
      ratio: number;
      peakRssMB: number;
    };
    console.log(
      `  ONNX Runtime on ${j.threads} of ${j.cores} cores: end to end ${j.endToEnd.toFixed(0)}, model alone ${j.modelOnly.toFixed(0)}, ratio ${j.ratio.toFixed(2)} (target >= 0.85); ${j.peakRssMB} MB peak RSS`,
    );
  }
}
