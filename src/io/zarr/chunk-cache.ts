/**
 * A bounded cache of decoded Zarr chunks, least recently used first out. Overlapping tile
 * windows and sliding time windows touch the same chunks again and again; with the cache each is
 * fetched and decoded once while it stays in the budget. Concurrent requests for a chunk share
 * one decode. Callers share the cached values and must not change them: zarrita copies what a
 * window needs out of each chunk, and a reader that hands a whole chunk's values to its caller
 * copies them first (`readWholeChunk`). Copying every chunk on its way out of the cache copied
 * each value twice for windows that only read from it.
 *
 * A reader that takes a whole chunk as its own ({@link ChunkCache.take}) gets a chunk that is not
 * cached without a copy, and the cache does not keep it: the first time. A key asked for that way
 * a second time (a sliding time window coming back to a chunk) is cached like any other.
 * Sequential whole-chunk reads then cost no copy and keep nothing.
 *
 * One cache per opened store ({@link openZarr}); `TILECAST_ZARR_CACHE_MB` sets its budget
 * (default 64 MiB; 0 turns caching off).
 *
 * @example
 * ```ts
 * import { ChunkCache } from "tilecast/io";
 * const cache = new ChunkCache(1 << 20);
 * const chunk = { data: new Float32Array(4), shape: [2, 2], stride: [2, 1] };
 * await cache.get("t/0.0", async () => chunk);
 * await cache.get("t/0.0", async () => chunk); // a hit: not decoded again
 * console.log(cache.stats()); // { hits: 1, misses: 1, bytes: 16, entries: 1 }
 * ```
 */

/** A decoded chunk as zarrita returns it. */
export interface DecodedChunk {
  data: unknown;
  shape: number[];
  stride: number[];
}

/** The values of every chunk a cache holds or has held: shared, so not to be changed. */
const shared = new WeakSet<object>();

/** Are these values a cached chunk's (shared by every reader of that chunk)? */
export const isShared = (data: unknown): boolean => typeof data === "object" && data !== null && shared.has(data);

/** Bytes a chunk's values hold. */
function sizeOf(d: unknown): number {
  const b = (d as { byteLength?: unknown }).byteLength;
  if (typeof b === "number") return b;
  return ((d as { length?: number }).length ?? 1) * 8;
}

/** The default budget in bytes (`TILECAST_ZARR_CACHE_MB`, else 64 MiB). */
export function defaultCacheBytes(): number {
  const mb = Number(process.env.TILECAST_ZARR_CACHE_MB ?? 64);
  return Number.isFinite(mb) && mb > 0 ? mb * 2 ** 20 : 0;
}

/** Keys {@link ChunkCache.take} remembers handing out uncached (the oldest forgotten first). */
const TAKEN_KEYS = 4096;

/** See the module documentation. */
export class ChunkCache {
  readonly #budget: number;
  readonly #taken = new Set<string>();
  /** Keys decoded ahead ({@link ChunkCache.prefetch}) that no reader has seen yet. */
  readonly #fresh = new Set<string>();
  readonly #entries = new Map<string, { chunk: DecodedChunk; bytes: number }>();
  readonly #pending = new Map<string, Promise<DecodedChunk>>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;

  constructor(budgetBytes: number) {
    this.#budget = budgetBytes;
  }

  /** The budget in bytes. */
  get budget(): number {
    return this.#budget;
  }

  /** The chunk under `key`, decoded by `load` when it is not cached. */
  async get<C extends DecodedChunk>(key: string, load: () => Promise<C>): Promise<C> {
    const hit = this.#entries.get(key);
    if (hit) {
      this.#hits++;
      this.#fresh.delete(key);
      this.#entries.delete(key); // re-inserted: most recently used last
      this.#entries.set(key, hit);
      return hit.chunk as C;
    }
    const inFlight = this.#pending.get(key);
    if (inFlight) {
      this.#hits++;
      this.#fresh.delete(key);
      return (await inFlight) as C;
    }
    this.#misses++;
    const p = load();
    this.#pending.set(key, p);
    try {
      const chunk = await p;
      this.#add(key, chunk);
      return chunk;
    } finally {
      this.#pending.delete(key);
    }
  }

  /**
   * The chunk under `key` for a caller that keeps its values: `shared` when they are the cache's
   * (the caller copies them), not when the chunk was decoded for this caller alone.
   */
  async take<C extends DecodedChunk>(key: string, load: () => Promise<C>): Promise<{ chunk: C; shared: boolean }> {
    if (this.#fresh.has(key)) {
      const ahead = await this.#handOver(key);
      if (ahead) return { chunk: ahead as C, shared: false };
    }
    if (this.#entries.has(key) || this.#pending.has(key) || this.#taken.has(key))
      return { chunk: await this.get(key, load), shared: true };
    this.#misses++;
    this.#taken.add(key);
    if (this.#taken.size > TAKEN_KEYS) this.#taken.delete(this.#taken.values().next().value as string);
    return { chunk: await load(), shared: false };
  }

  /**
   * Start decoding `key` into the cache for a read expected soon. Until another reader sees it,
   * the first {@link ChunkCache.take} gets it as its own, out of the cache, without a copy.
   */
  prefetch(key: string, load: () => Promise<DecodedChunk>): void {
    if (this.#entries.has(key) || this.#pending.has(key)) return;
    this.#fresh.add(key);
    this.get(key, load).catch(() => this.#fresh.delete(key));
  }

  /** A chunk decoded ahead that nobody has read, taken out of the cache; null when there is none. */
  async #handOver(key: string): Promise<DecodedChunk | null> {
    const pending = this.#pending.get(key);
    let chunk: DecodedChunk | undefined;
    try {
      chunk = pending ? await pending : this.#entries.get(key)?.chunk;
    } catch {
      return null; // the read decodes it again and reports the error
    }
    if (!chunk || !this.#fresh.delete(key)) return null;
    const e = this.#entries.get(key);
    if (e) {
      this.#entries.delete(key);
      this.#bytes -= e.bytes;
    }
    if (typeof chunk.data === "object" && chunk.data !== null) shared.delete(chunk.data);
    this.#hits++;
    this.#taken.add(key); // asked for again later: cached then
    return chunk;
  }

  #add(key: string, chunk: DecodedChunk): void {
    const bytes = sizeOf(chunk.data);
    if (bytes > this.#budget) return;
    if (typeof chunk.data === "object" && chunk.data !== null) shared.add(chunk.data);
    this.#entries.set(key, { chunk, bytes });
    this.#bytes += bytes;
    for (const [k, e] of this.#entries) {
      if (this.#bytes <= this.#budget) break;
      this.#entries.delete(k);
      this.#fresh.delete(k);
      this.#bytes -= e.bytes;
    }
  }

  /** Hits, misses, bytes held and entries. */
  stats(): { hits: number; misses: number; bytes: number; entries: number } {
    return { hits: this.#hits, misses: this.#misses, bytes: this.#bytes, entries: this.#entries.size };
  }
}
