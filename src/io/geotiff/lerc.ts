/**
 * LERC blocks (TIFF compression 34887) decoded as GDAL's libtiff decodes them. A LERC blob keeps
 * a mask of valid pixels beside the values, and the values under it are not data. Here:
 * - floating-point samples read NaN where the mask is 0: every sample of the pixel when one
 *   blob holds all of a pixel's samples, each sample's own mask when the blob holds one band per
 *   sample;
 * - 8-bit pixels whose last sample is unassociated alpha keep that alpha as the mask (the blob
 *   has one sample fewer): it reads 255 where the pixel is valid, 0 elsewhere;
 * - integer samples otherwise read as decoded.
 * Every band header in a blob is checked against the block before anything is decoded.
 */
import { promisify } from "node:util";
import { inflate } from "node:zlib";
import type LercModule from "lerc";
import { TilecastError } from "../../errors.js";
import { type DType, viewOf } from "../../grid/dtype.js";
import { decodeZstd } from "./zstd.js";

const inflateAsync = promisify(inflate);

/** Esri's decoder loads on first use (about 30 ms): most runs never meet a LERC file. */
let lerc: Promise<typeof LercModule> | null = null;
const loadLerc = () => {
  lerc ??= import("lerc").then((m) => m.default);
  return lerc;
};
/** What a LERC image needs beyond the block's shape. */
export interface LercCodec {
  /** LercParameters' additional compression: 0 none, 1 deflate, 2 Zstandard. */
  extra: number;
  /** The image's samples, and LERC's code for them (0 int8 ... 5 uint32, 6 float32, 7 float64). */
  dtype: DType;
  dataType: number;
  /** The last sample is unassociated alpha (ExtraSamples 2): LERC keeps it as the mask. */
  alpha: boolean;
}

/** LERC's data type code of a sample of `bytes` bytes and TIFF SampleFormat `sampleFormat`. */
export function lercDataType(t: { bytes: number; sampleFormat: number }): number {
  if (t.sampleFormat === 3) return t.bytes === 4 ? 6 : 7;
  return Math.log2(t.bytes) * 2 + (t.sampleFormat === 2 ? 0 : 1);
}

const corrupt = (problem: string) => new TilecastError("E_CORRUPT", `LERC blob ${problem}`);

/** One band of a blob: where it lies, its values per pixel (nDim) and its count of valid pixels. */
interface Band {
  at: number;
  size: number;
  nDim: number;
  valid: number;
}

/** Every band header of the blob, checked against the block before anything is decoded. */
function bands(blob: Uint8Array, width: number, rows: number, dataType: number, maxBands: number): Band[] {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const out: Band[] = [];
  for (let at = 0; at < blob.length; ) {
    const k = out.length;
    if (k === maxBands) throw corrupt(`holds more than ${maxBands} bands`);
    if (at + 66 > blob.length) throw corrupt(`band ${k} is cut short at byte ${blob.length}`);
    const id = String.fromCharCode(...blob.subarray(at, at + 6));
    if (id !== "Lerc2 ") throw new TilecastError("E_UNSUPPORTED", `LERC blob of another kind ("${id.trim()}")`);
    const version = view.getInt32(at + 6, true);
    const keys = at + (version >= 3 ? 14 : 10);
    const nRows = view.getUint32(keys, true);
    const nCols = view.getUint32(keys + 4, true);
    const nDim = version >= 4 ? view.getUint32(keys + 8, true) : 1;
    const rest = keys + (version >= 4 ? 12 : 8);
    const valid = view.getUint32(rest, true);
    const size = view.getInt32(rest + 8, true);
    const type = view.getInt32(rest + 12, true);
    if (nRows !== rows || nCols !== width) throw corrupt(`band ${k} is ${nCols}x${nRows}, the block ${width}x${rows}`);
    if (type !== dataType) throw corrupt(`band ${k} has LERC data type ${type}, the image's samples ${dataType}`);
    if (nDim < 1 || nDim > 65535) throw corrupt(`band ${k} has ${nDim} values per pixel`);
    if (valid > nRows * nCols) throw corrupt(`band ${k} claims ${valid} valid pixels`);
    if (size <= rest - at || at + size > blob.length) throw corrupt(`band ${k} claims ${size} bytes`);
    out.push({ at, size, nDim, valid });
    at += size;
  }
  return out;
}

/**
 * Decode each band on its own, with its own mask (1 valid): none when every pixel is valid, all
 * zeros when none is, the previous band's when the band stores no mask of its own (LERC's "same
 * as before").
 */
function decodeBands(
  Lerc: typeof LercModule,
  blob: Uint8Array,
  list: Band[],
  n: number,
): { values: ArrayLike<number>; mask: Uint8Array | null }[] {
  let previous: Uint8Array | null = null;
  return list.map((b) => {
    let d: ReturnType<typeof Lerc.decode>;
    try {
      // A copy that is its own ArrayBuffer (a Buffer's slice() would share a larger one).
      const own = Uint8Array.prototype.slice.call(blob, b.at, b.at + b.size);
      d = Lerc.decode(own.buffer, { returnPixelInterleavedDims: true });
    } catch (e) {
      throw corrupt(`does not decode (${e instanceof Error ? e.message : String(e)})`);
    }
    const mask = b.valid === n ? null : b.valid === 0 ? new Uint8Array(n) : (d.mask ?? previous);
    previous = mask;
    return { values: d.pixels[0] as ArrayLike<number>, mask };
  });
}

async function unwrap(raw: Uint8Array, extra: number, limit: number): Promise<Uint8Array> {
  if (extra === 0) return raw;
  if (extra === 1) return inflateAsync(raw, { maxOutputLength: limit });
  if (extra === 2) return decodeZstd(raw, limit);
  throw new TilecastError("E_UNSUPPORTED", `LERC with additional compression ${extra}`);
}

/**
 * Decode one LERC block of `rows` rows of `width` pixels, `spp` samples each, `bytes` per
 * sample, into host-order sample bytes (pixel-interleaved when `spp` > 1).
 *
 * @throws TilecastError E_CORRUPT when the blob does not describe this block.
 */
export async function decodeLerc(
  raw: Uint8Array,
  l: { width: number; rows: number; spp: number; bytes: number; limit: number },
  c: LercCodec,
): Promise<Uint8Array> {
  const blob = await unwrap(raw, c.extra, l.limit);
  const { width, rows, spp } = l;
  const n = width * rows;
  const list = bands(blob, width, rows, c.dataType, spp);
  const dims = list.map((b) => b.nDim);
  const alpha = c.alpha && l.bytes === 1 && spp > 1 && dims.length === 1 && dims[0] === spp - 1;
  const whole = dims.length === 1 && dims[0] === spp;
  const perSample = spp > 1 && dims.length === spp && dims.every((d) => d === 1);
  if (!(alpha || whole || perSample))
    throw corrupt(`holds ${dims.length} band(s) of ${dims.join("/")} values per pixel; the block has ${spp} samples`);
  const decoded = decodeBands(await loadLerc(), blob, list, n);
  const out = new Uint8Array(n * spp * l.bytes);
  if (alpha) {
    const { values: src, mask } = decoded[0] as (typeof decoded)[0];
    for (let i = 0, s = 0, o = 0; i < n; i++) {
      for (let k = 1; k < spp; k++) out[o++] = src[s++] as number;
      out[o++] = !mask || mask[i] ? 255 : 0;
    }
    return out;
  }
  // A view of `out` of the image's sample type (the blob's, checked above); integer bands keep
  // the values under their mask, as libtiff does.
  const float = c.dataType >= 6;
  const values = viewOf(c.dtype, out.buffer) as Float64Array;
  if (whole) {
    const { values: src, mask } = decoded[0] as (typeof decoded)[0];
    values.set(src);
    if (float && mask) for (let i = 0; i < n; i++) if (mask[i] === 0) values.fill(Number.NaN, i * spp, i * spp + spp);
    return out;
  }
  decoded.forEach(({ values: src, mask }, b) => {
    const m = float ? mask : null;
    for (let i = 0; i < n; i++) values[i * spp + b] = m && m[i] === 0 ? Number.NaN : (src[i] as number);
  });
  return out;
}
