/**
 * Shards indexed at the start (`sharding_indexed` with `index_location: "start"`, which
 * zarr-python 3 and tensorstore write on request). zarrita reads a shard's index as the file's
 * last bytes; for an array registered here, that read becomes one of its first bytes instead.
 * The index's offsets count from the shard's first byte either way, so chunk reads are unchanged.
 */
import type { AbsolutePath, RangeQuery } from "@zarrita/storage";

type RangeStore = {
  getRange?(key: AbsolutePath, range: RangeQuery, opts?: { signal?: AbortSignal }): Promise<Uint8Array | undefined>;
};

/**
 * Make `store` read the shard indexes of the arrays added to the returned set (array paths: "v",
 * "group/v", "" for a root array) from the start of each shard. Call before wrapping the store.
 */
export function readShardIndexAtStart(store: RangeStore): Set<string> {
  const arrays = new Set<string>();
  const getRange = store.getRange?.bind(store);
  if (!getRange) return arrays;
  const atStart = (key: string) => {
    for (const a of arrays) if (key.startsWith(a ? `/${a}/` : "/")) return true;
    return false;
  };
  store.getRange = (key, range, opts) =>
    "suffixLength" in range && atStart(key)
      ? getRange(key, { offset: 0, length: range.suffixLength }, opts)
      : getRange(key, range, opts);
  return arrays;
}

/** Whether a v3 array's metadata shards it with the index at the start. */
export function indexedAtStart(meta: { codecs?: unknown } | null | undefined): boolean {
  const codecs = Array.isArray(meta?.codecs) ? (meta.codecs as { name?: string; configuration?: unknown }[]) : [];
  const s = codecs.find((c) => c?.name === "sharding_indexed");
  return (s?.configuration as { index_location?: unknown } | undefined)?.index_location === "start";
}
