/**
 * The .xz container (what libtiff's LZMA compression and numcodecs' default `lzma` codec write)
 * and the older .lzma one, decoded with every check the format has: the header, block header
 * and index CRC-32s, each block's declared sizes, its check (CRC-32, CRC-64 or SHA-256) over the
 * decoded bytes, and the index against the blocks. Filters: LZMA2, after the Delta filter libtiff
 * puts before it; any other (the executable filters) is refused as unsupported. Bytes after the
 * stream: libtiff ignores them (`trailing: "ignore"`, the default); Python's `lzma.decompress`
 * (numcodecs, so zarr-python) decodes another stream there, ignores 12 bytes or more that are not
 * one, and refuses fewer (`trailing: "python"`).
 *
 * Internal (not exported from the package); for example, Python's `lzma.compress(b"hello, hello", check=lzma.CHECK_CRC32)`:
 * ```ts internal
 * import { decodeXz } from "./xz.js";
 * const xz = Buffer.from("fd377a585a0000016922de360200210116000000742fe5a301000b68656c6c6f2c2068656c6c6f00ffc5ccf30001200ca2ddb4bc9042990d010000000001595a", "hex");
 * console.log(new TextDecoder().decode(decodeXz(xz, 1 << 20))); // hello, hello
 * ```
 */
import { TilecastError } from "../../errors.js";
import { checkMatches, crc32 } from "./checks.js";
import { LzmaError, LzmaState, Window } from "./lzma.js";
import { decodeLzma2 } from "./lzma2.js";

export { LzmaError };

const MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
/** Bytes of each check type's field (0 none, 1 CRC-32, 4 CRC-64, 10 SHA-256; others reserved). */
const CHECK_SIZE = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64];
const LZMA2 = 0x21;
const DELTA = 0x03;

/** A reader over `input` whose errors say what they were reading. */
class Cursor {
  constructor(
    readonly input: Uint8Array,
    public pos: number,
  ) {}
  byte(what: string): number {
    if (this.pos >= this.input.length) throw new LzmaError(`xz stream is truncated in its ${what}`, true);
    return this.input[this.pos++] as number;
  }
  bytes(n: number, what: string): Uint8Array {
    if (this.input.length - this.pos < n) throw new LzmaError(`xz stream is truncated in its ${what}`, true);
    this.pos += n;
    return this.input.subarray(this.pos - n, this.pos);
  }
  /** A variable-length integer: 7 bits a byte, least significant first, at most 9 bytes. */
  vli(what: string): number {
    let v = 0;
    for (let i = 0; i < 9; i++) {
      const b = this.byte(what);
      v += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) throw new LzmaError(`xz stream has a badly encoded number in its ${what}`);
        return v;
      }
    }
    throw new LzmaError(`xz stream has a number too long in its ${what}`);
  }
  u32(what: string): number {
    const b = this.bytes(4, what);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
  }
}

const isMagic = (b: Uint8Array, at: number) => MAGIC.every((m, i) => b[at + i] === m);

/**
 * Decode an .xz stream into at most `limit` bytes (`expected`, when known, sizes the first
 * buffer); with `trailing: "python"`, the streams that follow it too. Throws {@link LzmaError}
 * on corrupt data, a TilecastError E_UNSUPPORTED on a filter it does not decode.
 */
export function decodeXz(
  input: Uint8Array,
  limit: number,
  o: { expected?: number; trailing?: "ignore" | "python" } = {},
): Uint8Array {
  const parts: Uint8Array[] = [];
  const made = () => parts.reduce((n, p) => n + p.length, 0);
  let pos = decodeStream(new Cursor(input, 0), parts, limit, o.expected ?? 0);
  while (o.trailing === "python" && pos < input.length) {
    const left = input.length - pos;
    if (left < 12) throw new LzmaError(`xz stream is followed by ${left} stray bytes`, true);
    if (!isMagic(input, pos)) break; // not a stream: Python ignores it
    const kept = parts.length;
    try {
      pos = decodeStream(new Cursor(input, pos), parts, limit - made(), 0);
    } catch (e) {
      if (!(e instanceof LzmaError) || e.truncated) throw e;
      parts.length = kept; // a corrupt stream after the first: Python keeps what came before it
      break;
    }
  }
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(made());
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function decodeStream(c: Cursor, parts: Uint8Array[], limit: number, expected: number): number {
  if (!isMagic(c.input, c.pos)) throw new LzmaError("xz data does not start with an xz header");
  c.pos += 6;
  const flags = c.bytes(2, "header");
  if (c.u32("header") !== crc32(flags)) throw new LzmaError("xz stream header fails its CRC-32");
  if (flags[0] !== 0 || (flags[1] as number) > 0x0f)
    throw new TilecastError("E_UNSUPPORTED", `xz stream flags ${flags[0]}, ${flags[1]} (a newer xz format)`);
  const check = (flags[1] as number) & 0x0f;
  const blocks: [number, number][] = []; // unpadded and uncompressed size of each
  let made = 0;
  while (c.byte("index") !== 0) {
    c.pos--;
    const { data, unpadded } = decodeBlock(c, check, limit - made, expected);
    made += data.length;
    parts.push(data);
    blocks.push([unpadded, data.length]);
  }
  // The index lists the blocks' sizes, which must be what was decoded.
  const indexStart = c.pos - 1;
  const count = c.vli("index");
  if (count !== blocks.length) throw new LzmaError(`xz index lists ${count} blocks, the stream has ${blocks.length}`);
  for (const [unpadded, size] of blocks)
    if (c.vli("index") !== unpadded || c.vli("index") !== size)
      throw new LzmaError("xz index does not match the blocks");
  zeroPadding(c, c.pos - indexStart, "index");
  const indexSize = c.pos - indexStart;
  if (c.u32("index") !== crc32(c.input.subarray(indexStart, c.pos - 4)))
    throw new LzmaError("xz index fails its CRC-32");
  // The footer: its CRC-32, the index size, the header's flags again, and YZ.
  const crc = c.u32("footer");
  const rest = c.bytes(6, "footer");
  if (crc !== crc32(rest)) throw new LzmaError("xz stream footer fails its CRC-32");
  const backward = (new DataView(rest.buffer, rest.byteOffset, 4).getUint32(0, true) + 1) * 4;
  if (
    backward !== indexSize + 4 ||
    rest[4] !== flags[0] ||
    rest[5] !== flags[1] ||
    c.byte("footer") !== 0x59 ||
    c.byte("footer") !== 0x5a
  )
    throw new LzmaError("xz stream footer does not match its header and index");
  return c.pos;
}

/** Zero bytes up to a multiple of 4 of `size`. */
function zeroPadding(c: Cursor, size: number, what: string): void {
  for (let i = size; i % 4 !== 0; i++)
    if (c.byte(what) !== 0) throw new LzmaError(`xz stream has padding that is not zero in its ${what}`);
}

/** One block: header, LZMA2 data (then any Delta filter), padding and check. */
function decodeBlock(c: Cursor, check: number, limit: number, expected: number) {
  const start = c.pos;
  const headerSize = (c.byte("block header") + 1) * 4;
  const header = c.bytes(headerSize - 1, "block header");
  const h = new Cursor(c.input.subarray(start, start + headerSize - 4), 1);
  const stored = new DataView(header.buffer, header.byteOffset + headerSize - 5, 4).getUint32(0, true);
  if (stored !== crc32(c.input.subarray(start, start + headerSize - 4)))
    throw new LzmaError("xz block header fails its CRC-32");
  const flags = h.byte("block header");
  if (flags & 0x3c) throw new TilecastError("E_UNSUPPORTED", `xz block flags ${flags} (a newer xz format)`);
  const packedSize = flags & 0x40 ? h.vli("block header") : null;
  const size = flags & 0x80 ? h.vli("block header") : null;
  const filters: { id: number; props: Uint8Array }[] = [];
  for (let i = 0; i <= (flags & 3); i++) {
    const id = h.vli("block header");
    filters.push({ id, props: h.bytes(h.vli("block header"), "block header") });
  }
  for (const b of h.input.subarray(h.pos))
    if (b !== 0) throw new LzmaError("xz block header has padding that is not zero");
  const last = filters.at(-1) as { id: number; props: Uint8Array };
  const deltas = filters.slice(0, -1).map((f) => deltaDistance(f.id, f.props));
  if (last.id !== LZMA2)
    throw new TilecastError("E_UNSUPPORTED", `xz filter 0x${last.id.toString(16)} (tilecast decodes LZMA2 and Delta)`);
  const dict = last.props.length === 1 ? (last.props[0] as number) : 0xff;
  if (dict > 40) throw new LzmaError("xz block has an invalid LZMA2 dictionary size");
  const dictSize = dict === 40 ? 0xffffffff : (2 | (dict & 1)) * 2 ** (Math.floor(dict / 2) + 11);
  // The data.
  const dataStart = c.pos;
  const w = new Window(size ?? limit, size ?? expected);
  if (size !== null && size > limit) throw new LzmaError(`xz block decodes to more than ${limit} bytes`);
  c.pos = decodeLzma2(c.input, dataStart, c.input.length, w, dictSize);
  const packed = c.pos - dataStart;
  if ((packedSize !== null && packed !== packedSize) || (size !== null && w.pos !== size))
    throw new LzmaError("xz block is not the size its header declares");
  const data = w.result();
  for (let i = deltas.length - 1; i >= 0; i--) undoDelta(data, deltas[i] as number);
  zeroPadding(c, packed, "block");
  const field = c.bytes(CHECK_SIZE[check] as number, "block check");
  if (checkMatches(check, data, field) === false) throw new LzmaError("xz block fails its check (the data changed)");
  return { data, unpadded: headerSize + packed + field.length };
}

function deltaDistance(id: number, props: Uint8Array): number {
  if (id !== DELTA)
    throw new TilecastError("E_UNSUPPORTED", `xz filter 0x${id.toString(16)} (tilecast decodes LZMA2 and Delta)`);
  if (props.length !== 1) throw new LzmaError("xz block has a Delta filter with invalid properties");
  return (props[0] as number) + 1;
}

/** The Delta filter's decoding: each byte plus the one `distance` before it, from zeros. */
function undoDelta(b: Uint8Array, distance: number): void {
  for (let i = distance; i < b.length; i++) b[i] = ((b[i] as number) + (b[i - distance] as number)) & 0xff;
}

/**
 * A raw LZMA2 stream (no container: numcodecs' `format: 3`) into at most `limit` bytes, with a
 * dictionary of `dictSize` bytes, then the Delta filters of `distances` undone, last first.
 */
export function decodeRawLzma2(input: Uint8Array, limit: number, dictSize: number, distances: number[]): Uint8Array {
  const w = new Window(limit, input.length * 4);
  decodeLzma2(input, 0, input.length, w, dictSize);
  const out = w.result();
  for (let i = distances.length - 1; i >= 0; i--) undoDelta(out, distances[i] as number);
  return out;
}

/**
 * Decode an .lzma (LZMA_Alone) stream: properties, dictionary size, the decoded size (or none,
 * then an end marker closes the data), into at most `limit` bytes. Bytes after it are ignored;
 * with `trailing: "python"`, fewer than 13 that could start another stream are refused, as
 * Python's `lzma.decompress` refuses them (it waits for the rest of that stream's header).
 */
export function decodeLzmaAlone(
  input: Uint8Array,
  limit: number,
  o: { trailing?: "ignore" | "python" } = {},
): Uint8Array {
  if (input.length < 13) throw new LzmaError("LZMA stream is truncated in its header");
  const v = new DataView(input.buffer, input.byteOffset, 13);
  const dictSize = v.getUint32(1, true);
  const lo = v.getUint32(5, true);
  const hi = v.getUint32(9, true);
  const known = !(lo === 0xffffffff && hi === 0xffffffff);
  const size = hi * 2 ** 32 + lo;
  if (known && size > limit) throw new LzmaError(`LZMA stream decodes to more than ${limit} bytes`);
  const st = new LzmaState(Math.max(dictSize, 4096));
  st.setProperties(input[0] as number);
  st.reset();
  const w = new Window(known ? size : limit, known ? size : input.length * 4);
  const { ended, pos } = st.decode(input, 13, input.length, w, known ? size : limit, !known, false);
  if (!known && !ended) throw new LzmaError("LZMA stream has no end marker");
  const left = input.length - pos;
  if (o.trailing === "python" && left > 0 && left < 13 && validProperties(input[pos] as number))
    throw new LzmaError(`LZMA stream is followed by ${left} stray bytes`);
  return w.result();
}

/** Whether a properties byte is one liblzma accepts (lc + lp at most 4). */
function validProperties(b: number): boolean {
  return b < 225 && (b % 9) + (Math.floor(b / 9) % 5) <= 4;
}
