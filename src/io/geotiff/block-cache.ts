/**
 * The GeoTIFF reader's cache of decoded blocks: promises of their bytes by block index, least
 * recently used dropped first. Overlapping windows and small tiles over large blocks (64 px tiles
 * on GDAL's 512 px blocks) then decode each block once instead of once per window. A block whose
 * decoding fails leaves the cache, so a later read tries it again.
 *
 * Blocks already handed to a reader are kept up to a budget that starts at {@link START_KEEP}
 * and doubles, up to the cache's size, each time a block it dropped is asked for again. A read
 * that visits each block once (a whole image in strips, a conversion) then keeps 8 MiB of blocks
 * it will not ask for again instead of the cache's 64 MiB; tiling with overlaps, which comes back
 * to blocks a row of windows later, grows the budget to that row within its first rows. On the
 * 4096² float32 benchmark image `tilecast convert` peaked at 207-212 MB instead of 256-262
 * (three runs each, alternating). Blocks decoded ahead of the copying (runs of small blocks) are
 * kept until they are handed out, within the cache's size.
 */

/** The cache size from `TILECAST_BLOCK_CACHE_MB` (default 64 MB). */
export function blockCacheBytes(): number {
  const mb = Number(process.env.TILECAST_BLOCK_CACHE_MB ?? 64);
  return Number.isFinite(mb) && mb >= 0 ? mb * 1024 * 1024 : 64 * 1024 * 1024;
}

/** The budget for blocks already handed out, to begin with. */
export const START_KEEP = 8 * 1024 * 1024;

/** Dropped keys remembered, to see a block asked for again. */
const DROPPED_KEYS = 4096;

interface Entry {
  bytes: number;
  block: Promise<Uint8Array>;
}

/** See the module documentation. */
export class BlockCache {
  /** Blocks decoded ahead and not yet handed out, oldest first. */
  readonly #ahead = new Map<number, Entry>();
  /** Blocks handed out, least recently used first. */
  readonly #handed = new Map<number, Entry>();
  readonly #dropped = new Set<number>();
  #aheadBytes = 0;
  #handedBytes = 0;
  #keep = START_KEEP;
  /** The size `set` was last given. */
  #limit = Number.POSITIVE_INFINITY;

  /** The block under `key`, now handed out and the most recently used, or undefined. */
  get(key: number): Promise<Uint8Array> | undefined {
    const hit = this.#ahead.get(key) ?? this.#handed.get(key);
    if (!hit) return undefined;
    if (this.#ahead.delete(key)) {
      this.#aheadBytes -= hit.bytes;
      this.#handedBytes += hit.bytes;
      this.#handed.set(key, hit);
      this.#trim(this.#handed, Math.min(this.#keep, this.#limit), key);
    } else {
      this.#handed.delete(key);
      this.#handed.set(key, hit);
    }
    return hit.block;
  }

  has(key: number): boolean {
    return this.#ahead.has(key) || this.#handed.has(key);
  }

  /** Bytes of the blocks held, and the budget for those handed out. */
  get size(): { bytes: number; keep: number } {
    return { bytes: this.#aheadBytes + this.#handedBytes, keep: this.#keep };
  }

  /**
   * Keep `block` (`bytes` decoded) under `key`: handed out now (`ahead` false: the caller returns
   * it), or decoded ahead for a later {@link get}. Blocks are dropped, least recently used first,
   * past the budget for those handed out and past `limit` bytes in all.
   */
  set(key: number, bytes: number, block: Promise<Uint8Array>, limit: number, ahead = false): void {
    this.#limit = limit;
    if (this.#dropped.delete(key)) this.#keep = Math.min(limit, 2 * this.#keep);
    this.#remove(key);
    const entry = { bytes, block };
    if (ahead) {
      this.#ahead.set(key, entry);
      this.#aheadBytes += bytes;
    } else {
      this.#handed.set(key, entry);
      this.#handedBytes += bytes;
    }
    block.catch(() => {
      if ((this.#ahead.get(key) ?? this.#handed.get(key))?.block === block) this.#remove(key);
    });
    this.#trim(this.#handed, Math.min(this.#keep, limit), key);
    this.#trim(this.#handed, limit - this.#aheadBytes, key);
    this.#trim(this.#ahead, limit - this.#handedBytes, key);
  }

  clear(): void {
    this.#ahead.clear();
    this.#handed.clear();
    this.#dropped.clear();
    this.#aheadBytes = 0;
    this.#handedBytes = 0;
  }

  #remove(key: number): void {
    const a = this.#ahead.get(key);
    if (a && this.#ahead.delete(key)) this.#aheadBytes -= a.bytes;
    const h = this.#handed.get(key);
    if (h && this.#handed.delete(key)) this.#handedBytes -= h.bytes;
  }

  /** Drop the oldest of `from` (never `keep`) until its bytes are within `budget`. */
  #trim(from: Map<number, Entry>, budget: number, keep: number): void {
    const handed = from === this.#handed;
    for (const [k, v] of from) {
      if ((handed ? this.#handedBytes : this.#aheadBytes) <= budget) break;
      if (k === keep) continue;
      from.delete(k);
      if (handed) this.#handedBytes -= v.bytes;
      else this.#aheadBytes -= v.bytes;
      this.#dropped.add(k);
      if (this.#dropped.size > DROPPED_KEYS) this.#dropped.delete(this.#dropped.values().next().value as number);
    }
  }
}
