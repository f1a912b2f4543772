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
