/**
 * Zarr chunks and GeoTIFF blocks read and decompressed on worker threads, and GeoTIFF tiles
 * compressed with Zstandard there (`ZstdEncodeJob`). On the main thread a
 * file is read in libuv's pool but its decoding (Blosc, Zstandard, LZ4, LZW, LERC, predictors)
 * waits for the main thread, and so does the start and the end of each zlib inflate: a reader
 * that asks for the next chunk and then works on the current one gets the next one decoded only
 * after that work. Here a whole chunk or block, file read and decompression, is one job for a
 * worker, which starts the moment it is asked for, and the bytes come back without a copy.
 *
 * What takes this path is chosen by each format: Zarr chunks of local stores whose bytes are
 * their values once decompressed (`zarr/off-thread.ts`; a large Blosc-LZ4 chunk someone waits
 * for goes as one job per idle worker, each decoding a part of its blocks); GeoTIFF blocks of
 * local files in the codecs a worker decodes (`geotiff/off-thread.ts`). Small Zarr chunks stay
 * on the main thread, where a message costs more than decoding; small GeoTIFF blocks go in runs.
 * Whatever a worker cannot deliver (a missing file, a corrupt block, a wrong size) is read again
 * the usual way, so fill values and error messages are those of the main-thread path.
 *
 * A worker takes tens of milliseconds to start (more while the main thread is busy). Until one
 * is up, the pool does its jobs on the calling thread, one at a time, the way a worker would:
 * the first chunks or blocks of a process then come back as soon as this thread can decode them,
 * instead of after the workers' start.
 *
 * `TILECAST_CODEC_WORKERS` sets the number of workers (default: one per core, at most 4; 0 turns
 * the pool off); `TILECAST_ZARR_WORKERS`, its earlier name, is still read when it is not set.
 */
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { moduleWorker, siblingModule } from "../util/module-worker.js";
import {
  type CodecJob,
  type CodecReply,
  type EncodeJob,
  type EncodeReply,
  ownsBuffer,
  type PartReply,
  type PoolJob,
  withDecodeTarget,
  type ZarrChunkJob,
} from "./codec-jobs.js";
import type { BlockPart } from "./zarr/blosc.js";

export {
  type CodecJob,
  type CodecReply,
  type EncodeJob,
  type EncodeReply,
  type OffThreadCodec,
  ownsBuffer,
  type PartReply,
  type PoolJob,
  type TiffBlockJob,
  type TiffBlockRef,
  type ZarrChunkJob,
} from "./codec-jobs.js";

/** Jobs a worker up takes from those queued while another worker is still starting. */
const START_DEPTH = 2;

/** Zarr chunks smaller than this decode on the main thread (GeoTIFF's thresholds: `geotiff/off-thread.ts`). */
export const MIN_OFF_THREAD_BYTES = 256 * 1024;

/** Workers to start (`TILECAST_CODEC_WORKERS`, else one per core up to 4). */
export function codecWorkers(): number {
  const env = process.env.TILECAST_CODEC_WORKERS || process.env.TILECAST_ZARR_WORKERS;
  const n = env === undefined || env === "" ? Math.min(4, availableParallelism()) : Number(env);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

interface Slot {
  worker: Worker;
  pending: Map<number, (r: CodecReply | null) => void>;
  /** Set to 1 by the worker once it takes jobs: read without waiting for its message. */
  up: Int32Array;
  /** Settles when the worker says it is up, or ends first. */
  started: Promise<void>;
  /** Jobs it answered with bytes. */
  done: number;
}

const isUp = (s: Slot): boolean => Atomics.load(s.up, 0) === 1;

/** See the module documentation. One pool serves the process ({@link codecPool}). */
export class CodecPool {
  readonly #size: number;
  readonly #slots: Slot[] = [];
  #next = 0;
  #done = 0;
  #fallbacks = 0;
  #here = 0;
  /** Turns of the jobs asked for while no worker was up ({@link CodecPool.#onThisThread}). */
  #queue: Promise<unknown> = Promise.resolve();
  /** Turns waiting for a worker to answer or come up. */
  readonly #waiters: (() => void)[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  /**
   * The bytes `job` makes (a buffer of their own): a chunk or block decoded, a tile compressed;
   * or null: do it the usual way.
   */
  async run(job: PoolJob): Promise<Uint8Array | null> {
    const r = await this.#reply(job);
    return r && r !== "no worker" && "bytes" in r ? r.bytes : null;
  }

  /**
   * Compress on a worker. The input is handed over: transferred when it owns its buffer
   * ({@link ownsBuffer}; else copied), so a tile costs no copy and no fresh memory in the worker,
   * and handed back with the answer. A caller that made the input for this can fill it again for
   * the next job; when `bytes` is null it compresses `input` itself; when `input` is null too (a
   * worker that ended mid-job) it must make the input again.
   */
  async encode(job: EncodeJob): Promise<EncodeReply> {
    const r = await this.#reply(job, ownsBuffer(job.input) ? [job.input.buffer as ArrayBuffer] : []);
    if (r === "no worker") return { bytes: null, input: job.input };
    return { bytes: r && "bytes" in r ? r.bytes : null, input: r?.input ?? null };
  }

  /** A part of a Zarr chunk ({@link ZarrChunkJob}'s `part`), or null: do the chunk the usual way. */
  async runPart(job: ZarrChunkJob & { part: BlockPart }): Promise<PartReply | null> {
    const r = await this.#reply(job);
    return r && r !== "no worker" && "range" in r && r.range ? { bytes: r.bytes, range: r.range } : null;
  }

  /** Workers that would start a job now: those up and without one. */
  idle(): number {
    return this.#slots.filter((s) => isUp(s) && s.pending.size === 0).length;
  }

  /**
   * `job` on a worker (its `transfer` list handed over): the worker's answer, null when the
   * worker ended before answering, or "no worker" when none could start (nothing was sent).
   */
  #reply(job: PoolJob, transfer: ArrayBuffer[] = []): Promise<CodecReply | null | "no worker"> {
    const slot = this.#pick();
    if (!slot) return Promise.resolve("no worker");
    if (!isUp(slot)) return this.#onThisThread(job, transfer);
    return this.#send(slot, job, transfer);
  }

  /**
   * `job` on this thread while no worker is up, after the jobs queued here before it; or on a
   * worker that came up while it waited. Its buffers are not transferred: an encode job's input
   * comes back as the same array.
   *
   * The queue holds turns, not the workers' answers: a queued job that finds a worker up is sent,
   * and the next one takes its turn at once. While another worker is still starting, a worker
   * up takes {@link START_DEPTH} of the queued jobs at a time, so that the late one gets its share.
   * Before, the queue waited for each answer and the jobs asked for while the workers started
   * went to one worker, one at a time: the first 512 rows of a 4096-strip GeoTIFF took 84-91 ms,
   * the other worker idle for 50 of them (64-70 ms now).
   */
  #onThisThread(job: PoolJob, transfer: ArrayBuffer[]): Promise<CodecReply | null> {
    const turn = this.#queue.then(async (): Promise<{ reply: Promise<CodecReply | null> }> => {
      for (let slot = this.#pick(); slot && isUp(slot); slot = this.#pick()) {
        if (slot.pending.size < START_DEPTH || this.#slots.every(isUp))
          return { reply: this.#send(slot, job, transfer) };
        await this.#change();
      }
      const { answerJob } = await import("./codec-job.js");
      const { reply } = await answerJob({ ...job, id: -1 } as CodecJob);
      if ("bytes" in reply) this.#here++;
      else this.#fallbacks++;
      return { reply: Promise.resolve(reply) };
    });
    this.#queue = turn.catch(() => undefined);
    return turn.then((t) => t.reply);
  }

  /** Settles at the next answer from a worker, or when a worker comes up or ends. */
  #change(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #changed(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  #send(slot: Slot, job: PoolJob, transfer: ArrayBuffer[]): Promise<CodecReply | null> {
    const id = this.#next++;
    return new Promise<CodecReply | null>((resolve) => {
      slot.pending.set(id, resolve);
      if (slot.pending.size === 1) slot.worker.ref();
      const sent = withDecodeTarget({ ...job, id });
      slot.worker.postMessage(sent.job, sent.into ? [...transfer, sent.into] : transfer);
    }).then((r) => {
      if (r && "bytes" in r) {
        this.#done++;
        slot.done++;
      } else this.#fallbacks++;
      return r;
    });
  }

  /**
   * Start the pool's workers now, when an array or image that will use them is opened: a worker
   * takes about 40 ms to start, which then passes while the caller opens the rest of the file or
   * store and plans its first read, instead of before the first chunk or block comes back.
   */
  warm(): void {
    while (this.#slots.length < this.#size && this.#start());
  }

  /** Whether any worker has been started (and not ended). */
  get started(): boolean {
    return this.#slots.length > 0;
  }

  /**
   * Settles when every worker started so far is up (or has ended): from then on, jobs go to
   * workers, none to this thread.
   */
  async whenUp(): Promise<void> {
    await Promise.all(this.#slots.map((s) => s.started));
  }

  /**
   * Jobs the workers did (`byWorker`: of each worker running, in the order they started), those
   * left to the main thread after a worker's try, and those done on this thread while no worker
   * was up (`here`).
   */
  stats(): { done: number; fallbacks: number; workers: number; here: number; byWorker: number[] } {
    const byWorker = this.#slots.map((s) => s.done);
    return { done: this.#done, fallbacks: this.#fallbacks, workers: this.#slots.length, here: this.#here, byWorker };
  }

  /**
   * The worker that is up with the fewest jobs; one that is starting when none is up. Starts
   * another while there are fewer than the pool's size and every worker has a job.
   */
  #pick(): Slot | null {
    const least = (slots: Slot[]) =>
      slots.reduce<Slot | null>((b, s) => (!b || s.pending.size < b.pending.size ? s : b), null);
    const best = least(this.#slots.filter(isUp));
    if ((!best || best.pending.size > 0) && this.#slots.length < this.#size) this.#start();
    return best ?? least(this.#slots);
  }

  #start(): Slot | null {
    let worker: Worker;
    const up = new Int32Array(new SharedArrayBuffer(4));
    try {
      worker = moduleWorker(siblingModule(import.meta.url, "codec-worker"), up);
    } catch {
      return null;
    }
    let said = () => {};
    const started = new Promise<void>((resolve) => {
      said = resolve;
    });
    const slot: Slot = { worker, pending: new Map(), up, started, done: 0 };
    const settle = (id: number, r: CodecReply | null) => {
      const done = slot.pending.get(id);
      if (!done) return;
      slot.pending.delete(id);
      if (slot.pending.size === 0) worker.unref();
      done(r);
      this.#changed();
    };
    const cameUp = () => {
      said();
      this.#changed();
    };
    worker.on("message", (r: CodecReply) => (r.id === -1 ? cameUp() : settle(r.id, r)));
    const fail = () => {
      said();
      const at = this.#slots.indexOf(slot);
      if (at >= 0) this.#slots.splice(at, 1);
      for (const id of [...slot.pending.keys()]) settle(id, null);
      this.#changed();
    };
    worker.on("error", fail);
    worker.on("exit", fail);
    worker.unref();
    this.#slots.push(slot);
    return slot;
  }
}

let shared: CodecPool | null | undefined;

/** The process's pool, or null when `TILECAST_CODEC_WORKERS` is 0. */
export function codecPool(): CodecPool | null {
  if (shared === undefined) {
    const n = codecWorkers();
    shared = n > 0 ? new CodecPool(n) : null;
  }
  return shared;
}
