/**
 * A decoder for BloscLZ, c-blosc's own LZ77 codec (a FastLZ variant), with every read and copy
 * bounded: a stream that runs out, points before the start or past `size` is an error.
 *
 * Format: a sequence of runs, each opened by a control byte (the first's top three bits are a
 * level marker and ignored). Below 32: a literal of `ctrl + 1` bytes follows. From 32: a match of
 * `(ctrl >> 5) + 2` bytes (7 adds the following bytes, each 255 meaning more), at a distance of
 * `(ctrl & 31) * 256 + next byte + 1` back; a distance byte of 255 with `ctrl & 31` of 31 is
 * followed by a 16-bit big-endian distance, to which 8192 is added (far matches).
 */

const MAX_DISTANCE = 8191;

/** Decode `src` into exactly `size` bytes; throws saying where the stream breaks. */
export function decodeBloscLz(src: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  const end = src.length;
  const byte = (at: number): number => {
    if (at >= end) throw new Error("blosclz: the stream ends inside a run");
    return src[at] as number;
  };
  let ip = 0;
  let op = 0;
  let ctrl = byte(ip++) & 31;
  for (;;) {
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (ip + n > end) throw new Error("blosclz: a literal runs past the end of the stream");
      if (op + n > size) throw new Error(`blosclz: a literal runs past the ${size} bytes of the block`);
      out.set(src.subarray(ip, ip + n), op);
      ip += n;
      op += n;
    } else {
      let len = (ctrl >> 5) - 1;
      if (len === 6) {
        let code: number;
        do {
          code = byte(ip++);
          len += code;
        } while (code === 255);
      }
      const code = byte(ip++);
      let distance = ((ctrl & 31) << 8) + code;
      if (code === 255 && (ctrl & 31) === 31) {
        distance = ((byte(ip) << 8) | byte(ip + 1)) + MAX_DISTANCE;
        ip += 2;
      }
      const n = len + 3;
      const from = op - distance - 1;
      if (from < 0) throw new Error(`blosclz: a match at byte ${op} reaches ${-from} bytes before the block`);
      if (op + n > size) throw new Error(`blosclz: a match runs past the ${size} bytes of the block`);
      if (distance + 1 >= n) out.copyWithin(op, from, from + n);
      else for (let i = 0; i < n; i++) out[op + i] = out[from + i] as number; // overlapping: a repeat
      op += n;
    }
    if (ip >= end) break;
    ctrl = src[ip++] as number;
  }
  if (op !== size) throw new Error(`blosclz: the stream decodes to ${op} bytes, not ${size}`);
  return out;
}
