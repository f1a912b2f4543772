/**
 * CRC-32C (Castagnoli), the checksum Zarr v3's `crc32c` codec appends to shard indexes.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { crc32c } from "./crc32c.js";
 * console.log(crc32c(new TextEncoder().encode("123456789")).toString(16)); // e3069283
 * ```
 */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The CRC-32C of `bytes`, as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = (TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Zarr v3's `crc32c` codec, checking on decode: the last 4 bytes (little-endian) must be the
 * CRC-32C of the bytes before them. zarrita's own only strips them, so a shard index changed
 * after it was written (a chunk pointed at another's bytes) read as other pixels, silently.
 */
export const crc32cCodec = {
  kind: "bytes_to_bytes" as const,
  fromConfig: () => ({
    kind: "bytes_to_bytes" as const,
    computeEncodedSize: (decoded: number) => decoded + 4,
    encode: (b: Uint8Array): Uint8Array => {
      const out = new Uint8Array(b.length + 4);
      out.set(b);
      new DataView(out.buffer).setUint32(b.length, crc32c(b), true);
      return out;
    },
    decode: (b: Uint8Array): Uint8Array => {
      if (b.length < 4) throw new Error(`crc32c: ${b.length} bytes cannot hold a 4-byte checksum`);
      const data = b.subarray(0, b.length - 4);
      const stored = new DataView(b.buffer, b.byteOffset + data.length, 4).getUint32(0, true);
      const computed = crc32c(data);
      if (stored !== computed)
        throw new Error(
          `crc32c checksum ${stored.toString(16).padStart(8, "0")} does not match the bytes' ${computed.toString(16).padStart(8, "0")}`,
        );
      return data;
    },
  }),
};
