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
import { kernels, releaseLarge } from "../wasm-kernels.js";
import { differenceWords, sumWords } from "./predictor-words.js";

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
  if (l.bytes === 8) {
    undoHorizontal64(buf, l);
    return;
  }
  if (sumWords(buf, l)) return;
  const v = intView(buf, l.bytes);
  const rowLen = l.width * l.spp;
  for (let r = 0; r < l.rows; r++) {
    const start = r * rowLen;
    for (let i = start + l.spp, end = start + rowLen; i < end; i++) v[i] += v[i - l.spp] as number;
  }
}

/** Apply predictor 2 (differences along each row, last to first). */
export function applyHorizontal(buf: Uint8Array, l: PredictorLayout): void {
  if (l.bytes === 8) {
    applyHorizontal64(buf, l);
    return;
  }
  if (differenceWords(buf, l)) return;
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

/** Byte-wise running sum with stride `spp` (undo of byte differencing), in place. */
function prefixSum(row: Uint8Array, spp: number): void {
  if (spp === 1) {
    let acc = row[0] ?? 0;
    for (let i = 1; i < row.length; i++) {
      acc = (acc + (row[i] as number)) & 0xff;
      row[i] = acc;
    }
    return;
  }
  for (let i = spp; i < row.length; i++) row[i] = ((row[i] as number) + (row[i - spp] as number)) & 0xff;
}

/**
 * Gather byte planes (MSB first) back into little-endian values: `planes` holds `count` bytes
 * per plane; `out` receives `count` values of `bytes` bytes. Word-wide for 2 and 8 bytes (4-byte
 * values take the WebAssembly kernel).
 */
function gather(planes: Uint8Array, out: Uint8Array, count: number, bytes: number): void {
  const p = (k: number) => planes.subarray(k * count, (k + 1) * count);
  if (bytes === 8) {
    const q = [0, 1, 2, 3, 4, 5, 6, 7].map(p) as Uint8Array[];
    const [p0, p1, p2, p3, p4, p5, p6, p7] = q as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const o = new Uint32Array(out.buffer, out.byteOffset, count * 2);
    for (let j = 0; j < count; j++) {
      o[2 * j] = ((p4[j] as number) << 24) | ((p5[j] as number) << 16) | ((p6[j] as number) << 8) | (p7[j] as number);
      o[2 * j + 1] =
        ((p0[j] as number) << 24) | ((p1[j] as number) << 16) | ((p2[j] as number) << 8) | (p3[j] as number);
    }
  } else if (bytes === 2) {
    const [p0, p1] = [p(0), p(1)];
    const o = new Uint16Array(out.buffer, out.byteOffset, count);
    for (let j = 0; j < count; j++) o[j] = ((p0[j] as number) << 8) | (p1[j] as number);
  } else {
    out.set(planes.subarray(0, count));
  }
}

/** Scatter little-endian values into byte planes, most significant first (inverse of gather). */
function scatter(values: Uint8Array, planes: Uint8Array, count: number, bytes: number): void {
  for (let k = 0; k < bytes; k++) {
    const src = bytes - 1 - k;
    for (let j = 0; j < count; j++) planes[k * count + j] = values[j * bytes + src] as number;
  }
}

/**
 * Undo predictor 3: byte-wise running sum, then gather planes back into values. Four-byte values
 * (float32, the common case) go through the SIMD WebAssembly kernel, several times faster than
 * the JavaScript loops below, which serve 2- and 8-byte values.
 */
export function undoFloatingPoint(buf: Uint8Array, l: PredictorLayout): void {
  if (l.bytes === 4 && buf.length > 0) {
    floatingPoint32(buf, l, "fp_undo32");
    return;
  }
  const count = l.width * l.spp; // values per row
  const rowBytes = count * l.bytes;
  const tmp = new Uint8Array(rowBytes);
  const aligned = buf.byteOffset % 4 === 0 && rowBytes % 4 === 0;
  const out = aligned ? null : new Uint8Array(rowBytes);
  for (let r = 0; r < l.rows; r++) {
    const row = buf.subarray(r * rowBytes, (r + 1) * rowBytes);
    prefixSum(row, l.spp);
    tmp.set(row);
    if (out) {
      gather(tmp, out, count, l.bytes);
      row.set(out);
    } else {
      gather(tmp, row, count, l.bytes);
    }
  }
}

/** Predictor 3 undone or applied for 4-byte values by the WebAssembly kernels. */
function floatingPoint32(buf: Uint8Array, l: PredictorLayout, kernel: "fp_undo32" | "fp_apply32"): void {
  const rowBytes = l.width * l.spp * 4;
  const n = rowBytes * l.rows;
  const tmpAt = (n + 15) & ~15;
  const k = kernels(tmpAt + rowBytes + 64);
  new Uint8Array(k.memory.buffer, 0, n).set(buf.subarray(0, n));
  k[kernel](0, rowBytes, l.rows, l.spp, tmpAt);
  buf.set(new Uint8Array(k.memory.buffer, 0, n));
  releaseLarge(k);
}

/**
 * Apply predictor 3: scatter values into byte planes (MSB first), then byte-difference. Four-byte
 * values go through the WebAssembly kernel.
 */
export function applyFloatingPoint(buf: Uint8Array, l: PredictorLayout): void {
  if (l.bytes === 4 && buf.length > 0) {
    floatingPoint32(buf, l, "fp_apply32");
    return;
  }
  const count = l.width * l.spp;
  const rowBytes = count * l.bytes;
  const tmp = new Uint8Array(rowBytes);
  const { spp } = l;
  for (let r = 0; r < l.rows; r++) {
    const row = buf.subarray(r * rowBytes, (r + 1) * rowBytes);
    scatter(row, tmp, count, l.bytes);
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
