/**
 * zarrita's cast_value codec, which it also reads numcodecs' fixedscaleoffset filter through,
 * casts the array's fill value into the stored type as it opens the array's codecs, and refuses
 * NaN or an infinity cast to integers. A v2 array's fill value never goes through its filters:
 * zarr-python fills a missing chunk with the array's own fill value, in the array's type. So
 * xarray's usual packing (float values stored as int16 by fixedscaleoffset, fill value NaN) read
 * as "corrupt chunk (Cannot cast NaN to integer type)" on every chunk. Here such a fill value has
 * no stored form, and the chunks decode; a missing chunk still reads as the array's fill value,
 * which zarrita takes from the array's metadata, not from its codecs.
 */

type Meta = { fillValue?: unknown } & Record<string, unknown>;

interface Codec {
  kind: string;
  decode(chunk: unknown): unknown;
  encode(chunk: unknown): unknown;
  getEncodedMeta?(meta: Meta): Meta;
}

interface CodecClass {
  fromConfig(config: unknown, meta: Meta): Codec;
}

/** `cast` (zarrita's cast_value codec) with a non-finite fill value left without a stored form. */
export function castKeepingFill(cast: CodecClass): CodecClass {
  return {
    fromConfig(config, meta) {
      const inner = cast.fromConfig(config, meta);
      return {
        kind: inner.kind,
        decode: (chunk) => inner.decode(chunk),
        encode: (chunk) => inner.encode(chunk),
        getEncodedMeta(m) {
          const encoded = inner.getEncodedMeta?.bind(inner) ?? ((x: Meta) => x);
          const fill = m.fillValue;
          if (typeof fill !== "number" || Number.isFinite(fill)) return encoded(m);
          try {
            return encoded(m);
          } catch {
            return encoded({ ...m, fillValue: null });
          }
        },
      };
    },
  };
}
