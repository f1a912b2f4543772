/**
 * Rewrite a classic little-endian TIFF's first IFD with entries added or replaced (DOUBLE or
 * SHORT values, written at the end of the file, with the new IFD after them): georeferencing
 * tags in combinations no writer makes, for comparing readers with GDAL. Test-only.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { firstIfd } from "../fuzz/tiff.js";

export interface NewEntry {
  tag: number;
  /** 3 SHORT, 12 DOUBLE. */
  type: 3 | 12;
  values: number[];
}

/** Copy `from` to `to` with `entries` in its first IFD (replacing entries of the same tags; `drop` removes tags). */
export function editTiff(from: string, to: string, entries: NewEntry[], drop: number[] = []): void {
  const src = new Uint8Array(readFileSync(from));
  const ifd = firstIfd(src);
  if (!ifd || ifd.big || !ifd.little) throw new Error(`${from}: not a classic little-endian TIFF`);
  const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const replaced = new Set([...entries.map((e) => e.tag), ...drop]);
  // Old entries keep their 12 bytes (offsets into the old file stay valid: the file only grows).
  const kept = ifd.entries
    .map((e, k) => ({ tag: e.tag, raw: src.slice(ifd.offset + 2 + 12 * k, ifd.offset + 14 + 12 * k) }))
    .filter((e) => !replaced.has(e.tag));
  const tail: number[] = [];
  let end = src.length + (src.length % 2);
  const made = entries.map((e) => {
    const bytes = new Uint8Array(e.values.length * (e.type === 12 ? 8 : 2));
    const d = new DataView(bytes.buffer);
    e.values.forEach((x, i) => (e.type === 12 ? d.setFloat64(8 * i, x, true) : d.setUint16(2 * i, x, true)));
    const raw = new Uint8Array(12);
    const r = new DataView(raw.buffer);
    r.setUint16(0, e.tag, true);
    r.setUint16(2, e.type, true);
    r.setUint32(4, e.values.length, true);
    if (bytes.length <= 4) raw.set(bytes, 8);
    else {
      r.setUint32(8, end, true);
      tail.push(...bytes);
      end += bytes.length;
    }
    return { tag: e.tag, raw };
  });
  const all = [...kept, ...made].sort((a, b) => a.tag - b.tag);
  const ifdAt = end + (end % 2);
  const out = new Uint8Array(ifdAt + 2 + 12 * all.length + 4);
  out.set(src);
  out.set(tail, src.length + (src.length % 2));
  const o = new DataView(out.buffer);
  o.setUint16(ifdAt, all.length, true);
  all.forEach((e, k) => out.set(e.raw, ifdAt + 2 + 12 * k));
  o.setUint32(ifdAt + 2 + 12 * all.length, v.getUint32(ifd.nextAt, true), true);
  o.setUint32(4, ifdAt, true);
  writeFileSync(to, out);
}
