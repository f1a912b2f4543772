/**
 * Zarr chunks read and decompressed on worker threads. On the main thread a chunk's file is read
 * in libuv's pool but its decoding (Blosc, Zstandard, LZ4 in WebAssembly) waits for the main
 * thread, and so does the start of each zlib inflate: a reader that asks for the next chunk and
 * then works on the current one gets the next one decoded only after that work. Here the whole
 * chunk, file read and decompression, is one job for a worker, which starts the moment it is
 * asked for, and the bytes come back without a copy.
 *
 * Only what needs no further decoding on the main thread takes this path: local stores, a
 * little-endian (or single-byte) numeric type in C order, and at most one compressor (zlib, gzip,
 * Blosc, Zstandard, LZ4) and no filters (v2), or `bytes` then at most that compressor (v3,
 * unsharded). Small chunks stay on the main thread, where a message costs more than decoding.
 * Whatever a worker cannot deliver (a missing chunk, a corrupt one) is read again the usual
 * way, so fill values and error messages are those of the main-thread path.
 *
 * `TILECAST_ZARR_WORKERS` sets the number of workers (default: one per core, at most 4; 0 turns
 * the pool off).
 */
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { moduleWorker, siblingModule } from "../../util/module-worker.js";

/** The compressors a worker decodes. */
export type OffThreadCodec = "none" | "zlib" | "gzip" | "blosc" | "zstd" | "lz4";

/** A worker's job: read `file`, decode it with `codec`; it must come to exactly `bytes`. */
export interface ChunkJob {
  id: number;
  file: string;
  codec: OffThreadCodec;
  bytes: number;
}

/** A worker's answer: the decoded bytes, or why the main thread should read the chunk itself. */
export type ChunkReply = { id: number; bytes: Uint8Array } | { id: number; fallback: string };

/** Chunks smaller than this decode on the main thread. */
export const MIN_OFF_THREAD_BYTES = 256 * 1024;

/** Workers to start (`TILECAST_ZARR_WORKERS`, else one per core up to 4). */
export function chunkWorkers(): number {
  const env = process.env.TILECAST_ZARR_WORKERS;
  const n = env === undefined || env === "" ? Math.min(4, availableParallelism()) : Number(env);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

interface Slot {
  worker: Worker;
  pending: Map<number, (r: ChunkReply | null) => void>;
}

/** See the module documentation. One pool serves the process ({@link chunkPool}). */
export class ChunkPool {
  readonly #size: number;
  readonly #slots: Slot[] = [];
  #next = 0;
  #decoded = 0;
  #fallbacks = 0;

  constructor(size: number) {
    this.#size = size;
  }

  /** The decoded bytes of the chunk in `file` (a buffer of their own), or null: read it the usual way. */
  read(file: string, codec: OffThreadCodec, bytes: number): Promise<Uint8Array | null> {
    const slot = this.#pick();
    if (!slot) return Promise.resolve(null);
    const id = this.#next++;
    return new Promise<ChunkReply | null>((resolve) => {
      slot.pending.set(id, resolve);
      if (slot.pending.size === 1) slot.worker.ref();
      slot.worker.postMessage({ id, file, codec, bytes } satisfies ChunkJob);
    }).then((r) => {
      if (r && "bytes" in r) {
        this.#decoded++;
        return r.bytes;
      }
      this.#fallbacks++;
      return null;
    });
  }

  /**
   * Start the pool's workers now, when an array that will use them is opened: a worker takes
   * about 40 ms to start, which then passes while the caller opens the rest of the store and
   * plans its first read, instead of before the first chunk comes back.
   */
  warm(): void {
    while (this.#slots.length < this.#size && this.#start());
  }

  /** Chunks the workers delivered, and chunks left to the main thread after a worker's try. */
  stats(): { decoded: number; fallbacks: number; workers: number } {
    return { decoded: this.#decoded, fallbacks: this.#fallbacks, workers: this.#slots.length };
  }

  /** The slot with the fewest jobs, starting a worker while there are fewer than the pool's size. */
  #pick(): Slot | null {
    let best = this.#slots.reduce<Slot | null>((b, s) => (!b || s.pending.size < b.pending.size ? s : b), null);
    if ((!best || best.pending.size > 0) && this.#slots.length < this.#size) best = this.#start() ?? best;
    return best;
  }

  #start(): Slot | null {
    let worker: Worker;
    try {
      worker = moduleWorker(siblingModule(import.meta.url, "chunk-worker"), null);
    } catch {
      return null;
    }
    const slot: Slot = { worker, pending: new Map() };
    const settle = (id: number, r: ChunkReply | null) => {
      const done = slot.pending.get(id);
      if (!done) return;
      slot.pending.delete(id);
      if (slot.pending.size === 0) worker.unref();
      done(r);
    };
    worker.on("message", (r: ChunkReply) => settle(r.id, r));
    const fail = () => {
      const at = this.#slots.indexOf(slot);
      if (at >= 0) this.#slots.splice(at, 1);
      for (const id of [...slot.pending.keys()]) settle(id, null);
    };
    worker.on("error", fail);
    worker.on("exit", fail);
    worker.unref();
    this.#slots.push(slot);
    return slot;
  }
}

let shared: ChunkPool | null | undefined;

/** The process's pool, or null when `TILECAST_ZARR_WORKERS` is 0. */
export function chunkPool(): ChunkPool | null {
  if (shared === undefined) {
    const n = chunkWorkers();
    shared = n > 0 ? new ChunkPool(n) : null;
  }
  return shared;
}
