/**
 * {@link OnnxSession}: one model's ONNX Runtime session in a worker thread. onnxruntime-node
 * computes on the thread that calls `run`, so a session on the main thread would stop reading,
 * stitching, writing and queue heartbeats while the model runs; in a worker, the data path and
 * the model overlap and the event loop stays responsive. Inputs are copied into the worker and
 * outputs transferred back.
 *
 * @example
 * ```ts
 * import { exportOnnx, OnnxSession } from "tilecast/nn";
 * import { unet } from "tilecast/models";
 * const s = await OnnxSession.create(exportOnnx(unet({ inputShape: [16, 16, 2], depth: 1, filters: 2 })));
 * const y = await s.run(new Float32Array(16 * 16 * 2), [1, 16, 16, 2]);
 * console.log(y.dims, s.provider); // [1, 16, 16, 1] cpu
 * await s.release();
 * ```
 */
import type { Worker } from "node:worker_threads";
import { TilecastError } from "../../errors.js";
import { moduleWorker, siblingModule } from "../../util/module-worker.js";
import { onnxSpinning } from "./runtime.js";

/**
 * A run's output; with `input`, the buffer of the batch it ran on, handed back because no output
 * of the session fits in it: the caller's to fill again.
 */
export interface RunOutput {
  data: Float32Array;
  dims: number[];
  input?: ArrayBuffer;
}

type Reply =
  | { type: "ready"; provider: string; skipped: string[] }
  | { type: "failed"; error: string }
  | { type: "result"; id: number; data?: Float32Array; dims?: number[]; input?: ArrayBuffer; error?: string }
  | { type: "released" };

/** One model's ONNX Runtime session, run in a worker thread. Create with {@link OnnxSession.create}. */
export class OnnxSession {
  /** The execution provider the session runs on (cpu, cuda, tensorrt). */
  readonly provider: string;
  /** Better providers that did not start, and why. */
  readonly skipped: readonly string[];
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(v: RunOutput): void; reject(e: Error): void }>();
  #next = 0;

  private constructor(worker: Worker, provider: string, skipped: string[]) {
    this.#worker = worker;
    this.provider = provider;
    this.skipped = skipped;
    worker.on("message", (m: Reply) => {
      if (m.type !== "result") return;
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new TilecastError("E_STAGE", `ONNX Runtime: ${m.error}`));
      else
        p?.resolve({ data: m.data as Float32Array, dims: m.dims as number[], ...(m.input ? { input: m.input } : {}) });
    });
    worker.on("error", (e: unknown) => this.#failAll(e as Error));
    worker.on("exit", () => this.#failAll(new Error("the ONNX Runtime worker exited")));
  }

  #failAll(e: Error): void {
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
  }

  /**
   * A session for ONNX `bytes` (as {@link exportOnnx} makes them) on the best execution provider
   * that starts; an error says why none did. `threads`: CPU threads (default every core);
   * `spin`: whether idle threads spin (default: when `threads` is not given, the session having
   * the cores to itself; see {@link onnxSpinning}).
   */
  static async create(bytes: Uint8Array, o: { threads?: number; spin?: boolean } = {}): Promise<OnnxSession> {
    const spin = o.spin ?? onnxSpinning(o.threads === undefined);
    const workerData = { bytes, spin, ...(o.threads ? { threads: o.threads } : {}) };
    const worker = moduleWorker(siblingModule(import.meta.url, "session-worker"), workerData);
    const first = await new Promise<Reply>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    }).catch((e: unknown) => ({ type: "failed", error: (e as Error).message }) as Reply);
    if (first.type !== "ready") {
      await worker.terminate();
      throw new TilecastError(
        "E_UNSUPPORTED",
        first.type === "failed" ? first.error : "ONNX Runtime worker did not start",
      );
    }
    const session = new OnnxSession(worker, first.provider, first.skipped);
    // An idle session never keeps the process alive. After the constructor's listener, which
    // refs the worker's port again: a session made and never run (a run with nothing to do)
    // held its process open for good once a model was kept between runs.
    worker.unref();
    return session;
  }

  /**
   * Run the model on `data` of shape `dims` (NHWC, or N,T,H,W,C); resolves to its output. Runs
   * queue in the worker and finish in the order they were asked for, so a caller can send the
   * next batch before this one returns and the model never waits for it. With `transfer`,
   * `data` is handed to the worker instead of copied (it is empty here afterwards).
   */
  run(data: Float32Array, dims: readonly number[], options: { transfer?: boolean } = {}): Promise<RunOutput> {
    const id = this.#next++;
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    const copy = options.transfer && whole && data.buffer instanceof ArrayBuffer ? data : data.slice();
    const buffer = copy.buffer as ArrayBuffer;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.ref(); // a pending run keeps the process alive
      this.#worker.postMessage({ type: "run", id, data: copy, dims: [...dims] }, [buffer]);
    }).finally(() => {
      if (this.#pending.size === 0) this.#worker.unref();
    }) as Promise<RunOutput>;
  }

  /**
   * End the session and its worker. Runs still queued are dropped; the one in flight finishes
   * first (terminating a thread inside ONNX Runtime aborts the process), waited for up to 30 s.
   */
  async release(): Promise<void> {
    this.#failAll(new Error("the ONNX Runtime session was released"));
    const released = new Promise<void>((resolve) => {
      this.#worker.on("message", (m: Reply) => {
        if (m.type === "released") resolve();
      });
      this.#worker.once("exit", () => resolve());
    });
    this.#worker.postMessage({ type: "release" });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([released, new Promise((r) => (timer = setTimeout(r, 30_000)))]);
    clearTimeout(timer);
    await this.#worker.terminate();
  }
}
