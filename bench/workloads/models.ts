/** The model rows: the three architectures on TF.js and ONNX Runtime beside PyTorch, and the
 * segmentation jobs end to end beside their model alone. */
import type { Side, Workload } from "../harness.js";
import { modelUnavailable, pythonHas, TORCH, TSX } from "./common.js";

/** The bench U-Net (depth 3, 16/32/64) on 8 x 128² x 4 tiles on a TF.js backend, beside PyTorch. */
export function unet(
  mode: "infer" | "train",
  backend: "wasm" | "tensorflow",
  target: number,
  quick: boolean,
): Workload {
  const field = mode === "infer" ? "inferenceTilesPerSec" : "trainTilesPerSec";
  const env = { BENCH_ONLY: mode, BENCH_INFER_REPS: "30" };
  return {
    group: "models",
    warmup: false,
    runs: 5, // PyTorch's speed here swings by 2x between processes: medians of 5 turns
    name: `U-Net ${mode === "infer" ? "inference" : "training"}, ${backend}`,
    unit: "tiles/s",
    quick,
    unavailable: () => modelUnavailable(backend),
    tilecast: {
      tool: `tilecast ${backend}`,
      cmd: TSX[0],
      args: [...TSX.slice(1), "bench/unet-speed.ts", backend, "5", "10"],
      env,
      field,
    },
    reference: { tool: "PyTorch", cmd: TORCH, args: ["bench/unet_torch.py", "2"], env, field },
    target: { min: target },
  };
}

/**
 * The ConvLSTM nowcaster ([16, 16], 8 sequences of 4 -> 6 frames at 64²) on wasm in worker
 * replicas or on native TensorFlow, beside PyTorch's usual ConvLSTM cell. No target: the issue
 * set none.
 */
export function convLstm(mode: "infer" | "train", backend: "wasm" | "tensorflow"): Workload {
  const field = mode === "infer" ? "inferenceSeqPerSec" : "trainSeqPerSec";
  const env = { BENCH_ONLY: mode };
  return {
    group: "models",
    warmup: false,
    runs: 3,
    name: `ConvLSTM nowcaster ${mode === "infer" ? "inference" : "training"}, ${backend}`,
    unit: "sequences/s",
    quick: false,
    unavailable: () => modelUnavailable(backend),
    tilecast: {
      tool: `tilecast ${backend}`,
      cmd: TSX[0],
      args: [...TSX.slice(1), "bench/convlstm-speed.ts", backend],
      env,
      field,
    },
    reference: { tool: "PyTorch", cmd: TORCH, args: ["bench/convlstm_torch.py", "2"], env, field },
  };
}

export function onnxUnet(): Workload {
  return {
    group: "models",
    warmup: false,
    runs: 5,
    name: "U-Net inference, ONNX Runtime",
    unit: "tiles/s",
    quick: true,
    unavailable: () => (!pythonHas(TORCH, "torch") ? `no torch in ${TORCH}` : null),
    tilecast: {
      tool: "tilecast ONNX Runtime",
      cmd: TSX[0],
      args: [...TSX.slice(1), "bench/onnx-speed.ts"],
      env: { BENCH_MODELS: "unet", BENCH_SIDE: "onnx" },
      field: "onnx",
    },
    reference: {
      tool: "PyTorch",
      cmd: TORCH,
      args: ["bench/unet_torch.py", "2"],
      env: { BENCH_ONLY: "infer", BENCH_INFER_REPS: "30" },
      field: "inferenceTilesPerSec",
    },
    target: { min: 1.3 },
  };
}

/** The ConvLSTM nowcaster exported to ONNX Runtime, beside PyTorch (inference). */
export function onnxConvLstm(): Workload {
  return {
    group: "models",
    warmup: false,
    name: "ConvLSTM nowcaster inference, ONNX Runtime",
    unit: "sequences/s",
    quick: false,
    runs: 3,
    unavailable: () => modelUnavailable("wasm"),
    tilecast: {
      tool: "tilecast ONNX Runtime",
      cmd: TSX[0],
      args: [...TSX.slice(1), "bench/onnx-speed.ts"],
      env: { BENCH_MODELS: "convlstm", BENCH_SIDE: "onnx" },
      field: "onnx",
    },
    reference: {
      tool: "PyTorch",
      cmd: TORCH,
      args: ["bench/convlstm_torch.py", "2"],
      env: { BENCH_ONLY: "infer" },
      field: "inferenceSeqPerSec",
    },
  };
}

/**
 * A step of the periodic global CNN on a 721 x 1440 x 4 state, beside PyTorch's same network:
 * a forecast step on ONNX Runtime, wasm or native TensorFlow, or a training step on native
 * TensorFlow (on wasm one takes minutes and about 15 GB). One run per side: seconds per step.
 */
export function globalCnnStep(mode: "infer" | "train", side: "onnx" | "wasm" | "tensorflow"): Workload {
  const field = mode === "infer" ? "inferenceStepsPerSec" : "trainStepsPerSec";
  const env = { BENCH_ONLY: mode };
  const label = side === "onnx" ? "ONNX Runtime" : side;
  return {
    group: "models",
    warmup: false,
    name: `periodic global CNN, 721 x 1440, ${mode === "infer" ? "forecast" : "training"} step, ${label}`,
    unit: "steps/s",
    quick: false,
    runs: 1,
    unavailable: () => modelUnavailable(side === "tensorflow" ? "tensorflow" : "wasm"),
    tilecast: {
      tool: `tilecast ${label}`,
      cmd: TSX[0],
      args: [...TSX.slice(1), "bench/globalcnn-speed.ts", side],
      env,
      field,
    },
    reference: { tool: "PyTorch", cmd: TORCH, args: ["bench/globalcnn_torch.py", "2"], env, field },
  };
}

export function endToEnd(): Workload {
  const part = (p: string) => ({ BENCH_E2E_PART: p });
  return {
    group: "models",
    warmup: false,
    name: "segmentation end to end, 4096² x 4, ONNX Runtime",
    unit: "tiles/s",
    quick: false,
    tilecast: {
      tool: "tilecast run",
      cmd: TSX[0],
      args: [...TSX.slice(1), "bench/onnx-e2e.ts"],
      env: part("e2e"),
      field: "endToEnd",
    },
    reference: {
      tool: "the model alone",
      cmd: TSX[0],
      args: [...TSX.slice(1), "bench/onnx-e2e.ts"],
      env: part("model"),
      field: "modelOnly",
    },
    target: { min: 0.85 },
  };
}

/** The segmentation job at scale: 8192² x 4 in 256 px tiles (32 px overlap), in megapixels/s. */
export function segmentationLarge(): Workload {
  const part = (p: string) => ({ BENCH_E2E_PART: p, BENCH_E2E_JOB: "seg" });
  const side = (tool: string, p: string, field: string): Side => ({
    tool,
    cmd: TSX[0],
    args: [...TSX.slice(1), "bench/onnx-e2e.ts"],
    env: part(p),
    field,
  });
  return {
    group: "segmentation",
    warmup: false,
    name: "segmentation job, 8192² x 4, tile 256 + 32, 4-class U-Net, ONNX Runtime",
    unit: "MP/s",
    quick: false,
    tilecast: side("tilecast run", "e2e", "endToEnd"),
    reference: side("the model alone", "model", "modelOnly"),
    target: { min: 0.85 },
  };
}
