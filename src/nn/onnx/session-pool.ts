/**
 * {@link OnnxSessionPool}: a model's batches spread over several ONNX Runtime sessions, each in a
 * worker of its own with a share of the cores, instead of one session whose threads split every
 * operator between them. Split operators wait for each other at every step; beside a data path
 * that takes a core now and then, one thread's share is late and the others sleep. Separate
 * sessions never wait for each other, so the cores stay busy whoever takes them. On 2 cores the
 * shipped water U-Net ran 743-767 tiles/s as two one-thread sessions against 636-737 as one
 * two-thread session, alone (by hand, alternating; see the README's benchmark section for the
 * pipeline figures).
 *
 * @example
 * ```ts
 * import { exportOnnx, OnnxSessionPool } from "tilecast/nn";
 * import { unet } from "tilecast/models";
 * const pool = await OnnxSessionPool.create(exportOnnx(unet({ inputShape: [16, 16, 2], depth: 1, filters: 2 })), { sessions: 2 });
 * const y = await pool.run(new Float32Array(16 * 16 * 2), [1, 16, 16, 2]);
 * console.log(y.dims, pool.size); // [1, 16, 16, 1] 2
 * await pool.release();
 * ```
 */
import { TilecastError } from "../../errors.js";
import { cpuOnlyProviders } from "./runtime.js";
import { OnnxSession, type RunOutput } from "./session.js";

/** `n` sessions started at once; if any fails, the others are released and its error thrown. */
async function startSessions(n: number, create: () => Promise<OnnxSession>): Promise<OnnxSession[]> {
  const started = await Promise.allSettled(Array.from({ length: n }, create));
  const sessions = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s) => s.status === "rejected");
  if (!failed) return sessions;
  await Promise.all(sessions.map((s) => s.release()));
  throw (failed as PromiseRejectedResult).reason;
}

/** Several sessions of one model; {@link OnnxSessionPool.run} gives each batch to the least busy. */
export class OnnxSessionPool {
  readonly #sessions: readonly OnnxSession[];
  readonly #busy: number[];
  #turn = 0;

  private constructor(sessions: OnnxSession[]) {
    this.#sessions = sessions;
    this.#busy = sessions.map(() => 0);
  }

  /**
   * `sessions` sessions of `bytes`, each with `threads` CPU threads (default 1) and idle threads
   * spinning or not (`spin`, default not). A session that starts on a GPU provider (CUDA,
   * TensorRT) is the pool's only one: the device runs one batch at a time however many sessions
   * feed it, and each would hold its own copy of the model and workspace there.
   */
  static async create(
    bytes: Uint8Array,
    o: { sessions: number; threads?: number; spin?: boolean },
  ): Promise<OnnxSessionPool> {
    if (!Number.isInteger(o.sessions) || o.sessions < 1)
      throw new TilecastError("E_ARGUMENT", `sessions must be a whole number >= 1, got ${o.sessions}`);
    const options = { threads: o.threads ?? 1, spin: o.spin ?? false };
    const start = (n: number) => startSessions(n, () => OnnxSession.create(bytes, options));
    // Where only the CPU provider can start, the sessions start together (each in a worker of its
    // own); else the first says which provider runs before any other starts.
    const first = await start(cpuOnlyProviders() ? o.sessions : 1);
    const one = first[0] as OnnxSession;
    if (one.provider !== "cpu" || o.sessions === 1) {
      await Promise.all(first.slice(1).map((s) => s.release()));
      return new OnnxSessionPool([one]);
    }
    const more =
      first.length < o.sessions
        ? await start(o.sessions - first.length).catch(async (e: unknown) => {
            await Promise.all(first.map((s) => s.release()));
            throw e;
          })
        : [];
    return new OnnxSessionPool([...first, ...more]);
  }

  /** How many sessions the pool runs. */
  get size(): number {
    return this.#sessions.length;
  }

  /** The execution provider the sessions run on (all start on the first one's). */
  get provider(): string {
    return (this.#sessions[0] as OnnxSession).provider;
  }

  /** Better providers that did not start, and why. */
  get skipped(): readonly string[] {
    return (this.#sessions[0] as OnnxSession).skipped;
  }

  /**
   * Run one batch (as {@link OnnxSession.run}), split by rows over the sessions (as evenly as
   * it divides; a one-row batch goes to the session with the fewest runs waiting). Each session
   * runs its rows on its own threads and the outputs are joined in order. Splitting keeps the
   * model's memory that of one session with the whole batch: each session's workspace is sized
   * for its share. With `whole`, the batch goes unsplit (and uncopied, with `transfer`) to the
   * session with the fewest runs waiting: for a caller that keeps every session busy with
   * batches of a session's share (a pipeline; see `LoadedModel.batchSize`).
   */
  async run(
    data: Float32Array,
    dims: readonly number[],
    options: { transfer?: boolean; whole?: boolean } = {},
  ): Promise<RunOutput> {
    const rows = dims[0] as number;
    const parts = options.whole ? 1 : Math.min(this.#sessions.length, rows);
    if (parts <= 1) return this.#runOn(this.#pick(), data, dims, options);
    const row = data.length / rows;
    const shares = Array.from({ length: parts }, (_, i) => {
      const lo = Math.floor((i * rows) / parts);
      const hi = Math.floor(((i + 1) * rows) / parts);
      return this.#runOn(i, data.subarray(lo * row, hi * row), [hi - lo, ...dims.slice(1)], {});
    });
    const outs = await Promise.all(shares);
    const first = outs[0] as { data: Float32Array; dims: number[] };
    const joined = new Float32Array(outs.reduce((n, o) => n + o.data.length, 0));
    let at = 0;
    for (const o of outs) {
      joined.set(o.data, at);
      at += o.data.length;
    }
    return { data: joined, dims: [rows, ...first.dims.slice(1)] };
  }

  async #runOn(
    i: number,
    data: Float32Array,
    dims: readonly number[],
    options: { transfer?: boolean },
  ): Promise<RunOutput> {
    this.#busy[i] = (this.#busy[i] as number) + 1;
    try {
      return await (this.#sessions[i] as OnnxSession).run(data, dims, options);
    } finally {
      this.#busy[i] = (this.#busy[i] as number) - 1;
    }
  }

  #pick(): number {
    const n = this.#sessions.length;
    let best = this.#turn % n;
    for (let k = 1; k < n; k++) {
      const i = (this.#turn + k) % n;
      if ((this.#busy[i] as number) < (this.#busy[best] as number)) best = i;
    }
    this.#turn = best + 1;
    return best;
  }

  /** End every session (see {@link OnnxSession.release}). */
  async release(): Promise<void> {
    await Promise.all(this.#sessions.map((s) => s.release()));
  }
}
