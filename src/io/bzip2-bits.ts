/**
 * bzip2's bit reader (most significant bit first) and its Huffman tables, built and read as
 * libbz2 builds and reads them (limit, base and permutation by code length).
 */

/** Corrupt bzip2 data; `truncated` when it ended early. */
export class Bzip2Error extends Error {
  constructor(
    message: string,
    readonly truncated = false,
  ) {
    super(`bzip2 data ${message}`);
  }
}

export const MAX_ALPHA = 258;
export const MAX_CODE_LEN = 20;

/** Bits of `input`, most significant first. */
export class BitReader {
  private buf = 0;
  private n = 0;
  constructor(
    private readonly input: Uint8Array,
    public pos: number,
  ) {}
  /** The next `k` bits (at most 24). */
  bits(k: number): number {
    while (this.n < k) {
      if (this.pos >= this.input.length) throw new Bzip2Error("is truncated", true);
      this.buf = ((this.buf << 8) | (this.input[this.pos++] as number)) & 0xffffffff;
      this.n += 8;
    }
    this.n -= k;
    return (this.buf >>> this.n) & ((1 << k) - 1);
  }
  bit(): number {
    if (this.n === 0) {
      if (this.pos >= this.input.length) throw new Bzip2Error("is truncated", true);
      this.buf = this.input[this.pos++] as number;
      this.n = 8;
    }
    this.n--;
    return (this.buf >>> this.n) & 1;
  }
  u32(): number {
    return (this.bits(16) * 65536 + this.bits(16)) >>> 0;
  }
}

/** One Huffman table as libbz2 builds it: limit, base and permutation by code length. */
export interface Table {
  limit: Int32Array;
  base: Int32Array;
  perm: Int32Array;
  minLen: number;
}

export function makeTable(lengths: Uint8Array, alphaSize: number): Table {
  let minLen = 32;
  let maxLen = 0;
  for (let i = 0; i < alphaSize; i++) {
    minLen = Math.min(minLen, lengths[i] as number);
    maxLen = Math.max(maxLen, lengths[i] as number);
  }
  const perm = new Int32Array(MAX_ALPHA);
  let pp = 0;
  for (let len = minLen; len <= maxLen; len++)
    for (let j = 0; j < alphaSize; j++) if (lengths[j] === len) perm[pp++] = j;
  const base = new Int32Array(MAX_CODE_LEN + 2);
  for (let i = 0; i < alphaSize; i++) (base[(lengths[i] as number) + 1] as number)++;
  for (let i = 1; i < base.length; i++) base[i] = (base[i] as number) + (base[i - 1] as number);
  const limit = new Int32Array(MAX_CODE_LEN + 1).fill(-1);
  let vec = 0;
  for (let i = minLen; i <= maxLen; i++) {
    vec += (base[i + 1] as number) - (base[i] as number);
    limit[i] = vec - 1;
    vec <<= 1;
  }
  for (let i = minLen + 1; i <= maxLen; i++) base[i] = (((limit[i - 1] as number) + 1) << 1) - (base[i] as number);
  return { limit, base, perm, minLen };
}

export function decodeSymbol(r: BitReader, t: Table): number {
  let len = t.minLen;
  let vec = r.bits(len);
  for (;;) {
    if (len > MAX_CODE_LEN) throw new Bzip2Error("has an invalid Huffman code");
    if (vec <= (t.limit[len] as number)) break;
    len++;
    vec = (vec << 1) | r.bit();
  }
  const i = vec - (t.base[len] as number);
  if (i < 0 || i >= MAX_ALPHA) throw new Bzip2Error("has an invalid Huffman code");
  return t.perm[i] as number;
}
