/**
 * Every workload of `npm run bench`, each beside the tool a user would pick instead. Inputs are
 * made on first use (GDAL, zarr-python) in `bench/data/`. References come from
 * `npm run bench:setup`: GDAL and zarr-python (Debian), PyTorch and tensorstore (a venv in
 * `bench/.venv`, from pip's index where it has them; Debian's torch 1.13 otherwise), and a
 * script of GDAL and PyTorch doing the water job (`bench/seg_torch.py`).
 * `TILECAST_PYTHON`, `TILECAST_TORCH_PYTHON` and `TILECAST_TENSORSTORE_PYTHON` override.
 */
import type { Workload } from "./harness.js";
import {
  cog,
  convert,
  geotiffRead,
  stages,
  stripedRead,
  swathConvert,
  zarrOpenAppended,
  zarrRead,
  zarrStep,
} from "./workloads/io.js";
import { sceneQueue, shardsAndResume, trainStream } from "./workloads/jobs.js";
import {
  convLstm,
  endToEnd,
  globalCnnStep,
  onnxConvLstm,
  onnxUnet,
  segmentationLarge,
  unet,
} from "./workloads/models.js";
import { jobAgainstPython } from "./workloads/python-job.js";
import { remoteOpen } from "./workloads/remote.js";

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
    zarrOpenAppended(),
    remoteOpen(false),
    remoteOpen(true),
    swathConvert(),
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
    jobAgainstPython(),
    sceneQueue(),
    ...shardsAndResume(),
    trainStream(),
  ];
}
