/**
 * Decoder output that grows, doubling, up to a limit: the LZMA and bzip2 decoders write into
 * one, and past the limit (a corrupt stream or a decompression bomb) it throws the decoder's own
 * error instead of allocating more.
 */
export class GrowingBytes {
  buf: Uint8Array;
  pos = 0;

  constructor(
    readonly limit: number,
    expected: number,
    private readonly tooLarge: (limit: number) => Error,
  ) {
    this.buf = new Uint8Array(Math.max(64, Math.min(limit, expected)));
  }

  /** Room for `n` more bytes, or the decoder's error past the limit. */
  reserve(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    if (need > this.limit) throw this.tooLarge(this.limit);
    const grown = new Uint8Array(Math.min(this.limit, Math.max(need, this.buf.length * 2)));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  push(b: number): void {
    if (this.pos === this.buf.length) this.reserve(1);
    this.buf[this.pos++] = b;
  }

  /** The bytes written so far. */
  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
