/**
 * The integrity checks an .xz stream may carry after each block: CRC-32 (IEEE), CRC-64
 * (ECMA-182, reflected, as xz computes it) and SHA-256.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { crc32, crc64 } from "./checks.js";
 * const b = new TextEncoder().encode("123456789");
 * console.log(crc32(b).toString(16), crc64(b)); // cbf43926 995dc9bbdf1939fa
 * ```
 */
import { createHash } from "node:crypto";

function table(poly: (c: number) => number): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) t[n] = poly(n);
  return t;
}

const CRC32 = table((n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-64's table in two halves: the low and the high 32 bits of each entry. */
const CRC64_LO = new Uint32Array(256);
const CRC64_HI = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let lo = n;
  let hi = 0;
  for (let k = 0; k < 8; k++) {
    const odd = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi >>>= 1;
    if (odd) {
      lo = (lo ^ 0xd7870f42) >>> 0; // the reflected polynomial 0xC96C5795D7870F42
      hi = (hi ^ 0xc96c5795) >>> 0;
    }
  }
  CRC64_LO[n] = lo;
  CRC64_HI[n] = hi;
}

/** The CRC-32 of `bytes`, unsigned. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = (CRC32[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The CRC-64 of `bytes`, as 16 hex digits. */
export function crc64(bytes: Uint8Array): string {
  let lo = 0xffffffff;
  let hi = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    const j = (lo ^ (bytes[i] as number)) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ (CRC64_LO[j] as number);
    hi = (hi >>> 8) ^ (CRC64_HI[j] as number);
  }
  const hex = (v: number) => ((v ^ 0xffffffff) >>> 0).toString(16).padStart(8, "0");
  return hex(hi) + hex(lo);
}

/**
 * Whether `stored` (the check field after a block, in the stream's byte order for its kind)
 * matches `data` for check type `type`: 1 CRC-32, 4 CRC-64, 10 SHA-256. Other types are not
 * verified (null).
 */
export function checkMatches(type: number, data: Uint8Array, stored: Uint8Array): boolean | null {
  if (type === 1) return new DataView(stored.buffer, stored.byteOffset, 4).getUint32(0, true) === crc32(data);
  if (type === 4) {
    const v = new DataView(stored.buffer, stored.byteOffset, 8);
    const hex = (x: number) => x.toString(16).padStart(8, "0");
    return hex(v.getUint32(4, true)) + hex(v.getUint32(0, true)) === crc64(data);
  }
  if (type === 10) return Buffer.from(stored).equals(createHash("sha256").update(data).digest());
  return null;
}
