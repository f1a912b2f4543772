/**
 * ONNX Runtime (`onnxruntime-node`, an optional dependency) as tilecast's fastest inference
 * runtime. The package loads on first use; when it is missing or broken, {@link loadOnnxRuntime}
 * says why and callers fall back to TF.js. Sessions run asynchronously (ONNX Runtime works in its
 * own worker thread, so the event loop stays free), one per model, reused for every batch.
 *
 * Execution providers are tried best first: TensorRT, then CUDA (when the package was installed
 * with its GPU libraries: `ONNXRUNTIME_NODE_INSTALL=cuda12 npm install`), then WebGPU (bundled on
 * Linux, over Vulkan: offered where {@link vulkanGpu} finds a GPU), then the bundled CPU
 * library. `TILECAST_ONNX_PROVIDERS=cuda,cpu` sets the list (`cpu` alone keeps models off a
 * GPU); `TILECAST_ONNX_THREADS` the CPU threads (default: every core, {@link pipelineOnnxThreads});
 * `TILECAST_ONNX_SPIN` whether idle threads spin ({@link onnxSpinning}).
 *
 * @example
 * ```ts
 * import { onnxRuntimeInfo } from "tilecast/nn";
 * const info = await onnxRuntimeInfo();
 * console.log(info.available ? info.version : info.reason);
 * ```
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { errorLine, TilecastError } from "../../errors.js";
import { vulkanGpu } from "./vulkan.js";

/** The parts of onnxruntime-node tilecast uses. */
interface OrtTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
  dispose?(): void;
}
interface OrtSession {
  /** With `fetches`, outputs are written into the tensors given (pre-allocated). */
  run(feeds: Record<string, OrtTensor>, fetches?: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface OrtModule {
  env: { versions: { node?: string; common?: string } };
  listSupportedBackends?(): { name: string; bundled: boolean }[];
  Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: {
    create(bytes: Uint8Array, options: Record<string, unknown>): Promise<OrtSession>;
  };
}

/** What `tilecast doctor` reports about ONNX Runtime. */
export type OnnxRuntimeInfo =
  | { available: true; version: string; providers: string[]; threads: number }
  | { available: false; reason: string };

let loaded: Promise<OrtModule | string> | null = null;

/** The onnxruntime-node module, or why it cannot load (cached). */
export function loadOnnxRuntime(): Promise<OrtModule | string> {
  loaded ??= import("onnxruntime-node").then(
    (m) => ((m as unknown as { default?: OrtModule }).default ?? (m as unknown as OrtModule)) as OrtModule,
    (e: unknown) => `onnxruntime-node is not installed or does not load (${errorLine(e).split("\n")[0]})`,
  );
  return loaded;
}

/** CPU threads for sessions. */
export function onnxThreads(): number {
  const n = Number(process.env.TILECAST_ONNX_THREADS);
  return Number.isInteger(n) && n > 0 ? n : availableParallelism();
}

/**
 * CPU threads for a model inside a pipeline: every core, like a session alone, but with idle
 * threads sleeping ({@link onnxSpinning}) so the data path (reading, normalizing, stitching,
 * compressing) gets a core whenever the model waits; `TILECAST_ONNX_THREADS` overrides. Every core
 * but one was the default until the data path got lighter; on 2026-12-01, on two cores, both cores
 * ran the 4096² water job at 342-353 tiles/s against 288-314 with one (three alternations) and the
 * 8192² segmentation job at 0.96-1.00 MP/s against 0.97-0.99 (two), by hand.
 */
export function pipelineOnnxThreads(): number {
  return onnxThreads();
}

/**
 * How a pipeline's model runs on the CPU provider, for batches of `batch` rows: a pool of
 * sessions (`OnnxSessionPool`) sharing {@link pipelineOnnxThreads} threads, idle ones sleeping.
 * Two sessions by default where there are two cores or more and batches to split
 * (`TILECAST_ONNX_SESSIONS` sets the count): each runs its share of a batch on its own threads, so
 * a thread the data path delays holds back only its share, not every thread of one shared session
 * at each operator's end. One-row batches (a global grid a step) keep one session with every
 * thread. GPU providers use one session whatever the count (see the pool).
 */
export function pipelineSessions(batch: number): { sessions: number; threads: number; spin: boolean } {
  const threads = pipelineOnnxThreads();
  const env = Number(process.env.TILECAST_ONNX_SESSIONS);
  const wanted = Number.isInteger(env) && env > 0 ? env : 2;
  const sessions = Math.max(1, Math.min(threads, wanted, batch));
  return { sessions, threads: Math.ceil(threads / sessions), spin: onnxSpinning(false) };
}

/**
 * Whether a session's idle pool threads spin (waiting for the next parallel step without
 * sleeping) or sleep: they spin for a session that has the cores to itself (`alone`), where waking
 * sleeping threads for every operator cost the benchmark U-Net about 15 % (157 against 186
 * tiles/s on 2 threads, alternating, by hand), and sleep beside a data path that needs the cores.
 * `TILECAST_ONNX_SPIN=1` or `0` overrides.
 */
export function onnxSpinning(alone: boolean): boolean {
  const env = process.env.TILECAST_ONNX_SPIN;
  return env === "1" ? true : env === "0" ? false : alone;
}

/**
 * Whether the GPU provider library `name` was installed beside the binding (the default install
 * has only the CPU library; `ONNXRUNTIME_NODE_INSTALL=cuda12` adds CUDA and TensorRT).
 */
function providerInstalled(name: string): boolean {
  try {
    const main = createRequire(import.meta.url).resolve("onnxruntime-node");
    const bin = join(dirname(main), "..", "bin", "napi-v6", process.platform, process.arch);
    return existsSync(join(bin, `libonnxruntime_providers_${name}.so`));
  } catch {
    return false;
  }
}

/**
 * Whether only the CPU provider can start, known without loading ONNX Runtime: the providers
 * asked for (`TILECAST_ONNX_PROVIDERS`) are only `cpu`, or none is asked for, no GPU provider
 * library is installed beside the binding and no GPU is there for WebGPU.
 */
export function cpuOnlyProviders(): boolean {
  const env = process.env.TILECAST_ONNX_PROVIDERS;
  if (env)
    return env
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .every((p) => p === "cpu");
  return !providerInstalled("cuda") && !providerInstalled("tensorrt") && vulkanGpu() === null;
}

/** Providers to try, best first. */
function providerLadder(ort: OrtModule): string[] {
  const env = process.env.TILECAST_ONNX_PROVIDERS;
  if (env)
    return env
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const offered = ort.listSupportedBackends?.() ?? [];
  const cuda = ["tensorrt", "cuda"].filter((name) =>
    offered.some((b) => b.name === name && (b.bundled || providerInstalled(name))),
  );
  const webgpu = offered.some((b) => b.name === "webgpu" && b.bundled) && vulkanGpu() !== null;
  return [...cuda, ...(webgpu ? ["webgpu"] : []), "cpu"];
}

/** Whether ONNX Runtime loads, its version, providers and threads. */
export async function onnxRuntimeInfo(): Promise<OnnxRuntimeInfo> {
  const ort = await loadOnnxRuntime();
  if (typeof ort === "string") return { available: false, reason: ort };
  return {
    available: true,
    version: ort.env.versions.node ?? ort.env.versions.common ?? "?",
    providers: providerLadder(ort),
    threads: onnxThreads(),
  };
}

/**
 * One model's ONNX Runtime session in the calling thread. onnxruntime-node runs a session on
 * the thread that calls it, so tilecast keeps these in a worker thread ({@link OnnxSession}).
 */
export class LocalSession {
  /** The execution provider the session runs on. */
  readonly provider: string;
  readonly #ort: OrtModule;
  readonly #session: OrtSession;

  private constructor(ort: OrtModule, session: OrtSession, provider: string) {
    this.#ort = ort;
    this.#session = session;
    this.provider = provider;
  }

  /**
   * A session for ONNX `bytes` (as {@link exportOnnx} makes them), on the best provider that
   * starts; the skipped ones and why are in `skipped`.
   */
  static async create(
    bytes: Uint8Array,
    threads?: number,
    spin = false,
  ): Promise<LocalSession & { skipped: string[] }> {
    const spinning = spin ? "1" : "0";
    const ort = await loadOnnxRuntime();
    if (typeof ort === "string") throw new TilecastError("E_UNSUPPORTED", ort);
    const skipped: string[] = [];
    for (const provider of providerLadder(ort)) {
      try {
        const session = await ort.InferenceSession.create(bytes, {
          executionProviders: [provider],
          intraOpNumThreads: threads ?? onnxThreads(),
          interOpNumThreads: 1,
          graphOptimizationLevel: "all",
          // Without `spin`, idle pool threads sleep instead of spinning, leaving the cores to
          // the data path (reading, normalizing, stitching, writing) that runs beside the model.
          extra: { session: { intra_op: { allow_spinning: spinning }, inter_op: { allow_spinning: spinning } } },
        });
        return Object.assign(new LocalSession(ort, session, provider), { skipped });
      } catch (e) {
        skipped.push(`${provider}: ${errorLine(e).split("\n")[0]}`);
      }
    }
    throw new TilecastError("E_UNSUPPORTED", `ONNX Runtime could not start a session (${skipped.join("; ")})`);
  }

  /** Run the model on `data` of shape `dims` (NHWC, or N,T,H,W,C); resolves to its output. */
  async run(data: Float32Array, dims: readonly number[]): Promise<{ data: Float32Array; dims: number[] }> {
    const input = new this.#ort.Tensor("float32", data, dims);
    const out = (await this.#session.run({ input })).output as OrtTensor;
    const result = { data: out.data, dims: [...out.dims] };
    input.dispose?.();
    return result;
  }

  /**
   * As {@link run}, with the output written into `out`, which must have the output's shape
   * `outDims` (a previous run of this input shape tells it): no output memory of ONNX Runtime's
   * to copy out, and `out` may be memory used before.
   */
  async runInto(
    data: Float32Array,
    dims: readonly number[],
    out: Float32Array,
    outDims: readonly number[],
  ): Promise<{ data: Float32Array; dims: number[] }> {
    const input = new this.#ort.Tensor("float32", data, dims);
    const output = new this.#ort.Tensor("float32", out, outDims);
    try {
      await this.#session.run({ input }, { output });
    } finally {
      input.dispose?.();
    }
    return { data: out, dims: [...outDims] };
  }

  async release(): Promise<void> {
    await this.#session.release();
  }
}
