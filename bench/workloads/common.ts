/**
 * What the workloads share: where inputs live, the interpreters and commands that run each side,
 * and making an input on first use.
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync } from "node:fs";

export const DATA = "bench/data";
const VENV = "bench/.venv/bin/python";
export const PYTHON = process.env.TILECAST_PYTHON ?? "/usr/bin/python3";
export const TORCH = process.env.TILECAST_TORCH_PYTHON ?? (existsSync(VENV) ? VENV : PYTHON);
export const TENSORSTORE = process.env.TILECAST_TENSORSTORE_PYTHON ?? (existsSync(VENV) ? VENV : PYTHON);
export const NODE = process.execPath;
export const TSX = [NODE, "--import", "tsx"] as const;
/** Memory runs on the backend most users have, whatever else is installed. */
export const WASM = { TILECAST_BACKEND: "wasm" };

/** Why a model row beside PyTorch cannot run on `backend` (tfjs-node not built, no torch), or null. */
export function modelUnavailable(backend: "wasm" | "tensorflow"): string | null {
  if (
    backend === "tensorflow" &&
    spawnSync(NODE, ["-e", "require('@tensorflow/tfjs-node')"], { stdio: "ignore" }).status !== 0
  )
    return "tfjs-node is not built (tilecast native build --from <TensorFlow wheel>)";
  return pythonHas(TORCH, "torch") ? null : `no torch in ${TORCH} (npm run bench:setup)`;
}

export function pythonHas(python: string, module: string): boolean {
  return spawnSync(python, ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;
}

export function make(path: string, script: string, ...args: string[]): string {
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
export const floatInput = (file: string, n: number) => {
  make(file, "bench/make-input.py", file, String(n));
  if (n > 8192) warmPageCache(file);
};

/** A workload's `cleanup`: remove the outputs both sides wrote (absent ones are fine). */
export const removeFiles =
  (...paths: string[]) =>
  (): void => {
    for (const p of paths) rmSync(p, { force: true });
  };
export const floatTif = (n: number) => `${DATA}/f32-${n}.deflate.pred3.tif`;
export const sceneTif = (n: number) => `${DATA}/scene-u16-4b-${n}.tif`;
export const zarrStore = (codec: string) => `${DATA}/era5-like.${codec}.zarr`;
