/**
 * LZMA2, the chunked LZMA of .xz files (and of raw streams numcodecs may write): a sequence of
 * chunks, each uncompressed or LZMA-coded, that may reset the dictionary, the decoder's state or
 * its properties, ended by a 0 byte. Rules as liblzma and xz-embedded apply them: the first chunk
 * resets the dictionary, and after a dictionary reset the next LZMA chunk brings its properties.
 */
import { LzmaError, LzmaState, type Window } from "./lzma.js";

/**
 * Decode the LZMA2 stream at `input[pos, end)` into `w` (whose dictionary is `dictSize` bytes).
 * Returns where the stream ended (after its 0 byte).
 */
export function decodeLzma2(input: Uint8Array, pos: number, end: number, w: Window, dictSize: number): number {
  const st = new LzmaState(dictSize);
  let needDictReset = true;
  let needProps = true;
  const byte = () => {
    if (pos >= end) throw new LzmaError("LZMA2 data is truncated", true);
    return input[pos++] as number;
  };
  const u16 = () => (byte() << 8) | byte();
  for (;;) {
    const control = byte();
    if (control === 0) return pos;
    if (control >= 0xe0 || control === 0x01) {
      needProps = true;
      needDictReset = false;
      w.start = w.pos;
    } else if (needDictReset) throw new LzmaError("LZMA2 data does not reset the dictionary in its first chunk");
    if (control < 0x80) {
      if (control > 0x02) throw new LzmaError(`LZMA2 data has an invalid chunk type ${control}`);
      const size = u16() + 1;
      if (end - pos < size) throw new LzmaError("LZMA2 data is truncated", true);
      w.reserve(size);
      w.buf.set(input.subarray(pos, pos + size), w.pos);
      w.pos += size;
      pos += size;
      continue;
    }
    const unpacked = ((control & 0x1f) << 16) + u16() + 1;
    const packed = u16() + 1;
    if (control >= 0xc0) {
      st.setProperties(byte());
      needProps = false;
      st.reset();
    } else if (needProps)
      throw new LzmaError("LZMA2 data has an LZMA chunk without properties after a dictionary reset");
    else if (control >= 0xa0) st.reset();
    if (end - pos < packed) throw new LzmaError("LZMA2 data is truncated", true);
    st.decode(input, pos, pos + packed, w, w.pos + unpacked, false, true);
    pos += packed;
  }
}
