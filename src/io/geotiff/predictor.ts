/**
 * TIFF predictors, in place on one block of `rows` rows of `width` pixels with `spp` interleaved
 * samples of `bytes` bytes each.
 *
 * - Predictor 2 (horizontal differencing, TIFF 6.0 §14): each sample stores its difference from
 *   the same sample of the previous pixel: `d[i] = v[i] - v[i - spp]` (modulo 2^bits).
 * - Predictor 3 (floating point, Adobe TN3): the bytes of each row are split into planes, most
 *   significant byte first, and the planes are byte-differenced with stride `spp`.
 *
 * Values are in host (little-endian) byte order on both sides.
 */
export interface PredictorLayout {
  width: number;
  rows: number;
  spp: number;
  bytes: number;
}

function intView(buf: Uint8Array, bytes: number): Uint8Array | Uint16Array | Uint32Array {
  const { buffer, byteOffset, byteLength } = buf;
  if (bytes === 1) return buf;
  if (bytes === 2) return new Uint16Array(buffer, byteOffset, byteLength / 2);
  return new Uint32Array(buffer, byteOffset, byteLength / 4);
}

/** Undo predictor 2 (cumulative sum along each row). `buf` must be aligned to `bytes`. */
export function undoHorizontal(buf: Uint8Array, l: PredictorLayout): void {
  if (l.bytes === 8) return undoHorizontal64(buf, l);
  const v = intView(buf, l.bytes);
  const rowLen = l.width * l.spp;
  for (let r = 0; r < l.rows; r++) {
    const start = r * rowLen;
    for (let i = start + l.spp, end = start + rowLen; i < end; i++) v[i] += v[i - l.spp] as number;
  }
}

/** Apply predictor 2 (differences along each row, last to first). */
export function applyHorizontal(buf: Uint8Array, l: PredictorLayout): void {
  if (l.bytes === 8) return applyHorizontal64(buf, l);
  const v = intView(buf, l.bytes);
  const rowLen = l.width * l.spp;
  for (let r = 0; r < l.rows; r++) {
    const start = r * rowLen;
    for (let i = start + rowLen - 1; i >= start + l.spp; i--) v[i] -= v[i - l.spp] as number;
  }
}

function undoHorizontal64(buf: Uint8Array, l: PredictorLayout): void {
  const v = new BigUint64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  const rowLen = l.width * l.spp;
  for (let r = 0; r < l.rows; r++) {
    const s = r * rowLen;
    for (let i = s + l.spp; i < s + rowLen; i++) v[i] = (v[i] as bigint) + (v[i - l.spp] as bigint);
  }
}

function applyHorizontal64(buf: Uint8Array, l: PredictorLayout): void {
  const v = new BigUint64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  const rowLen = l.width * l.spp;
  for (let r = 0; r < l.rows; r++) {
    const s = r * rowLen;
    for (let i = s + rowLen - 1; i >= s + l.spp; i--) {
      v[i] = (v[i] as bigint) - (v[i - l.spp] as bigint);
    }
  }
}

/** Undo predictor 3: byte-wise cumulative sum, then gather planes back into values. */
export function undoFloatingPoint(buf: Uint8Array, l: PredictorLayout): void {
  const count = l.width * l.spp; // values per row
  const rowBytes = count * l.bytes;
  const tmp = new Uint8Array(rowBytes);
  const { spp, bytes } = l;
  for (let r = 0; r < l.rows; r++) {
    const row = buf.subarray(r * rowBytes, (r + 1) * rowBytes);
    for (let i = spp; i < rowBytes; i++) row[i] = ((row[i] as number) + (row[i - spp] as number)) & 0xff;
    tmp.set(row);
    for (let k = 0; k < bytes; k++) {
      const plane = k * count;
      const dst = bytes - 1 - k; // plane 0 holds the most significant byte
      for (let j = 0; j < count; j++) row[j * bytes + dst] = tmp[plane + j] as number;
    }
  }
}

/** Apply predictor 3: scatter values into byte planes (MSB first), then byte-difference. */
export function applyFloatingPoint(buf: Uint8Array, l: PredictorLayout): void {
  const count = l.width * l.spp;
  const rowBytes = count * l.bytes;
  const tmp = new Uint8Array(rowBytes);
  const { spp, bytes } = l;
  for (let r = 0; r < l.rows; r++) {
    const row = buf.subarray(r * rowBytes, (r + 1) * rowBytes);
    for (let k = 0; k < bytes; k++) {
      const plane = k * count;
      const src = bytes - 1 - k;
      for (let j = 0; j < count; j++) tmp[plane + j] = row[j * bytes + src] as number;
    }
    for (let i = rowBytes - 1; i >= spp; i--) row[i] = ((tmp[i] as number) - (tmp[i - spp] as number)) & 0xff;
    for (let i = 0; i < spp && i < rowBytes; i++) row[i] = tmp[i] as number;
  }
}

/** Reverse the byte order of every `bytes`-byte value in place (big-endian files). */
export function swapBytes(buf: Uint8Array, bytes: number): void {
  if (bytes === 1) return;
  for (let i = 0; i + bytes <= buf.length; i += bytes) {
    for (let a = i, b = i + bytes - 1; a < b; a++, b--) {
      const t = buf[a] as number;
      buf[a] = buf[b] as number;
      buf[b] = t;
    }
  }
}
