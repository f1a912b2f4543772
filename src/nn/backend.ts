/**
 * Backend selection. At start tilecast picks the best backend it can load:
 *
 * 1. `tensorflow` from `@tensorflow/tfjs-node-gpu` (CUDA), then `@tensorflow/tfjs-node`
 *    (native CPU), when installed: both are optional and a missing or broken one is a fallback,
 *    never a crash;
 * 2. `wasm` (XNNPACK with 128-bit SIMD), with tilecast's training kernels installed
 *    ({@link registerWasmTrainingKernels});
 * 3. `cpu` (plain JavaScript).
 *
 * `TILECAST_BACKEND=tensorflow|wasm|cpu` (or the `prefer` argument) asks for one; if it cannot
 * load, the error says why. The report says which backend runs, its version, its threads,
 * whether a GPU is in use, and why each better choice was skipped. tfjs's wasm build runs
 * single-threaded in Node (its threaded build needs browser Web Workers), so `threads` is 1 there.
 *
 * @example
 * ```ts
 * import { selectBackend } from "tilecast";
 * const report = await selectBackend({ prefer: "cpu" });
 * console.log(report.backend, report.threads); // cpu 1
 * ```
 */
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type * as WasmBackend from "@tensorflow/tfjs-backend-wasm";
import { TilecastError } from "../errors.js";
import { tf } from "../tfjs.js";
import { withStderrSilenced } from "../util/quiet-stderr.js";
import { bandConvolutions } from "./banded-conv.js";
import { routeBatchNormTraining } from "./batch-norm-training.js";
import { fixCpuCast } from "./cpu-cast.js";
import { useNativeFileIO } from "./file-io.js";
import { freeGradientsEarly } from "./free-gradients.js";
import { loadStdioShim } from "./native/stdio-shim.js";
import { fuseNativeConvolutions } from "./native-fused-conv.js";
import { registerBroadcastGradients, registerNativeKernels } from "./native-kernels.js";
import { silenceTfjsNoise } from "./quiet.js";
import { saveShapesOnly } from "./shape-only-saves.js";
import { registerRearrangeKernels } from "./wasm/rearrange.js";
import { registerWasmTrainingKernels } from "./wasm/register.js";

silenceTfjsNoise();
registerBroadcastGradients();
freeGradientsEarly();
saveShapesOnly();
routeBatchNormTraining();
fixCpuCast();
registerRearrangeKernels("cpu");

/** Backends tilecast can select. */
export type BackendName = "tensorflow" | "wasm" | "cpu";

/** What {@link selectBackend} chose, and why. */
export interface BackendReport {
  backend: BackendName;
  /** The package providing it. */
  package: string;
  version: string;
  threads: number;
  gpu: boolean;
  /** WebAssembly SIMD in use (wasm only). */
  simd?: boolean;
  /** The TensorFlow C library's version (tensorflow only). */
  tensorflow?: string;
  /** Better backends that were skipped, with the reason. */
  skipped: { backend: string; reason: string }[];
}

const NATIVE = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const;

/** The native package the tensorflow backend came from, once one has loaded. */
let nativeLoaded: (typeof NATIVE)[number] | null = null;

/** The native package (`@tensorflow/tfjs-node` or `-gpu`) behind the tensorflow backend, or null. */
export const nativePackage = (): string | null => nativeLoaded;

/** Whether `pkg` is installed but has no compiled binding (false when it is not installed at all). */
function bindingMissing(pkg: string): boolean {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    return false; // not installed: the import says so
  }
  const lib = join(dir, "lib");
  return !(existsSync(lib) && readdirSync(lib).some((d) => existsSync(join(lib, d, "tfjs_binding.node"))));
}

async function tryNative(skipped: BackendReport["skipped"]): Promise<BackendReport | null> {
  for (const pkg of NATIVE) {
    try {
      // An installed copy without its binding (its download failed, or `tilecast native build`
      // built the other package) is skipped before import: importing it half-registers kernels.
      if (bindingMissing(pkg))
        throw new Error(
          "installed without its native binding (`tilecast native build --from <TensorFlow>` builds one)",
        );
      // Quieter TensorFlow C++ logging unless --debug. The lines its libraries print while
      // loading come before that setting is read, so the (synchronous) load runs with stderr
      // on /dev/null where `tilecast native build` compiled the dup/dup2 addon.
      const load = () => createRequire(import.meta.url)(pkg);
      const shim = process.env.TILECAST_DEBUG ? null : loadStdioShim(pkg);
      if (!process.env.TILECAST_DEBUG) process.env.TF_CPP_MIN_LOG_LEVEL ??= "2";
      if (shim) withStderrSilenced(shim, load);
      else load();
      registerNativeKernels();
      useNativeFileIO();
      if (!(await tf.setBackend("tensorflow"))) throw new Error("the tensorflow backend failed to initialise");
      fuseNativeConvolutions();
      nativeLoaded = pkg;
      const b = tf.backend() as unknown as { isUsingGpuDevice?: () => boolean; binding?: { TF_Version?: string } };
      const gpu = pkg.endsWith("-gpu") && Boolean(b.isUsingGpuDevice?.());
      // oneDNN's im2col convolutions fall back to a scalar loop past ~1 GB of scratch: bands.
      if (!gpu) bandConvolutions("tensorflow");
      const threads = (await import("node:os")).availableParallelism();
      const tensorflow = b.binding?.TF_Version;
      return {
        backend: "tensorflow",
        package: pkg,
        version: tf.version.tfjs,
        threads,
        gpu,
        ...(tensorflow ? { tensorflow } : {}),
        skipped,
      };
    } catch (e) {
      skipped.push({ backend: pkg, reason: firstLine(e) });
    }
  }
  return null;
}

async function tryWasm(skipped: BackendReport["skipped"]): Promise<BackendReport | null> {
  try {
    // Required, not imported, as `tfjs.ts` explains.
    const wasm = createRequire(import.meta.url)("@tensorflow/tfjs-backend-wasm") as typeof WasmBackend;
    registerWasmTrainingKernels();
    if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend failed to initialise");
    const simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
    return {
      backend: "wasm",
      package: "@tensorflow/tfjs-backend-wasm",
      version: wasm.version_wasm,
      threads: wasm.getThreadsCount(),
      gpu: false,
      simd,
      skipped,
    };
  } catch (e) {
    skipped.push({ backend: "wasm", reason: firstLine(e) });
    return null;
  }
}

async function useCpu(skipped: BackendReport["skipped"]): Promise<BackendReport> {
  await tf.setBackend("cpu");
  quietCpuBanner();
  return {
    backend: "cpu",
    package: "@tensorflow/tfjs-backend-cpu",
    version: tf.version.tfjs,
    threads: 1,
    gpu: false,
    skipped,
  };
}

/** The cpu backend prints an "install tfjs-node" banner on first use; tilecast reports the backend instead. */
export function quietCpuBanner(): void {
  if (tf.getBackend() === "cpu") (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
}

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string }).code;
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return "not installed";
  return m.split("\n")[0] ?? m;
}

/** The backend asked for (`prefer`, else `TILECAST_BACKEND`; "" for the ladder), checked. */
export function wantedBackend(prefer?: string): string {
  const want = prefer ?? process.env.TILECAST_BACKEND ?? "";
  if (want && !["tensorflow", "wasm", "cpu"].includes(want))
    throw new TilecastError("E_ARGUMENT", `TILECAST_BACKEND must be tensorflow, wasm or cpu, got '${want}'`);
  return want;
}

/** Choose and initialise a backend; see the module documentation. */
export async function selectBackend(options: { prefer?: string } = {}): Promise<BackendReport> {
  const want = wantedBackend(options.prefer);
  const skipped: BackendReport["skipped"] = [];
  if (want === "cpu") return useCpu(skipped);
  if (want === "wasm" || want === "tensorflow") {
    const r = want === "wasm" ? await tryWasm(skipped) : await tryNative(skipped);
    if (r) return r;
    const why = skipped.map((s) => `${s.backend}: ${s.reason}`).join("; ");
    throw new TilecastError("E_UNSUPPORTED", `backend '${want}' is not available (${why})`);
  }
  return (await tryNative(skipped)) ?? (await tryWasm(skipped)) ?? useCpu(skipped);
}

/** One line for logs: `wasm 4.22.0 (1 thread, SIMD)`. */
export function describeBackend(r: BackendReport): string {
  const bits = [`${r.threads} thread${r.threads === 1 ? "" : "s"}`];
  if (r.simd) bits.push("SIMD");
  if (r.gpu) bits.push("GPU");
  if (r.tensorflow) bits.push(`TensorFlow ${r.tensorflow}`);
  return `${r.backend} ${r.version} (${bits.join(", ")})`;
}
