/**
 * A pass over a TIFF's directory chain, local or remote (`tiff-bytes.ts`), the only parse of it
 * (`scanned-tiff.ts` reads values from what it records): every IFD must lie in the file, every entry's values must fit in
 * the file, and the chain must end (no IFD visited twice, at most {@link MAX_SCANNED_IFDS}). So a
 * flipped bit in a count (4 billion values) is an error before any allocation, and a next-IFD
 * offset pointing back cannot loop.
 */
import { TilecastError } from "../../errors.js";
import type { TiffHeader } from "./header.js";
import {
  countProblem,
  isIntegerTag,
  layoutTagName,
  PREDICTOR,
  rangeProblem,
  SHORT_RANGE,
  typeProblem,
} from "./layout-tag-rules.js";
import type { TiffBytes } from "./tiff-bytes.js";

/**
 * The SamplesPerPixel of an IFD's entries: 1 when absent (TIFF's default), 0 when it is not one
 * inline value (refused by {@link countProblem}).
 */
function own277(entries: ReadonlyMap<number, ScannedEntry>, le: boolean): number {
  const e = entries.get(277);
  if (!e) return 1;
  if (!e.inline || e.count !== 1) return 0;
  return decodeValues(new DataView(e.inline.buffer), e.type, 1, le)[0] as number;
}

/** More images than any real pyramid has. */
export const MAX_SCANNED_IFDS = 1024;

/** Bytes per value of each TIFF field type. */
export const TYPE_BYTES: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  16: 8,
  17: 8,
  18: 8,
};

/** What the scan saw of image 0: its Compression code and samples (width x height x samples per pixel). */
export interface FirstImage {
  compression: number;
  samples: number;
}

/** One directory entry: its field type, count, and its value bytes (inline) or where they lie. */
export interface ScannedEntry {
  type: number;
  count: number;
  /** The value bytes when they fit in the entry, else null. */
  inline: Uint8Array | null;
  /** The file offset of the value bytes when they do not fit in the entry. */
  at: number;
}

/** The `count` values of field type `type` in `v` (DataView over exactly their bytes). */
export function decodeValues(v: DataView, type: number, count: number, le: boolean): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    switch (type) {
      case 1: // BYTE
      case 7: // UNDEFINED
        out[i] = v.getUint8(i);
        break;
      case 6: // SBYTE
        out[i] = v.getInt8(i);
        break;
      case 3: // SHORT
        out[i] = v.getUint16(2 * i, le);
        break;
      case 8: // SSHORT
        out[i] = v.getInt16(2 * i, le);
        break;
      case 4: // LONG
      case 13: // IFD
        out[i] = v.getUint32(4 * i, le);
        break;
      case 9: // SLONG
        out[i] = v.getInt32(4 * i, le);
        break;
      case 5: // RATIONAL
        out[i] = v.getUint32(8 * i, le) / v.getUint32(8 * i + 4, le);
        break;
      case 10: // SRATIONAL
        out[i] = v.getInt32(8 * i, le) / v.getInt32(8 * i + 4, le);
        break;
      case 11: // FLOAT
        out[i] = v.getFloat32(4 * i, le);
        break;
      case 12: // DOUBLE
        out[i] = v.getFloat64(8 * i, le);
        break;
      case 16: // LONG8
      case 18: // IFD8
        out[i] = Number(v.getBigUint64(8 * i, le));
        break;
      case 17: // SLONG8
        out[i] = Number(v.getBigInt64(8 * i, le));
        break;
      default:
        throw new RangeError(`unknown TIFF field type ${type}`);
    }
  }
  return out;
}

/** The entries of each IFD of the chain, in order (a tag listed twice keeps its first entry, as libtiff does). */
export type ScannedIfd = ReadonlyMap<number, ScannedEntry>;

/** What {@link scanIfds} found: image 0 and every IFD's entries. */
export interface Scan {
  first: FirstImage;
  ifds: ScannedIfd[];
}

/**
 * Check the IFD chain of the TIFF whose bytes are `file` (see the module documentation).
 *
 * @throws TilecastError E_FORMAT, E_TRUNCATED or E_TOO_LARGE naming the file.
 */
export async function scanIfds(file: TiffBytes, header: TiffHeader, path: string): Promise<Scan> {
  const { size, littleEndian: le, bigTiff: big } = header;
  const fail = (code: "E_FORMAT" | "E_TRUNCATED" | "E_TOO_LARGE", problem: string) =>
    new TilecastError(code, problem, { path });
  const head = await file.read(0, 16);
  let offset = big ? Number(head.getBigUint64(8, le)) : head.getUint32(4, le);
  const seen = new Set<number>();
  let extraSamples = 0;
  let spp = 1;
  const first = { compression: 1, width: 0, height: 0 };
  const ifds: ScannedIfd[] = [];
  for (let i = 0; offset !== 0; i++) {
    if (i >= MAX_SCANNED_IFDS) throw fail("E_TOO_LARGE", `more than ${MAX_SCANNED_IFDS} images (IFDs) in one file`);
    if (seen.has(offset))
      throw fail("E_FORMAT", `IFD ${i} is the IFD at byte ${offset} again: the directory chain loops`);
    seen.add(offset);
    const countBytes = big ? 8 : 2;
    if (offset + countBytes > size)
      throw fail("E_TRUNCATED", `IFD ${i} at byte ${offset} lies past the end of the ${size}-byte file`);
    const cv = await file.read(offset, countBytes);
    const n = big ? Number(cv.getBigUint64(0, le)) : cv.getUint16(0, le);
    const width = big ? 20 : 12;
    const linkBytes = big ? 8 : 4;
    const end = offset + countBytes + n * width + linkBytes;
    if (n === 0 || end > size)
      throw fail(
        "E_TRUNCATED",
        `IFD ${i} at byte ${offset} declares ${n} entries, which do not fit in the ${size}-byte file`,
      );
    const body = await file.read(offset + countBytes, n * width + linkBytes);
    const entries = new Map<number, ScannedEntry>();
    ifds.push(entries);
    for (let k = 0; k < n; k++) {
      const e = k * width;
      const tag = body.getUint16(e, le);
      const type = body.getUint16(e + 2, le);
      const count = big ? Number(body.getBigUint64(e + 4, le)) : body.getUint32(e + 4, le);
      // A tag the image's layout rests on must be an integer of a TIFF type, whatever other type
      // (known or not) the entry claims; libtiff refuses these too.
      const named = layoutTagName(tag);
      const problem = typeProblem(tag, type, big);
      if (problem) throw fail("E_FORMAT", `IFD ${i}: ${named} has field type ${type}; ${problem}`);
      const unit = TYPE_BYTES[type];
      if (unit === undefined) continue; // another tag of an unknown field type is ignored, as libtiff ignores it
      if (tag === PREDICTOR && count !== 1) continue; // ignored, as libtiff ignores it (layout-tag-rules.ts)
      if (tag === 338 && i === 0) extraSamples = count;
      const value = e + (big ? 12 : 8); // the inline value follows a 4-byte (8 in BigTIFF) count
      // The first value, where it is inline; a signed kind holding a negative one is refused, as
      // libtiff refuses it (block tables, not inline, are checked where they are read).
      const own = isIntegerTag(tag)
        ? (decodeValues(new DataView(body.buffer, body.byteOffset + value, unit), type, 1, le)[0] as number)
        : 0;
      if (own < 0 && count * unit <= linkBytes)
        throw fail("E_FORMAT", `IFD ${i}: ${named} is ${own}; it must not be negative`);
      if (tag === 277 && i === 0) spp = own;
      if (i === 0 && count === 1 && (tag === 256 || tag === 257 || tag === 259))
        first[tag === 259 ? "compression" : tag === 256 ? "width" : "height"] = own;
      const bytes = count * unit;
      if (bytes > size)
        throw fail(
          "E_FORMAT",
          `IFD ${i}: tag ${tag} claims ${count} values (${bytes} bytes), more than the ${size}-byte file holds`,
        );
      let at = 0;
      if (bytes > linkBytes) {
        at = big ? Number(body.getBigUint64(value, le)) : body.getUint32(value, le);
        if (at + bytes > size)
          throw fail(
            "E_TRUNCATED",
            `IFD ${i}: the values of tag ${tag} run to byte ${at + bytes}, past the end of the ${size}-byte file`,
          );
      }
      if (SHORT_RANGE.has(tag)) {
        const v =
          bytes > linkBytes ? await file.read(at, bytes) : new DataView(body.buffer, body.byteOffset + value, bytes);
        const range = rangeProblem(tag, decodeValues(v, type, count, le));
        if (range) throw fail("E_FORMAT", `IFD ${i}: ${range}`);
      }
      if (!entries.has(tag)) {
        const inline = bytes > linkBytes ? null : new Uint8Array(body.buffer, body.byteOffset + value, bytes).slice();
        entries.set(tag, { type, count, inline, at });
      }
    }
    const counts = countProblem(entries, own277(entries, le));
    if (counts) throw fail("E_FORMAT", `IFD ${i}: ${counts}`);
    offset = big ? Number(body.getBigUint64(n * width, le)) : body.getUint32(n * width, le);
    if (i === 0 && extraSamples > spp)
      throw fail("E_FORMAT", `ExtraSamples lists ${extraSamples} channels, more than the ${spp} samples per pixel`);
  }
  return { first: { compression: first.compression, samples: first.width * first.height * spp }, ifds };
}
