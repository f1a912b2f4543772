/**
 * The water segmentation job beside the script a Python user would write for it with GDAL and
 * PyTorch (`bench/seg_torch.py`: the same weights, windows, Hann blending and compressed
 * GeoTIFF). Both sides are timed as whole processes, start to output on disk, in megapixels of
 * the scene per second: `tilecast run pipelines/scene-water.yaml` as a user types it, and the
 * script on Debian's Python (its GDAL bindings) with the newest PyTorch the bench has.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Workload } from "../harness.js";
import { DATA, make, NODE, PYTHON, pythonHas, removeFiles, TORCH, WASM } from "./common.js";

const SIZE = 4096;
const SCENE = `${DATA}/scene-${SIZE}.tif`;
const OUT = { tilecast: `${DATA}/out-water-tilecast.tif`, python: `${DATA}/out-water-python.tif` };

/**
 * Where {@link TORCH} keeps its packages when it is a virtual environment's Python (the script
 * puts the directory first on its path, after loading GDAL); "" for a system Python.
 */
function torchSite(): string {
  const venv = dirname(dirname(TORCH));
  if (!existsSync(join(venv, "pyvenv.cfg"))) return "";
  const version = readdirSync(join(venv, "lib")).find((d) => d.startsWith("python3"));
  return version ? join(venv, "lib", version, "site-packages") : "";
}

export function jobAgainstPython(): Workload {
  const abs = (p: string) => `${process.cwd()}/${p}`;
  const work = (SIZE * SIZE) / 1e6;
  return {
    group: "segmentation",
    name: `segmentation job, ${SIZE}² x 4, scene-water U-Net, whole process`,
    unit: "MP/s",
    quick: false,
    unavailable: () =>
      !pythonHas(PYTHON, "osgeo.gdal")
        ? `no GDAL bindings in ${PYTHON} (npm run bench:setup)`
        : !pythonHas(TORCH, "torch")
          ? `no torch in ${TORCH} (npm run bench:setup)`
          : null,
    setup: () => void make(SCENE, "bench/make-scene.py", SCENE, String(SIZE)),
    tilecast: {
      tool: "tilecast run",
      cmd: NODE,
      args: [
        "bin/tilecast.js",
        "run",
        "pipelines/scene-water.yaml",
        ...["--set", `input.path=${abs(SCENE)}`, "--set", `output.path=${abs(OUT.tilecast)}`],
        ...["--set", `output.quicklook=${abs(OUT.tilecast)}.png`, "-q"],
      ],
      env: WASM,
      work,
    },
    reference: {
      tool: "GDAL + PyTorch script",
      cmd: PYTHON,
      args: ["bench/seg_torch.py", SCENE, "models/scene-water", OUT.python],
      env: { TILECAST_TORCH_SITE: torchSite(), GDAL_NUM_THREADS: "2", BENCH_TORCH_THREADS: "2" },
      work,
    },
    cleanup: removeFiles(
      ...[OUT.tilecast, OUT.python].flatMap((o) => [o, `${o}.png`, `${o}.png.aux.xml`, `${o}.manifest.json`]),
    ),
  };
}
