/**
 * bzip2 decoding (numcodecs' `bz2` compressor, Python's `bz2` module), written from the format
 * as libbz2 1.0 reads it: per block, Huffman-coded move-to-front symbols with run lengths of the
 * first symbol, the Burrows-Wheeler transform undone from its origin pointer, then runs of four
 * equal bytes and a count expanded; each block's CRC and the stream's combined CRC checked.
 * Output is bounded by `limit`. Randomised blocks (which bzip2 has not written since 0.9.5, and
 * libbz2 still reads) are refused as unsupported. Bytes after the stream follow Python's `bz2.decompress`: another stream
 * is decoded, a truncated one refused, and anything else (a corrupt stream too) ignored.
 *
 * Internal (not exported from the package); for example, Python's `bz2.compress(b"hello, hello")`:
 * ```ts internal
 * import { decodeBzip2 } from "./bzip2.js";
 * const b = Buffer.from("425a683931415926535983c2b4c20000048180004000220000102000214d0a5f22e0bb9229c28482c0e15a6100", "hex");
 * console.log(new TextDecoder().decode(decodeBzip2(b, 1 << 20))); // hello, hello
 * ```
 */
import { TilecastError } from "../errors.js";
import { BitReader, Bzip2Error, decodeSymbol, MAX_CODE_LEN, makeTable, type Table } from "./bzip2-bits.js";
import { GrowingBytes } from "./growing-bytes.js";

export { Bzip2Error };

const BLOCK_MAGIC = [0x314159, 0x265359];
const END_MAGIC = [0x177245, 0x385090];
const MAX_GROUPS = 6;
const GROUP_SIZE = 50;
const MAX_SELECTORS = 18002;

/** CRC-32 as bzip2 computes it: polynomial 0x04C11DB7, most significant bit first. */
const CRC = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** Decode one block into `out`; returns its CRC as computed. */
function decodeBlock(r: BitReader, level: number, out: GrowingBytes, tt: Uint32Array): number {
  if (r.bit()) throw new TilecastError("E_UNSUPPORTED", "bzip2 randomised blocks (written only before bzip2 0.9.5)");
  const origPtr = r.bits(24);
  const maxBlock = 100000 * level;
  if (origPtr > 10 + maxBlock) throw new Bzip2Error("has an invalid block origin");
  // The byte values in use.
  const used = r.bits(16);
  const symbols: number[] = [];
  for (let i = 0; i < 16; i++)
    if (used & (0x8000 >>> i)) {
      const bits = r.bits(16);
      for (let j = 0; j < 16; j++) if (bits & (0x8000 >>> j)) symbols.push(i * 16 + j);
    }
  if (symbols.length === 0) throw new Bzip2Error("has a block with no symbols");
  const alphaSize = symbols.length + 2;
  const groups = r.bits(3);
  if (groups < 2 || groups > MAX_GROUPS) throw new Bzip2Error(`has ${groups} Huffman tables (2-6)`);
  const nSelectors = r.bits(15);
  if (nSelectors < 1) throw new Bzip2Error("has no Huffman table selectors");
  // Selectors, move-to-front coded; past 18002 they are read and dropped, as libbz2 1.0.8 does.
  const order = Array.from({ length: groups }, (_, i) => i);
  const selectors = new Uint8Array(Math.min(nSelectors, MAX_SELECTORS));
  for (let i = 0; i < nSelectors; i++) {
    let j = 0;
    while (r.bit()) if (++j >= groups) throw new Bzip2Error("has an invalid selector");
    const v = order[j] as number;
    order.splice(j, 1);
    order.unshift(v);
    if (i < MAX_SELECTORS) selectors[i] = v;
  }
  // The code lengths of each table, delta coded.
  const tables: Table[] = [];
  for (let t = 0; t < groups; t++) {
    const lengths = new Uint8Array(alphaSize);
    let len = r.bits(5);
    for (let i = 0; i < alphaSize; i++) {
      for (;;) {
        if (len < 1 || len > MAX_CODE_LEN) throw new Bzip2Error("has an invalid code length");
        if (!r.bit()) break;
        len += r.bit() ? -1 : 1;
      }
      lengths[i] = len;
    }
    tables.push(makeTable(lengths, alphaSize));
  }
  // Move-to-front symbols, with runs of the front symbol coded as RUNA/RUNB digits.
  const eob = symbols.length + 1;
  const mtf = Uint8Array.from(symbols, (_, i) => i);
  const counts = new Int32Array(256);
  let n = 0;
  let group = -1;
  let left = 0;
  let table = tables[0] as Table;
  const next = () => {
    if (left === 0) {
      if (++group >= selectors.length) throw new Bzip2Error("runs out of Huffman table selectors");
      table = tables[selectors[group] as number] as Table;
      left = GROUP_SIZE;
    }
    left--;
    return decodeSymbol(r, table);
  };
  let sym = next();
  for (;;) {
    if (sym === eob) break;
    if (sym <= 1) {
      let run = 0;
      let weight = 1;
      do {
        if (weight >= 2 * 1024 * 1024) throw new Bzip2Error("has a run too long");
        run += sym === 0 ? weight : 2 * weight;
        weight *= 2;
        sym = next();
      } while (sym <= 1);
      const b = symbols[mtf[0] as number] as number;
      if (n + run > maxBlock) throw new Bzip2Error("has a block larger than its header allows");
      counts[b] = (counts[b] as number) + run;
      tt.fill(b, n, n + run);
      n += run;
      continue;
    }
    if (sym >= alphaSize) throw new Bzip2Error("has an invalid symbol");
    const k = sym - 1;
    const v = mtf[k] as number;
    if (k < 16) for (let j = k; j > 0; j--) mtf[j] = mtf[j - 1] as number;
    else mtf.copyWithin(1, 0, k);
    mtf[0] = v;
    const b = symbols[v] as number;
    if (n >= maxBlock) throw new Bzip2Error("has a block larger than its header allows");
    counts[b] = (counts[b] as number) + 1;
    tt[n++] = b;
    sym = next();
  }
  if (origPtr >= n) throw new Bzip2Error("has a block origin past the block");
  // The inverse Burrows-Wheeler transform: link each position to the next, then walk the links.
  const start = new Int32Array(256);
  for (let i = 0, s = 0; i < 256; i++) {
    start[i] = s;
    s += counts[i] as number;
  }
  for (let i = 0; i < n; i++) {
    const b = (tt[i] as number) & 0xff;
    const at = start[b] as number;
    tt[at] = ((tt[at] as number) | (i << 8)) >>> 0;
    start[b] = at + 1;
  }
  // Walk, expanding runs: after four equal bytes, the next byte is how many more follow.
  let crc = 0xffffffff;
  const emit = (b: number) => {
    out.push(b);
    crc = ((crc << 8) ^ (CRC[((crc >>> 24) ^ b) & 0xff] as number)) >>> 0;
  };
  let pos = (tt[origPtr] as number) >>> 8;
  let last = -1;
  let same = 0;
  for (let i = 0; i < n; i++) {
    const word = tt[pos] as number;
    const b = word & 0xff;
    pos = word >>> 8;
    if (same === 4) {
      for (let k = 0; k < b; k++) emit(last);
      same = 0;
      last = -1;
      continue;
    }
    if (b === last) same++;
    else {
      last = b;
      same = 1;
    }
    emit(b);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** One stream from `pos`: returns where it ended (its last byte's end). */
function decodeStream(input: Uint8Array, pos: number, out: GrowingBytes): number {
  if (input.length - pos < 4) throw new Bzip2Error("is truncated", true);
  if (input[pos] !== 0x42 || input[pos + 1] !== 0x5a || input[pos + 2] !== 0x68)
    throw new Bzip2Error("does not start with a bzip2 header (BZh)");
  const level = (input[pos + 3] as number) - 0x30;
  if (level < 1 || level > 9) throw new Bzip2Error(`has an invalid block size ${level}`);
  const r = new BitReader(input, pos + 4);
  const tt = new Uint32Array(100000 * level);
  let combined = 0;
  for (;;) {
    const m0 = r.bits(24);
    const m1 = r.bits(24);
    if (m0 === END_MAGIC[0] && m1 === END_MAGIC[1]) {
      if (r.u32() !== combined) throw new Bzip2Error("fails its stream CRC");
      return r.pos;
    }
    if (m0 !== BLOCK_MAGIC[0] || m1 !== BLOCK_MAGIC[1]) throw new Bzip2Error("has an invalid block header");
    const stored = r.u32();
    if (decodeBlock(r, level, out, tt) !== stored) throw new Bzip2Error("fails a block's CRC (the data changed)");
    combined = (((combined << 1) | (combined >>> 31)) ^ stored) >>> 0;
  }
}

/** Whether `b` from `at` is a proper beginning of a bzip2 header ("BZh" and a level). */
function headerPrefix(b: Uint8Array, at: number): "full" | "partial" | "no" {
  const want = [0x42, 0x5a, 0x68];
  for (let i = 0; i < 4; i++) {
    if (at + i >= b.length) return "partial";
    const v = b[at + i] as number;
    if (i < 3 ? v !== want[i] : v < 0x31 || v > 0x39) return "no";
  }
  return "full";
}

/** Decode bzip2 `input` (streams back to back, as Python reads them) into at most `limit` bytes. */
export function decodeBzip2(input: Uint8Array, limit: number, expected = 0): Uint8Array {
  if (input.length === 0) return new Uint8Array(0); // Python's bz2.decompress(b"") is b""
  const out = new GrowingBytes(
    limit,
    expected || input.length * 4,
    (n) => new Bzip2Error(`decodes to more than ${n} bytes`),
  );
  let pos = decodeStream(input, 0, out);
  while (pos < input.length) {
    const head = headerPrefix(input, pos);
    if (head === "partial") throw new Bzip2Error("is followed by a truncated stream", true);
    if (head === "no") break;
    const mark = out.pos;
    try {
      pos = decodeStream(input, pos, out);
    } catch (e) {
      if (e instanceof Bzip2Error && !e.truncated) {
        out.pos = mark; // Python keeps what the streams before gave and drops a corrupt one
        break;
      }
      throw e;
    }
  }
  return out.result();
}
