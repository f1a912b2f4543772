/**
 * TIFF LZW decoding (TIFF 6.0 section 13: MSB-first codes of 9 to 12 bits, ClearCode 256,
 * EndOfInformation 257, the code width growing one code early), stopped at a byte limit so a
 * small block cannot inflate to gigabytes. A table entry is a run of earlier output (each new
 * string is the previous one plus one byte, which the output already holds right after it), so
 * decoding copies from the output itself and allocates nothing per code.
 */

/** Why a stream did not decode; the caller names the block. */
export class LzwError extends Error {}

/**
 * Decode `input`, refusing to produce more than `limit` bytes.
 *
 * @example
 * ```ts internal
 * decodeLzw(Uint8Array.of(0x80, 0x10, 0x20, 0x30, 0x10, 0x10), 16); // [65, 65, 65] ...
 * ```
 */
export function decodeLzw(input: Uint8Array, limit: number): Uint8Array {
  let out = new Uint8Array(Math.min(limit, Math.max(4096, input.length * 4)));
  let n = 0;
  const start = new Int32Array(4096);
  const len = new Int32Array(4096);
  let next = 258;
  let width = 9;
  let prevStart = -1;
  let prevLen = 0;
  let bitPos = 0;
  const totalBits = input.length * 8;
  const ensure = (extra: number) => {
    if (n + extra > limit) throw new LzwError(`decodes to more than the ${limit} bytes the block can hold`);
    if (n + extra > out.length) {
      const grown = new Uint8Array(Math.min(limit, Math.max(n + extra, out.length * 2)));
      grown.set(out.subarray(0, n));
      out = grown;
    }
  };
  const read = (): number => {
    if (bitPos + width > totalBits) return 257; // a stream may end without EndOfInformation
    let code = 0;
    for (let k = 0; k < width; k++, bitPos++)
      code = (code << 1) | (((input[bitPos >> 3] as number) >> (7 - (bitPos & 7))) & 1);
    return code;
  };
  for (;;) {
    let code = read();
    if (code === 257) break;
    if (code === 256) {
      next = 258;
      width = 9;
      code = read();
      if (code === 257) break;
      if (code > 255) throw new LzwError(`code ${code} right after a clear code`);
      ensure(1);
      out[n] = code;
      prevStart = n;
      prevLen = 1;
      n++;
      continue;
    }
    const at = n;
    if (code < 256) {
      ensure(1);
      out[n++] = code;
    } else if (code < next) {
      const s = start[code] as number;
      const l = len[code] as number;
      ensure(l);
      out.copyWithin(n, s, s + l);
      n += l;
    } else if (code === next && prevStart >= 0) {
      ensure(prevLen + 1);
      out.copyWithin(n, prevStart, prevStart + prevLen);
      out[n + prevLen] = out[prevStart] as number;
      n += prevLen + 1;
    } else {
      throw new LzwError(`invalid code ${code} (next free code is ${next})`);
    }
    if (prevStart >= 0 && next < 4096) {
      // The previous string plus the first byte of this one: the previous string was the last
      // thing written, so in the output it is followed by that byte (at `at`).
      start[next] = prevStart;
      len[next] = prevLen + 1;
      next++;
      if (next >= (1 << width) - 1 && width < 12) width++;
    }
    prevStart = at;
    prevLen = n - at;
  }
  return out.subarray(0, n);
}
