/**
 * The GeoTIFF reader's cache of decoded blocks: promises of their bytes by block index, least
 * recently used dropped first past a size in bytes. Overlapping windows and small tiles over large
 * blocks (64 px tiles on GDAL's 512 px blocks) then decode each block once instead of once per
 * window. A block whose decoding fails leaves the cache, so a later read tries it again.
 */

/** The cache size from `TILECAST_BLOCK_CACHE_MB` (default 64 MB). */
export function blockCacheBytes(): number {
  const mb = Number(process.env.TILECAST_BLOCK_CACHE_MB ?? 64);
  return Number.isFinite(mb) && mb >= 0 ? mb * 1024 * 1024 : 64 * 1024 * 1024;
}

/** See the module documentation. */
export class BlockCache {
  readonly #entries = new Map<number, { bytes: number; block: Promise<Uint8Array> }>();
  #bytes = 0;

  /** The block under `key`, now the most recently used, or undefined. */
  get(key: number): Promise<Uint8Array> | undefined {
    const hit = this.#entries.get(key);
    if (!hit) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, hit);
    return hit.block;
  }

  has(key: number): boolean {
    return this.#entries.has(key);
  }

  /** Keep `block` (`bytes` decoded) under `key`, dropping the least recently used past `limit` bytes. */
  set(key: number, bytes: number, block: Promise<Uint8Array>, limit: number): void {
    this.#entries.set(key, { bytes, block });
    this.#bytes += bytes;
    block.catch(() => {
      if (this.#entries.get(key)?.block === block) {
        this.#entries.delete(key);
        this.#bytes -= bytes;
      }
    });
    for (const [k, v] of this.#entries) {
      if (this.#bytes <= limit || k === key) break;
      this.#entries.delete(k);
      this.#bytes -= v.bytes;
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
