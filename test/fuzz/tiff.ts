/**
 * A minimal reader of classic and BigTIFF IFD entries, enough to aim mutations at the bytes that
 * matter (tag values, block offsets and counts, the next-IFD link). Not a TIFF reader.
 */
import { TYPE_BYTES } from "../../src/io/geotiff/ifd-scan.js";

/** One IFD entry and where its value sits in the file. */
export interface Entry {
  tag: number;
  type: number;
  count: number;
  /** Byte offset of the value (inline, or where the offset points). */
  at: number;
  /** Bytes per value. */
  size: number;
}

/** The first IFD: its entries and the position of its next-IFD link. */
export interface Ifd {
  little: boolean;
  big: boolean;
  offset: number;
  entries: Entry[];
  nextAt: number;
}

/** Parse the first IFD, or null when `b` is not a TIFF this can follow. */
export function firstIfd(b: Uint8Array): Ifd | null {
  if (b.length < 16) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const little = b[0] === 0x49;
  const big = v.getUint16(2, little) === 43;
  const off = big ? Number(v.getBigUint64(8, little)) : v.getUint32(4, little);
  const n = big ? Number(v.getBigUint64(off, little)) : v.getUint16(off, little);
  const head = big ? 8 : 2;
  const width = big ? 20 : 12;
  if (off + head + n * width + (big ? 8 : 4) > b.length || n > 4096) return null;
  const entries: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const e = off + head + i * width;
    const tag = v.getUint16(e, little);
    const type = v.getUint16(e + 2, little);
    const count = big ? Number(v.getBigUint64(e + 4, little)) : v.getUint32(e + 4, little);
    const size = TYPE_BYTES[type] ?? 1;
    const inline = count * size <= (big ? 8 : 4);
    const valueAt = e + (big ? 12 : 8);
    const at = inline ? valueAt : big ? Number(v.getBigUint64(valueAt, little)) : v.getUint32(valueAt, little);
    entries.push({ tag, type, count, at, size });
  }
  return { little, big, offset: off, entries, nextAt: off + head + n * width };
}

/** Write an unsigned value of `size` bytes at `at` (clamped to the buffer). */
export function put(b: Uint8Array, at: number, size: number, value: number, little: boolean): void {
  if (at < 0 || at + size > b.length) return;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (size === 1) v.setUint8(at, value & 0xff);
  else if (size === 2) v.setUint16(at, value & 0xffff, little);
  else if (size === 4) v.setUint32(at, value >>> 0, little);
  else v.setBigUint64(at, BigInt(Math.max(0, Math.floor(value))), little);
}
