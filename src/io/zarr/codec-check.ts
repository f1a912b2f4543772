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
  if (format === 3) checkShardShape(raw as { chunk_grid?: unknown; codecs?: unknown }, name);
  const ids =
    format === 3
      ? v3CodecNames(meta.codecs ?? [], name)
      : [meta.compressor, ...(meta.filters ?? [])]
          .filter((c): c is { id: string } => Boolean(c))
          // zarrita reads fixedscaleoffset as v3's scale_offset then cast_value.
          .flatMap((c) => (c.id === "fixedscaleoffset" ? ["scale_offset", "cast_value"] : [`numcodecs.${c.id}`]));
  if (format === 2) checkFilterTypes(meta.filters ?? [], (raw as { dtype?: unknown }).dtype, name);
  for (const id of ids) {
    if (!zarr.registry.has(id)) {
      throw new TilecastError(
        "E_UNSUPPORTED",
        `array '${name}' uses unknown codec '${id.replace(/^numcodecs\./, "")}'`,
      );
    }
  }
  const { name: encoding, sep } = chunkKeyEncoding(meta, format);
  return { sep, prefix: format === 2 || encoding === "v2" ? "" : "c" + sep };
}

/**
 * How an array names its chunks, defaults applied: v2's `dimension_separator` ("." when absent;
 * `name` null), or v3's `chunk_key_encoding` (`default` with "/", or `v2` with ".", when absent).
 */
export function chunkKeyEncoding(
  meta: {
    dimension_separator?: unknown;
    chunk_key_encoding?: { name?: unknown; configuration?: { separator?: unknown } };
  } | null,
  format: 2 | 3,
): { name: string | null; sep: string } {
  if (format === 2) return { name: null, sep: String(meta?.dimension_separator ?? ".") };
  const enc = meta?.chunk_key_encoding;
  const name = String(enc?.name ?? "default");
  return { name, sep: String(enc?.configuration?.separator ?? (name === "v2" ? "." : "/")) };
}

/**
 * The codec names of a v3 array, with a sharded array's inner chunk and index codecs in place of
 * `sharding_indexed` (zarrita reads shards itself, inner chunks dividing the shard; an index at
 * the start is read through shard-index-start.ts).
 */
function v3CodecNames(codecs: readonly { name: string; configuration?: unknown }[], array: string): string[] {
  return codecs.flatMap((c) => {
    if (c.name !== "sharding_indexed") return [c.name];
    const conf = (c.configuration ?? {}) as {
      codecs?: { name: string }[];
      index_codecs?: { name: string }[];
      index_location?: string;
    };
    if (!["start", "end", undefined].includes(conf.index_location))
      throw new TilecastError(
        "E_FORMAT",
        `array '${array}' has shard index_location ${JSON.stringify(conf.index_location)} (start or end)`,
      );
    if (c.name === "sharding_indexed" && codecs.length > 1)
      throw new TilecastError("E_UNSUPPORTED", `array '${array}' has codecs after sharding_indexed`);
    return [...v3CodecNames(conf.codecs ?? [], array), ...v3CodecNames(conf.index_codecs ?? [], array)];
  });
}

/** A numpy type string as numpy compares it: one-byte types have no byte order, `=` is `<`. */
function sameType(a: string, b: string): boolean {
  const norm = (t: string) => {
    const m = /^([<>|=]?)(\w)(\d+)$/.exec(t);
    if (!m) return t;
    return `${m[3] === "1" ? "|" : m[1] === ">" ? ">" : "<"}${m[2]}${m[3]}`;
  };
  return norm(a) === norm(b);
}

/**
 * v2 filters that name the types they work in (numcodecs' Delta and Quantize: `dtype`, the
 * values' type, and `astype`, the type stored) decode in those types, on the bytes as stored.
 * zarrita's decoders work in the array's own type. They agree only when both types are the
 * array's: anything else (differences stored in a smaller type, a filter written for another
 * type than the array now says) is refused by name rather than read as other values.
 */
function checkFilterTypes(filters: readonly unknown[], arrayDtype: unknown, name: string): void {
  for (const f of filters) {
    const { id, dtype, astype, from } = (f ?? {}) as {
      id?: unknown;
      dtype?: unknown;
      astype?: unknown;
      from?: unknown;
    };
    // The filter as the store names it (an astype filter is read as fixedscaleoffset).
    const named = String(from ?? id);
    const filter = `${/^[aeiou]/.test(named) ? "an" : "a"} ${named} filter`;
    // zarrita casts from float16 only with a Float16Array, which Node 20 lacks.
    if (id === "fixedscaleoffset" && typeof astype === "string" && /f2$/.test(astype))
      throw new TilecastError("E_UNSUPPORTED", `array '${name}' stores its values as float16 in a filter`);
    // zarrita's delta has no bool arithmetic: refused here rather than on the first chunk.
    if (id === "delta" && typeof arrayDtype === "string" && /b1$/.test(arrayDtype))
      throw new TilecastError("E_UNSUPPORTED", `array '${name}' uses a delta filter on bool values`);
    // fixedscaleoffset decodes to numbers, whose byte order is the array's to choose (scaled-filters.ts).
    const order = (t: string) => (id === "fixedscaleoffset" ? t.replace(/^[<>|=]/, "") : t);
    if (typeof dtype === "string" && typeof arrayDtype === "string" && !sameType(order(dtype), order(arrayDtype)))
      throw new TilecastError(
        "E_UNSUPPORTED",
        `array '${name}' uses ${filter} for ${dtype} values, but the array holds ${arrayDtype}`,
      );
    // zarrita decodes a fixedscaleoffset filter's stored type itself (scale_offset + cast_value).
    if (
      id !== "fixedscaleoffset" &&
      typeof astype === "string" &&
      typeof dtype === "string" &&
      !sameType(astype, dtype)
    )
      throw new TilecastError(
        "E_UNSUPPORTED",
        `array '${name}' uses ${filter} that stores ${astype} values for a ${dtype} array`,
      );
  }
}

/**
 * A sharded array's inner chunks must tile its shards (the spec's rule): inner chunks that do not
 * divide the shard would be read at fractional offsets into it.
 */
function checkShardShape(meta: { chunk_grid?: unknown; codecs?: unknown }, array: string): void {
  const outer = (meta.chunk_grid as { configuration?: { chunk_shape?: unknown } } | undefined)?.configuration
    ?.chunk_shape;
  const codecs = Array.isArray(meta.codecs) ? (meta.codecs as { name?: unknown; configuration?: unknown }[]) : [];
  const sharding = codecs.find((c) => c?.name === "sharding_indexed");
  const inner = (sharding?.configuration as { chunk_shape?: unknown } | undefined)?.chunk_shape;
  if (!sharding || !Array.isArray(outer) || !Array.isArray(inner)) return;
  const fits =
    inner.length === outer.length &&
    inner.every((n, d) => Number.isInteger(n) && (n as number) > 0 && (outer[d] as number) % (n as number) === 0);
  if (!fits)
    throw new TilecastError(
      "E_FORMAT",
      `array '${array}' has inner chunks of [${inner.join(", ")}] that do not divide its shards of [${outer.join(", ")}]`,
    );
}
