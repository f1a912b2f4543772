/**
 * Serialising one TIFF Image File Directory (classic or BigTIFF, little-endian). Entries are
 * sorted by tag; values that do not fit in the entry are placed after the directory.
 */
import { FieldType } from "./tags.js";

/** One directory entry before encoding. */
export interface IfdEntry {
  tag: number;
  type: (typeof FieldType)[keyof typeof FieldType];
  values: readonly number[] | string;
}

const SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 12: 8, 16: 8 };

function valueBytes(e: IfdEntry): Uint8Array {
  if (typeof e.values === "string") return new TextEncoder().encode(`${e.values}\0`);
  const n = e.values.length;
  const out = new Uint8Array(n * (SIZE[e.type] as number));
  const v = new DataView(out.buffer);
  e.values.forEach((x, i) => {
    switch (e.type) {
      case FieldType.BYTE:
        v.setUint8(i, x);
        break;
      case FieldType.SHORT:
        v.setUint16(i * 2, x, true);
        break;
      case FieldType.LONG:
        v.setUint32(i * 4, x, true);
        break;
      case FieldType.DOUBLE:
        v.setFloat64(i * 8, x, true);
        break;
      case FieldType.LONG8:
        v.setBigUint64(i * 8, BigInt(x), true);
        break;
      default:
        throw new RangeError(`unsupported field type ${e.type}`);
    }
  });
  return out;
}

/**
 * Encode a directory that will sit at byte `at` of the file. Returns the bytes: the directory
 * (pointing to the next one at `next`, 0 for the last) followed by its out-of-line values, each
 * word-aligned. The length depends only on the entries' types and counts, not on their values.
 */
export function encodeIfd(entries: readonly IfdEntry[], at: number, bigTiff: boolean, next = 0): Uint8Array {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const entrySize = bigTiff ? 20 : 12;
  const inline = bigTiff ? 8 : 4;
  const head = (bigTiff ? 8 : 2) + sorted.length * entrySize + (bigTiff ? 8 : 4);
  const payloads = sorted.map(valueBytes);
  let extra = 0;
  const offsets = payloads.map((p) => {
    if (p.length <= inline) return -1;
    const o = head + extra;
    extra += p.length + (p.length % 2);
    return o;
  });
  const out = new Uint8Array(head + extra);
  const dv = new DataView(out.buffer);
  let pos = 0;
  if (bigTiff) {
    dv.setBigUint64(0, BigInt(sorted.length), true);
    pos = 8;
  } else {
    dv.setUint16(0, sorted.length, true);
    pos = 2;
  }
  sorted.forEach((e, i) => {
    const p = payloads[i] as Uint8Array;
    const count = typeof e.values === "string" ? p.length : e.values.length;
    dv.setUint16(pos, e.tag, true);
    dv.setUint16(pos + 2, e.type, true);
    if (bigTiff) dv.setBigUint64(pos + 4, BigInt(count), true);
    else dv.setUint32(pos + 4, count, true);
    const valuePos = pos + (bigTiff ? 12 : 8);
    const off = offsets[i] as number;
    if (off < 0) out.set(p, valuePos);
    else {
      if (bigTiff) dv.setBigUint64(valuePos, BigInt(at + off), true);
      else dv.setUint32(valuePos, at + off, true);
      out.set(p, off);
    }
    pos += entrySize;
  });
  if (bigTiff) dv.setBigUint64(pos, BigInt(next), true);
  else dv.setUint32(pos, next, true);
  return out;
}

/** The file header: byte order, magic and the offset of the first IFD. */
export function encodeHeader(firstIfd: number, bigTiff: boolean): Uint8Array {
  const out = new Uint8Array(bigTiff ? 16 : 8);
  const dv = new DataView(out.buffer);
  out[0] = 0x49;
  out[1] = 0x49;
  dv.setUint16(2, bigTiff ? 43 : 42, true);
  if (bigTiff) {
    dv.setUint16(4, 8, true);
    dv.setUint16(6, 0, true);
    dv.setBigUint64(8, BigInt(firstIfd), true);
  } else {
    dv.setUint32(4, firstIfd, true);
  }
  return out;
}
