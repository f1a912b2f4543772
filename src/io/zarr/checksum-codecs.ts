/**
 * numcodecs' checksum filters, `crc32` and `adler32`: the chunk's bytes with their 32-bit
 * checksum (little-endian) in front, or behind with `location: "end"` (numcodecs 0.13 and
 * later). Decoding checks it, as numcodecs does ("checksum failed"), and strips it.
 * tilecast never writes them.
 */
import { crc32 } from "../lzma/checks.js";

/** Adler-32 (zlib's), deferring the modulo over runs of 5552 bytes as zlib does. */
export function adler32(b: Uint8Array): number {
  let a = 1;
  let s = 0;
  for (let i = 0; i < b.length; ) {
    const end = Math.min(b.length, i + 5552);
    for (; i < end; i++) {
      a += b[i] as number;
      s += a;
    }
    a %= 65521;
    s %= 65521;
  }
  return (s * 65536 + a) >>> 0;
}

function checksumCodec(name: string, sum: (b: Uint8Array) => number) {
  return {
    kind: "bytes_to_bytes" as const,
    fromConfig: (config: unknown) => {
      const atEnd = (config as { location?: string } | undefined)?.location === "end";
      return {
        kind: "bytes_to_bytes" as const,
        encode: () => {
          throw new Error(`tilecast does not write the ${name} filter`);
        },
        decode: (b: Uint8Array): Uint8Array => {
          if (b.length < 4) throw new Error(`${name}: a chunk of ${b.length} bytes has no room for its checksum`);
          const at = atEnd ? b.length - 4 : 0;
          const data = atEnd ? b.subarray(0, at) : b.subarray(4);
          const stored = new DataView(b.buffer, b.byteOffset + at, 4).getUint32(0, true);
          if (stored !== sum(data)) throw new Error(`${name} checksum failed (the chunk changed after it was written)`);
          return data;
        },
      };
    },
  };
}

export const crc32Codec = checksumCodec("crc32", crc32);
export const adler32Codec = checksumCodec("adler32", adler32);
