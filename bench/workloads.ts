/**
 * Every workload of `npm run bench`, each beside the tool a user would pick instead. Inputs are
 * made on first use (GDAL, zarr-python) in `bench/data/`. References come from
 * `npm run bench:setup`: GDAL and zarr-python (Debian), PyTorch and tensorstore (a venv in
 * `bench/.venv`, from pip's index where it has them; Debian's torch 1.13 otherwise).
 * `TILECAST_PYTHON`, `TILECAST_TORCH_PYTHON` and `TILECAST_TENSORSTORE_PYTHON` override.
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, writeFileSync } from "node:fs";
import type { Side, Workload } from "./harness.js";

const DATA = "bench/data";
const VENV = "bench/.venv/bin/python";
const PYTHON = process.env.TILECAST_PYTHON ?? "/usr/bin/python3";
const TORCH = process.env.TILECAST_TORCH_PYTHON ?? (existsSync(VENV) ? VENV : PYTHON);
const TENSORSTORE = process.env.TILECAST_TENSORSTORE_PYTHON ?? (existsSync(VENV) ? VENV : PYTHON);
const NODE = process.execPath;
const TSX = [NODE, "--import", "tsx"] as const;
/** Memory runs on the backend most users have, whatever else is installed. */
const WASM = { TILECAST_BACKEND: "wasm" };

/** Why a model row beside PyTorch cannot run on `backend` (tfjs-node not built, no torch), or null. */
function modelUnavailable(backend: "wasm" | "tensorflow"): string | null {
  if (
    backend === "tensorflow" &&
    spawnSync(NODE, ["-e", "require('@tensorflow/tfjs-node')"], { stdio: "ignore" }).status !== 0
  )
    return "tfjs-node is not built (tilecast native build --from <TensorFlow wheel>)";
  return pythonHas(TORCH, "torch") ? null : `no torch in ${TORCH} (npm run bench:setup)`;
}

function pythonHas(python: string, module: string): boolean {
  return spawnSync(python, ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;
}

function make(path: string, script: string, ...args: string[]): string {
  mkdirSync(DATA, { recursive: true });
  if (!existsSync(path)) {
    process.stderr.write(`making ${path} ...\n`);
    const r = spawnSync(PYTHON, [script, ...args], { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`could not make ${path} (needs python3-gdal / python3-zarr)`);
  }
  return path;
}

/**
 * Read `path` once so that it is in the page cache: the warm-up of workloads on files too large
 * to run twice (16384² rows run once, without a warm-up run).
 */
function warmPageCache(path: string): void {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(16 << 20);
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/** Make the float32 input `file` of side `n` if missing; warm it when it is read only once. */
const floatInput = (file: string, n: number) => {
  make(file, "bench/make-input.py", file, String(n));
  if (n > 8192) warmPageCache(file);
};

const floatTif = (n: number) => `${DATA}/f32-${n}.deflate.pred3.tif`;
const sceneTif = (n: number) => `${DATA}/scene-u16-4b-${n}.tif`;
const zarrStore = (codec: string) => `${DATA}/era5-like.${codec}.zarr`;

/** GDAL's side of a GeoTIFF read of `file` (`mb` megabytes of values). */
const gdalRead = (file: string, mb: number): Side => ({
  tool: "GDAL ReadAsArray (2 threads)",
  cmd: PYTHON,
  args: ["bench/geotiff_read.py", file],
  env: { GDAL_NUM_THREADS: "2" },
  work: mb,
});

function geotiffRead(n: number, quick: boolean): Workload {
  const file = floatTif(n);
  const mb = (n * n * 4) / 1e6;
  return {
    group: "geotiff",
    name: `GeoTIFF read, ${n}² float32 deflate+predictor, 256² tiles`,
    unit: "MB/s",
    quick,
    runs: n > 8192 ? 1 : 3,
    warmup: n <= 8192,
    setup: () => floatInput(file, n),
    tilecast: { tool: "tilecast", cmd: NODE, args: ["bench/geotiff-read.mjs", file], work: mb },
    reference: gdalRead(file, mb),
    target: { min: 1.0 },
  };
}

/**
 * The 4096² read on the same values in GDAL's default striped layout (deflate + predictor 3
 * without TILED=YES: strips of one row, 16 KiB each), which small-block runs on the codec
 * workers are for. Reported without a target: the target is for tiles.
 */
function stripedRead(n: number): Workload {
  const tiled = floatTif(n);
  const file = `${DATA}/f32-${n}.deflate.pred3.strips.tif`;
  const mb = (n * n * 4) / 1e6;
  return {
    group: "geotiff",
    name: `GeoTIFF read, ${n}² float32 deflate+predictor, one-row strips (GDAL's default)`,
    unit: "MB/s",
    quick: false,
    runs: 3,
    setup: () => {
      make(tiled, "bench/make-input.py", tiled, String(n));
      if (existsSync(file)) return;
      const r = spawnSync("gdal_translate", ["-q", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3", tiled, file]);
      if (r.status !== 0) throw new Error(`could not make ${file} (needs gdal-bin)`);
    },
    tilecast: { tool: "tilecast", cmd: NODE, args: ["bench/geotiff-read.mjs", file], work: mb },
    reference: gdalRead(file, mb),
  };
}

function convert(n: number, quick: boolean, codec: "deflate" | "zstd" = "deflate"): Workload {
  const file = floatTif(n);
  const mb = (n * n * 4) / 1e6;
  const ours = `${DATA}/out-tilecast-${n}-${codec}.tif`;
  const theirs = `${DATA}/out-gdal-${n}-${codec}.tif`;
  const gdalCodec = codec === "zstd" ? ["-co", "COMPRESS=ZSTD", "-co", "ZSTD_LEVEL=3"] : ["-co", "COMPRESS=DEFLATE"];
  return {
    group: "geotiff",
    name: `GeoTIFF convert, ${n}² float32 (${codec}+predictor out)`,
    unit: "MB/s",
    quick,
    runs: n > 8192 ? 1 : 3,
    warmup: n <= 8192,
    setup: () => floatInput(file, n),
    cleanup: () => {
      rmSync(ours, { force: true });
      rmSync(theirs, { force: true });
    },
    tilecast: {
      tool: "tilecast",
      cmd: NODE,
      args: ["bin/tilecast.js", "convert", file, ours, "--compress", codec, "--quiet"],
      work: mb,
    },
    reference: {
      tool: "gdal_translate",
      cmd: "gdal_translate",
      args: ["-q", "-co", "TILED=YES", ...gdalCodec, "-co", "PREDICTOR=3", file, theirs],
      work: mb,
    },
    target: codec === "deflate" ? { min: 0.67 } : undefined,
  };
}

function cog(n: number): Workload {
  const file = floatTif(n);
  const mb = (n * n * 4) / 1e6;
  const ours = `${DATA}/out-tilecast-cog.tif`;
  const theirs = `${DATA}/out-gdal-cog.tif`;
  return {
    group: "geotiff",
    name: `COG with overviews, ${n}² float32`,
    unit: "MB/s",
    quick: false,
    runs: 1,
    warmup: false,
    setup: () => floatInput(file, n),
    cleanup: () => {
      rmSync(ours, { force: true });
      rmSync(theirs, { force: true });
    },
    tilecast: {
      tool: "tilecast",
      cmd: NODE,
      args: ["bin/tilecast.js", "convert", file, ours, "--cog", "--quiet"],
      work: mb,
    },
    reference: {
      tool: "gdal_translate -of COG",
      cmd: "gdal_translate",
      args: [
        "-q",
        "-of",
        "COG",
        "-co",
        "COMPRESS=DEFLATE",
        "-co",
        "PREDICTOR=YES",
        "-co",
        "RESAMPLING=AVERAGE",
        file,
        theirs,
      ],
      work: mb,
    },
    target: { min: 0.67 },
  };
}

function zarrRead(codec: string, reference: "zarr-python" | "tensorstore"): Workload {
  const store = zarrStore(codec);
  const mb = (64 * 721 * 1440 * 4) / 1e6;
  const ref: Side =
    reference === "zarr-python"
      ? { tool: "zarr-python", cmd: PYTHON, args: ["bench/zarr_read.py", store], work: mb }
      : { tool: "tensorstore", cmd: TENSORSTORE, args: ["bench/zarr_read_tensorstore.py", store], work: mb };
  return {
    group: "zarr",
    name: `Zarr read, 64 x 721 x 1440 float32, ${codec}`,
    unit: "MB/s",
    quick: true,
    runs: 5,
    unavailable: () =>
      reference === "tensorstore" && !pythonHas(TENSORSTORE, "tensorstore")
        ? `no tensorstore in ${TENSORSTORE} (npm run bench:setup)`
        : null,
    setup: () => void make(`${store}/.zmetadata`, "bench/make-zarr.py", DATA),
    tilecast: { tool: "tilecast", cmd: NODE, args: ["bench/zarr-read.mjs", store], work: mb },
    reference: ref,
    target: { min: 1.0 },
  };
}

/**
 * One time step at a time (a whole 721 x 1440 chunk each), scattered, with a pause between: the
 * latency of a read nobody read ahead for, as a service answering requests sees it. Reads/s of
 * the median read.
 */
function zarrStep(): Workload {
  const store = zarrStore("blosc-lz4");
  return {
    group: "zarr",
    name: "Zarr one time step, 721 x 1440 float32, blosc-lz4, scattered reads",
    unit: "reads/s",
    quick: true,
    runs: 5,
    unavailable: () =>
      pythonHas(TENSORSTORE, "tensorstore") ? null : `no tensorstore in ${TENSORSTORE} (npm run bench:setup)`,
    setup: () => void make(`${store}/.zmetadata`, "bench/make-zarr.py", DATA),
    tilecast: { tool: "tilecast", cmd: NODE, args: ["bench/zarr-step.mjs", store], field: "readsPerSec" },
    reference: {
      tool: "tensorstore",
      cmd: TENSORSTORE,
      args: ["bench/zarr_step_tensorstore.py", store],
      field: "readsPerSec",
    },
    target: { min: 1.0 },
  };
}

function stagesPipeline(n: number): string {
  const file = `${DATA}/stages-${n}.yaml`;
  const stats = `${DATA}/stages-stats.json`;
  mkdirSync(DATA, { recursive: true }); // listing the workloads writes these on a fresh clone
  const band = (m: number) => ({ count: 1, mean: m, std: 300, min: 0, max: 65535 });
  writeFileSync(stats, JSON.stringify({ bands: [1400, 1800, 2200, 2600].map(band), transforms: [] }));
  writeFileSync(
    file,
    [
      `name: stages-${n}`,
      `input: {path: ${process.cwd()}/${sceneTif(n)}}`,
      "tiling: {size: 512, overlap: 64, concurrency: 4}",
      `normalize: {method: zscore, stats: ${process.cwd()}/${stats}}`,
      "model: {type: identity}",
      "batch: 2",
      "stitch: {weights: hann}",
      `output: {path: ${process.cwd()}/${DATA}/stages-out-${n}.tif, dtype: float32, block: 512, compress: none}`,
    ].join("\n"),
  );
  return file;
}

/** Streaming memory: the same pipeline over a scene and a smaller one; peak RSS against the smaller's. */
function stages(n: number, base: number, quick: boolean): Workload {
  return {
    group: "stages",
    name: `stages (read, tile, normalize, identity, stitch, write), ${n}² x 4`,
    unit: "Mpx/s",
    quick,
    scene: n,
    baseScene: base,
    // Three runs a side, medians compared: one run's peak RSS swung by a tenth between runs
    // (4096² and 16384² by hand: 574-646 and 615-651 MB), as much as the target allows.
    runs: 3,
    warmup: false,
    setup: () => {
      for (const s of [base, n]) make(sceneTif(s), "bench/make-scene.py", sceneTif(s), String(s));
    },
    cleanup: () => {
      rmSync(`${DATA}/stages-out-${n}.tif`, { force: true });
      rmSync(`${DATA}/stages-out-${base}.tif`, { force: true });
    },
    tilecast: {
      tool: "tilecast",
      cmd: NODE,
      args: ["bin/tilecast.js", "run", stagesPipeline(n), "--quiet"],
      env: WASM,
      work: (n * n) / 1e6,
    },
    reference: {
      tool: `tilecast at ${base}²`,
      cmd: NODE,
      args: ["bin/tilecast.js", "run", stagesPipeline(base), "--quiet"],
      env: WASM,
      work: (base * base) / 1e6,
    },
    // The plateau: from 4096² on, a scene 16 times larger may not hold 10 % more.
    target: base >= 4096 ? { max: 1.1, memory: true } : { memory: true },
  };
}

/** The bench U-Net (depth 3, 16/32/64) on 8 x 128² x 4 tiles on a TF.js backend, beside PyTorch. */
function unet(mode: "infer" | "train", backend: "wasm" | "tensorflow", target: number, quick: boolean): Workload {
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
function convLstm(mode: "infer" | "train", backend: "wasm" | "tensorflow"): Workload {
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

function onnxUnet(): Workload {
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
function onnxConvLstm(): Workload {
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
function globalCnnStep(mode: "infer" | "train", side: "onnx" | "wasm" | "tensorflow"): Workload {
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

function endToEnd(): Workload {
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
function segmentationLarge(): Workload {
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

/**
 * Sharded runs (CPU time) and a resumed run (wall time) of the segmentation job beside one plain
 * run: the same plain run, timed once, for both rows.
 */
function shardsAndResume(): Workload[] {
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
function sceneQueue(): Workload {
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
function trainStream(): Workload {
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

/** All workloads, in run order. */
export function workloads(): Workload[] {
  return [
    geotiffRead(4096, true),
    geotiffRead(16384, false),
    stripedRead(4096),
    convert(4096, true),
    convert(16384, false),
    convert(4096, false, "zstd"),
    cog(16384),
    zarrRead("zlib", "zarr-python"),
    zarrRead("blosc-lz4", "zarr-python"),
    zarrRead("zlib", "tensorstore"),
    zarrRead("blosc-lz4", "tensorstore"),
    zarrStep(),
    stages(4096, 2048, true),
    stages(16384, 4096, false),
    unet("infer", "wasm", 0.2, true),
    unet("train", "wasm", 0.12, true),
    unet("infer", "tensorflow", 0.9, true),
    unet("train", "tensorflow", 0.5, true),
    convLstm("infer", "wasm"),
    convLstm("train", "wasm"),
    convLstm("infer", "tensorflow"),
    convLstm("train", "tensorflow"),
    onnxUnet(),
    onnxConvLstm(),
    globalCnnStep("infer", "onnx"),
    globalCnnStep("infer", "wasm"),
    globalCnnStep("infer", "tensorflow"),
    globalCnnStep("train", "tensorflow"),
    endToEnd(),
    segmentationLarge(),
    sceneQueue(),
    ...shardsAndResume(),
    trainStream(),
  ];
}
