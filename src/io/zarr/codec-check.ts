/**
 * Which codecs a Zarr array uses, checked before any chunk is read: each must have a registered
 * decoder (v2 numcodecs ids, v3 codec names, a sharded array's inner and index codecs), so an
 * unknown one is an error naming it rather than a failure on the first chunk.
 */
import * as zarr from "zarrita";
import { TilecastError } from "../../errors.js";
import type { RawArrayMeta } from "./validate.js";

/**
 * Fail early, naming the codec, when an array uses a codec no decoder is registered for.
 * Returns the chunk key separator and prefix from the raw metadata.
 */
export function checkCodecs(raw: RawArrayMeta | null, name: string, format: 2 | 3): { sep: string; prefix: string } {
  const meta = raw as {
    compressor?: { id: string } | null;
    filters?: { id: string }[] | null;
    codecs?: { name: string; configuration?: unknown }[];
    dimension_separator?: string;
    chunk_key_encoding?: { name: string; configuration?: { separator?: string } };
  } | null;
  if (!meta) return { sep: format === 3 ? "/" : ".", prefix: format === 3 ? "c/" : "" };
  const ids =
    format === 3
      ? v3CodecNames(meta.codecs ?? [], name)
      : [meta.compressor, ...(meta.filters ?? [])]
          .filter((c): c is { id: string } => Boolean(c))
          .map((c) => `numcodecs.${c.id}`);
  for (const f of format === 2 ? (meta.filters ?? []) : []) {
    const q = f as { id: string; dtype?: string; astype?: string };
    // A quantize filter that also changed the dtype stored values in another type than the array's.
    if (q.id === "quantize" && q.astype !== undefined && q.astype !== q.dtype)
      throw new TilecastError(
        "E_UNSUPPORTED",
        `array '${name}' uses a quantize filter that stores ${q.astype} values for a ${q.dtype} array`,
      );
  }
  for (const id of ids) {
    if (!zarr.registry.has(id)) {
      throw new TilecastError(
        "E_UNSUPPORTED",
        `array '${name}' uses unknown codec '${id.replace(/^numcodecs\./, "")}'`,
      );
    }
  }
  if (format === 2) return { sep: meta.dimension_separator ?? ".", prefix: "" };
  const enc = meta.chunk_key_encoding;
  const sep = enc?.configuration?.separator ?? (enc?.name === "v2" ? "." : "/");
  return { sep, prefix: enc?.name === "v2" ? "" : "c" + sep };
}

/**
 * The codec names of a v3 array, with a sharded array's inner chunk and index codecs in place of
 * `sharding_indexed` (zarrita reads shards itself: index at the end, inner chunks dividing the
 * shard).
 */
function v3CodecNames(codecs: readonly { name: string; configuration?: unknown }[], array: string): string[] {
  return codecs.flatMap((c) => {
    if (c.name !== "sharding_indexed") return [c.name];
    const conf = (c.configuration ?? {}) as {
      codecs?: { name: string }[];
      index_codecs?: { name: string }[];
      index_location?: string;
    };
    if ((conf.index_location ?? "end") !== "end")
      throw new TilecastError(
        "E_UNSUPPORTED",
        `array '${array}' keeps its shard index at the ${conf.index_location}; tilecast reads shards indexed at the end (zarr-python's default)`,
      );
    if (c.name === "sharding_indexed" && codecs.length > 1)
      throw new TilecastError("E_UNSUPPORTED", `array '${array}' has codecs after sharding_indexed`);
    return [...v3CodecNames(conf.codecs ?? [], array), ...v3CodecNames(conf.index_codecs ?? [], array)];
  });
}
