/**
 * How an open array's chunks are fetched: each decoded chunk checked against its shape, and the
 * decoded-chunk cache in front of zarrita's `getChunk`, with the whole-chunk and read-ahead
 * entries ({@link ZarrArrayInfo.takeChunk}, {@link ZarrArrayInfo.prefetchChunk}).
 */
import type * as zarr from "zarrita";
import { TilecastError } from "../../errors.js";
import type { ChunkCache, DecodedChunk } from "./chunk-cache.js";
import type { ZarrArrayInfo, ZarrStore } from "./dataset.js";

/**
 * Every decoded chunk must hold exactly the values its shape needs: a codec that yields fewer or
 * more (random bytes, a dtype or chunk-shape lie, a truncated stream) fails here, naming the
 * chunk, instead of leaving zeros or another chunk's bytes in the output.
 */
export function checkedChunks(
  array: zarr.Array<zarr.DataType, ZarrStore>,
  key: (coords: readonly number[]) => string,
): void {
  const get = array.getChunk.bind(array);
  array.getChunk = (async (coords: number[], options?: object) => {
    const c = await get(coords, options as never);
    const want = c.shape.reduce((a: number, b: number) => a * b, 1);
    const have = (c.data as ArrayLike<unknown>).length;
    if (have !== want)
      throw new TilecastError(
        "E_CORRUPT",
        `chunk ${key(coords)} decodes to ${have} values; its shape [${c.shape.join(", ")}] needs ${want} (${have > want ? "the metadata's dtype or chunk shape does not match the stored data" : "a truncated chunk, or a dtype or chunk shape that does not match the stored data"})`,
      );
    return c;
  }) as typeof array.getChunk;
}

/**
 * `getChunk`'s options for a chunk read ahead: nobody waits for it yet, so the codec workers
 * decode it whole rather than in parts (see `off-thread.ts`).
 */
export const AHEAD = { ahead: true } as const;

type ChunkAccess = Pick<ZarrArrayInfo, "takeChunk" | "prefetchChunk">;

/**
 * Decoded chunks come from the cache when there (chunk copies; see {@link ChunkCache}); returns
 * the array's {@link ZarrArrayInfo.takeChunk} and {@link ZarrArrayInfo.prefetchChunk}.
 */
export function cachedChunks(
  array: zarr.Array<zarr.DataType, ZarrStore>,
  cache: ChunkCache | null,
  name: string,
  chunkBytes: number | null,
): ChunkAccess {
  const get = array.getChunk.bind(array);
  const load = (coords: number[], options?: object) => () => get(coords, options as never) as Promise<DecodedChunk>;
  if (!cache)
    return {
      takeChunk: async (coords, signal) => ({ chunk: await load(coords, signal ? { signal } : {})(), shared: false }),
      prefetchChunk: () => undefined,
    };
  const key = (coords: readonly number[]) => `${name}/${coords.join(".")}`;
  array.getChunk = ((coords: number[], options?: object) =>
    cache.get(key(coords), load(coords, options))) as typeof array.getChunk;
  const worthIt = (ahead: number) => chunkBytes !== null && chunkBytes * ahead <= cache.budget / 2;
  return {
    takeChunk: (coords, signal) => cache.take(key(coords), load(coords, signal ? { signal } : {})),
    prefetchChunk: (coords, ahead = 1) => {
      if (worthIt(ahead)) cache.prefetch(key(coords), load(coords, AHEAD));
    },
  };
}
