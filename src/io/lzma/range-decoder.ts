/**
 * LZMA's range decoder: bits coded against adaptive probabilities (11-bit, moving by 1/32 of the
 * distance to certainty at each bit), direct bits, bit trees, and the match-length coder.
 */

/** Corrupt or truncated LZMA data (`truncated`: it ended early); callers name the block or chunk. */
export class LzmaError extends Error {
  constructor(
    message: string,
    readonly truncated = false,
  ) {
    super(message);
  }
}

/** The range decoder over `input[pos, end)`: LZMA's entropy coder. */
export class RangeDecoder {
  /** range and code: 32-bit unsigned values, kept in a typed array so they are never boxed. */
  readonly rc = new Uint32Array(2);
  constructor(
    private readonly input: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {
    if (end - pos < 5) throw new LzmaError("LZMA data is truncated", true);
    if (input[pos] !== 0) throw new LzmaError("LZMA data starts with a range coder byte that is not 0");
    let code = 0;
    for (let i = 1; i < 5; i++) code = ((code << 8) | (input[pos + i] as number)) >>> 0;
    this.rc[0] = 0xffffffff;
    this.rc[1] = code;
    this.pos = pos + 5;
    if (code === 0xffffffff) throw new LzmaError("LZMA data has an impossible first range coder value");
  }
  get code(): number {
    return this.rc[1] as number;
  }
  private next(): number {
    if (this.pos >= this.end) throw new LzmaError("LZMA data is truncated", true);
    return this.input[this.pos++] as number;
  }
  bit(p: Uint16Array, i: number): number {
    const rc = this.rc;
    const prob = p[i] as number;
    let range = rc[0] as number;
    let code = rc[1] as number;
    const bound = (range >>> 11) * prob;
    let bit: number;
    if (code < bound) {
      range = bound;
      p[i] = prob + ((2048 - prob) >>> 5);
      bit = 0;
    } else {
      range -= bound;
      code -= bound;
      p[i] = prob - (prob >>> 5);
      bit = 1;
    }
    if (range < 0x1000000) {
      range *= 256;
      code = code * 256 + this.next();
    }
    rc[0] = range;
    rc[1] = code;
    return bit;
  }
  direct(n: number): number {
    const rc = this.rc;
    let range = rc[0] as number;
    let code = rc[1] as number;
    let r = 0;
    for (let i = 0; i < n; i++) {
      range = range >>> 1;
      let bit = 0;
      if (code >= range) {
        code -= range;
        bit = 1;
      }
      r = ((r << 1) | bit) >>> 0;
      if (range < 0x1000000) {
        range *= 256;
        code = (code * 256 + this.next()) % 4294967296;
      }
    }
    rc[0] = range;
    rc[1] = code;
    return r;
  }
  /**
   * A literal byte: eight bits down the tree at `base`, or, with `match` (the byte a repeated
   * match would give, 0-255; -1 for none), down its matched half until a bit differs.
   */
  literal(p: Uint16Array, base: number, match: number): number {
    let sym = 1;
    if (match >= 0) {
      let m = match;
      do {
        const mb = (m >>> 7) & 1;
        m <<= 1;
        const b = this.bit(p, base + ((1 + mb) << 8) + sym);
        sym = (sym << 1) | b;
        if (mb !== b) break;
      } while (sym < 0x100);
    }
    while (sym < 0x100) sym = (sym << 1) | this.bit(p, base + sym);
    return sym & 0xff;
  }
  tree(p: Uint16Array, base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.bit(p, base + m);
    return m - (1 << bits);
  }
  reverse(p: Uint16Array, base: number, bits: number): number {
    let m = 1;
    let r = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(p, base + m);
      m = (m << 1) | b;
      r |= b << i;
    }
    return r;
  }
  /** A match length less 2 (0-271), from the coder at `base` (LEN or REP_LEN). */
  length(p: Uint16Array, base: number, posState: number): number {
    if (this.bit(p, base) === 0) return this.tree(p, base + 2 + posState * 8, 3);
    if (this.bit(p, base + 1) === 0) return 8 + this.tree(p, base + 130 + posState * 8, 3);
    return 16 + this.tree(p, base + 258, 8);
  }
  /** Whether the coder ended cleanly: every byte read, nothing left in `code`. */
  finished(): boolean {
    return this.rc[1] === 0 && this.pos === this.end;
  }
}
