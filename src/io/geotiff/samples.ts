/**
 * TIFF sample types that are not one of tilecast's dtypes, read as GDAL reads them: unsigned
 * integers of 1-31 bits (NBITS) widen to uint8, uint16 or uint32, 16-bit floats (in the file's
 * byte order) to float32, and 64-bit integers to float64. N-bit integers are a bit stream, most
 * significant bit first, each row starting on a byte, as libtiff hands it to GDAL: in a
 * big-endian file libtiff first swaps the bytes of 24-bit samples.
 */
import { type DType, dtypeFromTiff } from "../../grid/dtype.js";
import { halfToFloat32Bits } from "../../util/half.js";
import { swapBytes } from "./predictor.js";

/** How samples are stored when that differs from the dtype they are read as. */
export interface StoredSamples {
  bits: number;
  kind: "uint" | "half" | "int64" | "uint64";
}

/** The dtype a TIFF sample type is read as, and its storage when that differs; null if unreadable. */
export function tiffSampleType(format: number, bits: number): { dtype: DType; stored: StoredSamples | null } | null {
  const dtype = dtypeFromTiff(format, bits);
  if (dtype) return { dtype, stored: null };
  if (format === 1 && Number.isInteger(bits) && bits >= 1 && bits < 32)
    return { dtype: bits <= 8 ? "uint8" : bits <= 16 ? "uint16" : "uint32", stored: { bits, kind: "uint" } };
  if (format === 3 && bits === 16) return { dtype: "float32", stored: { bits, kind: "half" } };
  // 64-bit integers read as float64, as the Zarr reader reads them: exact up to 2^53.
  if ((format === 1 || format === 2) && bits === 64)
    return { dtype: "float64", stored: { bits, kind: format === 2 ? "int64" : "uint64" } };
  return null;
}

/** Why a sample type {@link tiffSampleType} does not read is refused: complex samples (SAR's) by GDAL's name. */
export function unreadSampleType(format: number, bits: number): string {
  const complex = { 5: "CInt", 6: "CFloat" }[format];
  return complex && bits
    ? `complex samples (${complex}${bits / 2}); tilecast reads real values (take the amplitude first)`
    : `unsupported sample type (${bits}-bit, SampleFormat ${format})`;
}

/** Bytes of one stored row of `samples` samples. */
export const storedRowBytes = (samples: number, s: StoredSamples) => Math.ceil((samples * s.bits) / 8);

/**
 * Widen `rows` stored rows of `samples` samples each into values `outBytes` wide (host order):
 * uint8, uint16 or uint32 for N-bit integers, float32 for halves, float64 for 64-bit integers.
 * Halves and 64-bit integers must already be in host order (the predictor step does that).
 */
export function expandSamples(
  src: Uint8Array,
  s: StoredSamples,
  outBytes: number,
  samples: number,
  rows: number,
  littleEndian: boolean,
): Uint8Array {
  const out = new Uint8Array(samples * rows * outBytes);
  const n = samples * rows;
  if (s.kind === "int64" || s.kind === "uint64") {
    const v =
      s.kind === "int64"
        ? new BigInt64Array(src.buffer, src.byteOffset, n)
        : new BigUint64Array(src.buffer, src.byteOffset, n);
    const f = new Float64Array(out.buffer);
    for (let i = 0; i < n; i++) f[i] = Number(v[i]);
    return out;
  }
  if (s.kind === "half") {
    const h = new Uint16Array(src.buffer, src.byteOffset, n);
    const f = new Uint32Array(out.buffer); // float32 bits: NaN payloads kept, as GDAL keeps them
    for (let i = 0; i < n; i++) f[i] = halfToFloat32Bits(h[i] as number);
    return out;
  }
  const values = outBytes === 1 ? out : outBytes === 2 ? new Uint16Array(out.buffer) : new Uint32Array(out.buffer);
  const rowBytes = storedRowBytes(samples, s);
  // libtiff swaps the bytes of 24-bit samples in a big-endian file before GDAL reads the stream.
  if (s.bits === 24 && !littleEndian) swapBytes(src, 3);
  if (s.bits === 1 || s.bits === 2 || s.bits === 4) {
    unpackSmall(src, values, s.bits, samples, rows, rowBytes);
    return out;
  }
  for (let r = 0, o = 0; r < rows; r++) {
    let at = r * rowBytes;
    // A bit stream, most significant bit first: `acc` holds `have` unread bits (at most 38).
    let acc = 0;
    let have = 0;
    for (let i = 0; i < samples; i++) {
      while (have < s.bits) {
        acc = acc * 256 + (src[at++] as number);
        have += 8;
      }
      const scale = 2 ** (have - s.bits);
      const v = Math.floor(acc / scale);
      acc -= v * scale;
      have -= s.bits;
      values[o++] = v;
    }
  }
  return out;
}

/**
 * 1-, 2- and 4-bit samples (bilevel masks, palettes, class rasters), most significant bits first,
 * each row starting on a byte: shifts within each byte instead of the general bit reader, which
 * costs a division per sample.
 */
function unpackSmall(
  src: Uint8Array,
  values: Uint8Array | Uint16Array | Uint32Array,
  bits: number,
  samples: number,
  rows: number,
  rowBytes: number,
): void {
  const per = 8 / bits;
  const lo = (1 << bits) - 1;
  const whole = Math.floor(samples / per);
  for (let r = 0, o = 0; r < rows; r++) {
    const at = r * rowBytes;
    for (let j = 0; j < whole; j++) {
      const b = src[at + j] as number;
      for (let k = 8 - bits; k >= 0; k -= bits) values[o++] = (b >> k) & lo;
    }
    if (whole * per === samples) continue;
    const b = src[at + whole] as number; // the row's last, partly used byte
    for (let k = 8 - bits, i = whole * per; i < samples; i++, k -= bits) values[o++] = (b >> k) & lo;
  }
}
