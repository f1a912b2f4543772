/**
 * The LZMA decoder (the algorithm inside .xz's LZMA2 chunks, .lzma files and 7-Zip), written from
 * the format's specification (Igor Pavlov's `lzma-specification.txt`): a range decoder over
 * adaptive bit probabilities, literals coded against the byte a match would give, and matches
 * at a new distance or at one of the last four. The whole output is the dictionary, so a match
 * may reach back to anything decoded since the last dictionary reset; one that reaches further,
 * or past the dictionary size the stream declares, is corrupt data.
 */
import { GrowingBytes } from "../growing-bytes.js";
import { LzmaError, RangeDecoder } from "./range-decoder.js";

export { LzmaError };

/** Offsets of each probability group in one array. */
const IS_MATCH = 0; // 12 states x 16 position states
const IS_REP = IS_MATCH + 192;
const IS_REP_G0 = IS_REP + 12;
const IS_REP_G1 = IS_REP_G0 + 12;
const IS_REP_G2 = IS_REP_G1 + 12;
const IS_REP0_LONG = IS_REP_G2 + 12; // 12 x 16
const POS_SLOT = IS_REP0_LONG + 192; // 4 length states x 64 slots
const SPEC_POS = POS_SLOT + 256; // distances 4-127: 1 + 128 - 14
const ALIGN = SPEC_POS + 115; // the low 4 bits of distances from 128
const LEN = ALIGN + 16; // match lengths: choice, choice2, low 16 x 8, mid 16 x 8, high 256
const REP_LEN = LEN + 514;
const LITERAL = REP_LEN + 514; // 0x300 per literal context
const END_MARKER = 0xffffffff;

/** The output, which is also the dictionary; grows up to `limit` bytes. */
export class Window extends GrowingBytes {
  /** Where the dictionary was last reset: no match reaches before it. */
  start = 0;
  constructor(limit: number, expected: number) {
    super(limit, expected, (n) => new LzmaError(`LZMA data decodes to more than ${n} bytes`));
  }
}

/** The decoder's state, kept across LZMA2 chunks that do not reset it. */
export class LzmaState {
  lc = 3;
  lp = 0;
  pb = 2;
  probs = new Uint16Array(LITERAL + (0x300 << 3));
  state = 0;
  rep0 = 0;
  rep1 = 0;
  rep2 = 0;
  rep3 = 0;

  constructor(readonly dictSize: number) {}

  /** Take lc, lp and pb from a properties byte; lc + lp over 4 is refused, as liblzma refuses it. */
  setProperties(byte: number): void {
    if (byte >= 9 * 5 * 5) throw new LzmaError(`LZMA data has an invalid properties byte ${byte}`);
    this.lc = byte % 9;
    this.lp = Math.floor(byte / 9) % 5;
    this.pb = Math.floor(byte / 45);
    if (this.lc + this.lp > 4) throw new LzmaError(`LZMA data has lc + lp = ${this.lc + this.lp}, over 4`);
    const size = LITERAL + (0x300 << (this.lc + this.lp));
    if (this.probs.length !== size) this.probs = new Uint16Array(size);
  }

  /** Every probability to one half, the state and the four distances to 0. */
  reset(): void {
    this.probs.fill(1024);
    this.state = 0;
    this.rep0 = this.rep1 = this.rep2 = this.rep3 = 0;
  }

  /**
   * Decode `input[pos, end)` into `w` until it holds `until` bytes (or, with `marker`, until the
   * end marker). Returns whether the end marker was met, and checks that the coder ended cleanly
   * when `exact` (LZMA2 chunks, whose compressed size is known).
   */
  decode(input: Uint8Array, pos: number, end: number, w: Window, until: number, marker: boolean, exact: boolean) {
    const rc = new RangeDecoder(input, pos, end);
    const p = this.probs;
    const { lc, dictSize } = this;
    const pbMask = (1 << this.pb) - 1;
    const lpMask = (1 << this.lp) - 1;
    let { state, rep0, rep1, rep2, rep3 } = this;
    let ended = false;
    while (w.pos < until) {
      // Positions count from the last dictionary reset, as the encoder counted them.
      const at = w.pos - w.start;
      const posState = at & pbMask;
      let buf = w.buf;
      if (rc.bit(p, IS_MATCH + (state << 4) + posState) === 0) {
        const prev = at > 0 ? (buf[w.pos - 1] as number) : 0;
        const base = LITERAL + 0x300 * (((at & lpMask) << lc) + (prev >>> (8 - lc)));
        const sym = rc.literal(p, base, state >= 7 ? (buf[w.pos - rep0 - 1] as number) : -1);
        w.reserve(1);
        w.buf[w.pos++] = sym;
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let len: number;
      if (rc.bit(p, IS_REP + state) !== 0) {
        if (w.pos === w.start) throw new LzmaError("LZMA data repeats a match before any data");
        if (rc.bit(p, IS_REP_G0 + state) === 0) {
          if (rc.bit(p, IS_REP0_LONG + (state << 4) + posState) === 0) {
            state = state < 7 ? 9 : 11;
            w.reserve(1);
            buf = w.buf;
            buf[w.pos] = buf[w.pos - rep0 - 1] as number;
            w.pos++;
            continue;
          }
        } else {
          let dist: number;
          if (rc.bit(p, IS_REP_G1 + state) === 0) dist = rep1;
          else {
            if (rc.bit(p, IS_REP_G2 + state) === 0) dist = rep2;
            else {
              dist = rep3;
              rep3 = rep2;
            }
            rep2 = rep1;
          }
          rep1 = rep0;
          rep0 = dist;
        }
        len = rc.length(p, REP_LEN, posState);
        state = state < 7 ? 8 : 11;
      } else {
        rep3 = rep2;
        rep2 = rep1;
        rep1 = rep0;
        len = rc.length(p, LEN, posState);
        state = state < 7 ? 7 : 10;
        rep0 = this.distance(rc, len);
        if (rep0 === END_MARKER) {
          if (!marker) throw new LzmaError("LZMA data has an end marker where none may be");
          ended = true;
          break;
        }
        if (rep0 >= dictSize || rep0 >= w.pos - w.start)
          throw new LzmaError(`LZMA data has a match ${rep0 + 1} bytes back, before the start of the data`);
      }
      len += 2;
      if (w.pos + len > until) throw new LzmaError("LZMA data has a match past the end of the data");
      w.reserve(len);
      buf = w.buf;
      const from = w.pos - rep0 - 1;
      // copyWithin costs more than it saves on the short matches that are most of them.
      if (len > 32 && rep0 + 1 >= len) buf.copyWithin(w.pos, from, from + len);
      else for (let i = 0; i < len; i++) buf[w.pos + i] = buf[from + i] as number;
      w.pos += len;
    }
    Object.assign(this, { state, rep0, rep1, rep2, rep3 });
    if (exact && !rc.finished()) throw new LzmaError("LZMA data does not end where its header says");
    if (!exact && rc.code !== 0) throw new LzmaError("LZMA data does not end cleanly");
    return { ended, pos: rc.pos };
  }

  private distance(rc: RangeDecoder, len: number): number {
    const p = this.probs;
    const slot = rc.tree(p, POS_SLOT + (len < 3 ? len : 3) * 64, 6);
    if (slot < 4) return slot;
    const bits = (slot >>> 1) - 1;
    let dist = ((2 | (slot & 1)) << bits) >>> 0;
    if (slot < 14) return dist + rc.reverse(p, SPEC_POS + dist - slot, bits);
    dist = (dist + rc.direct(bits - 4) * 16) >>> 0;
    return (dist + rc.reverse(p, ALIGN, 4)) >>> 0;
  }
}
