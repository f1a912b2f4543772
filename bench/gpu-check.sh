#!/usr/bin/env bash
# The GPU check: on a machine with a GPU, after `npm ci && npm run build`, what tilecast runs on
# and how fast, beside the same machine's CPU and PyTorch on CUDA. Prints each result as it comes;
# every step is bounded. Needs the Vulkan loader (Debian/Ubuntu: libvulkan1) for ONNX Runtime's
# WebGPU provider; python3 with a CUDA PyTorch for the reference rows (skipped without one).
#
#   bash bench/gpu-check.sh [scene size, default 4096]
#
# Results of 2026-12-04 on an NVIDIA H200: docs/benchmarks.md, "GPU check".
set -u
cd "$(dirname "$0")/.."
SIZE=${1:-4096}
SCENE=${TMPDIR:-/tmp}/tilecast-gpu-scene-$SIZE.tif
OUTS=${TMPDIR:-/tmp}/tilecast-gpu-check
mkdir -p "$OUTS"
T0=$(date +%s)
step() { echo "== $* (+$(($(date +%s) - T0)) s)"; }
export TILECAST_BACKEND=${TILECAST_BACKEND:-wasm}

step machine
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>/dev/null || echo "nvidia-smi: not found"
echo "cores $(nproc)"
node -e 'import("./dist/nn/onnx/vulkan.js").then((m) => console.log("Vulkan GPU driver:", m.vulkanGpu() ?? "none"))'
timeout 60 node bin/tilecast.js doctor 2>&1 | head -1

step "ONNX Runtime providers (auto: tilecast's choice; cpu: every core)"
BENCH_SECONDS=3 timeout 300 node bench/onnx-providers.mjs auto,cpu 2> "$OUTS/providers.err"

if python3 -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
  step "PyTorch on CUDA, the same U-Net and global CNN"
  (
    cd bench
    for b in 8 64; do BENCH_DEVICE=cuda BENCH_BATCH=$b BENCH_INFER_REPS=50 timeout 120 python3 unet_torch.py 16 | tail -1; done
    BENCH_DEVICE=cuda BENCH_INFER_REPS=20 BENCH_TRAIN_STEPS=10 timeout 120 python3 globalcnn_torch.py 16 | tail -1
  )
else
  step "PyTorch on CUDA: not available, skipped"
fi

step "scene ${SIZE}²"
[ -f "$SCENE" ] || timeout 300 node bench/make-scene.mjs "$SCENE" "$SIZE"

step "jobs, tilecast's provider against the CPU's, alternating"
for job in water seg; do
  for p in auto cpu auto cpu; do
    extra=()
    [ "$job" = seg ] && extra=(--set tiling.size=256 --set tiling.overlap=32 --set "output.classes=$OUTS/$job-$p.classes.tif")
    if [ "$p" = auto ]; then unset TILECAST_ONNX_PROVIDERS; else export TILECAST_ONNX_PROVIDERS=cpu; fi
    timeout 300 node bin/tilecast.js run "pipelines/scene-$job.yaml" --set "input.path=$SCENE" "${extra[@]}" \
      --set "output.path=$OUTS/$job-$p.tif" --set "output.quicklook=$OUTS/$job-$p.png" \
      --runtime onnx --log-format json -q 2> "$OUTS/$job-$p.err" |
      node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const d = JSON.parse(s); console.log(process.argv[1], "on", d.provider, d.seconds, "s,", d.peakRssMB, "MB,", d.tilesWritten, "tiles");
      })' "$job $p" || echo "$job $p: failed, see $OUTS/$job-$p.err"
  done
done
unset TILECAST_ONNX_PROVIDERS
step "outputs, tilecast's provider against the CPU's"
for f in water seg seg.classes; do
  job=${f%%.*}
  suffix=${f#"$job"}
  echo "$f: $(node bench/compare-outputs.mjs "$OUTS/$job-auto$suffix.tif" "$OUTS/$job-cpu$suffix.tif")"
done
step done
