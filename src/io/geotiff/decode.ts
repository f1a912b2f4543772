/**
 * Decoding one TIFF block (tile or strip) into host-order sample bytes.
 *
 * Deflate and uncompressed blocks take tilecast's own path: node:zlib inflates in libuv's
 * thread pool (so blocks decode on every core) and the predictors run on the bytes directly,
 * which profiling showed several times faster than geotiff.js's pako + DataView path. LZW
 * tilecast's decoder (lzw.ts; old-style streams and PackBits geotiff.js's); JPEG and WebP use
 * sharp (libjpeg-turbo, libwebp); ZSTD a bounded zstddec call (zstd.ts); LERC tilecast's masks
 * over Esri's decoder (lerc.ts); LZMA (libtiff's .xz streams) tilecast's own decoder (io/lzma).
 *
 * Every decoder but Deflate's loads on its first block: this module is imported by the reader
 * and by each codec worker, and most files are Deflate. Loaded with it, the LZMA, LERC and LZW
 * modules cost each importing thread about 7 ms: a codec worker's first block took 11-12 ms with
 * them and 8-10 without.
 */
import { promisify } from "node:util";
import { inflate, type ZlibOptions } from "node:zlib";
import type { getDecoder } from "geotiff";
import { errorLine, TilecastError } from "../../errors.js";
import type { LercCodec } from "./lerc.js";
import { swapBytes, undoFloatingPoint, undoHorizontal } from "./predictor.js";
import { expandSamples, type StoredSamples, storedRowBytes } from "./samples.js";
import { COMPRESSION_NAMES, DECODABLE } from "./tags.js";
import { decodeZstd } from "./zstd.js";

/** sharp (libvips) loads on first use: most runs never need it. */
const loadSharp = async () => (await import("sharp")).default;

/** An inflate of zlib's stream format: node:zlib's in libuv's pool by default. */
export type Inflate = (raw: Uint8Array, options: ZlibOptions) => Promise<Uint8Array>;

const inflateAsync: Inflate = promisify(inflate);

/** Everything needed to decode the blocks of one image. */
export interface BlockCodec {
  compression: number;
  predictor: number;
  /** Bytes per sample as read (the dtype's). */
  bytes: number;
  /** How samples are stored when that differs from the dtype (N-bit integers, 16-bit floats). */
  stored?: StoredSamples;
  /** Samples interleaved in one block: SamplesPerPixel (chunky) or 1 (planar). */
  spp: number;
  /** Block width in pixels (tile width, or image width for strips). */
  width: number;
  littleEndian: boolean;
  /** The JPEGTables tag of a JPEG image. */
  jpegTables?: ArrayLike<number>;
  /** What a LERC image's blocks need (LercParameters, sample type, alpha). */
  lerc?: LercCodec;
}

type Decoder = { decode(b: ArrayBufferLike): Promise<ArrayBufferLike> | ArrayBufferLike };
const decoders = new WeakMap<BlockCodec, Promise<Decoder>>();

function dependencyDecoder(c: BlockCodec, rows: number): Promise<Decoder> {
  let d = decoders.get(c);
  if (!d) {
    d = import("geotiff").then((geotiff) =>
      geotiff.getDecoder(c.compression, {
        tileWidth: c.width,
        tileHeight: rows,
        predictor: 1, // predictors are applied below, in one place
        bitsPerSample: Array(c.spp).fill(c.bytes * 8),
        planarConfiguration: c.spp > 1 ? 1 : 2,
        samplesPerPixel: c.spp,
      } as Parameters<typeof getDecoder>[1]),
    ) as Promise<Decoder>;
    decoders.set(c, d);
  }
  return d;
}

/** Throw E_UNSUPPORTED unless tilecast can decode this compression. */
export function checkDecodable(compression: number, path: string): void {
  if (!DECODABLE.has(compression)) {
    const name = COMPRESSION_NAMES[compression] ?? `code ${compression}`;
    throw new TilecastError("E_UNSUPPORTED", `unsupported compression ${name}`, { path });
  }
}

/**
 * A TIFF JPEG block through libjpeg-turbo (sharp's libvips), as GDAL decodes it: the block is an
 * abbreviated stream, so the file's shared JPEGTables (quantisation and Huffman tables) go in
 * front of it. libjpeg converts YCbCr to RGB on the way (GDAL's default JPEGCOLORMODE=RGB) with
 * the same IDCT and chroma upsampling GDAL's libjpeg uses, so the pixels are GDAL's.
 */
async function decodeJpeg(raw: Uint8Array, c: BlockCodec): Promise<Uint8Array> {
  const tables = c.jpegTables ? Uint8Array.from(c.jpegTables) : null;
  // Tables: SOI ... EOI; block: SOI ... EOI. Joined: the tables without EOI, the block without SOI.
  const stream =
    tables && tables.length > 4 && raw[0] === 0xff && raw[1] === 0xd8
      ? Buffer.concat([tables.subarray(0, tables.length - 2), raw.subarray(2)])
      : raw;
  let img = (await loadSharp())(stream, { failOn: "error" });
  if (c.spp === 1) img = img.extractChannel(0); // sharp widens greyscale to three equal channels
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== c.spp)
    throw new TilecastError("E_CORRUPT", `JPEG block has ${info.channels} channels, the image ${c.spp}`);
  return data;
}

/**
 * A TIFF WebP block, as libtiff decodes it: into RGB for 3 samples, RGBA for 4 (describe.ts
 * refuses any other count), whatever the blob holds. libwebp stores no alpha when every pixel
 * is opaque, so a 4-sample image's tile may hold RGB: its alpha is 255, as libwebp's RGBA output
 * gives it. The blob must be the block's size.
 */
async function decodeWebp(raw: Uint8Array, c: BlockCodec, rows: number): Promise<Uint8Array> {
  const img = (await loadSharp())(raw, { failOn: "error" });
  const { data, info } = await (c.spp === 4 ? img.ensureAlpha() : img.removeAlpha())
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== c.width || info.height !== rows)
    throw new TilecastError("E_CORRUPT", `WebP block is ${info.width}x${info.height}, the block ${c.width}x${rows}`);
  return data;
}

/**
 * The most bytes a block may decode to: its own size, with room for writers that pad the last
 * strip to a whole RowsPerStrip. Anything beyond is a corrupt block or a decompression bomb.
 */
export function decodeLimit(need: number): number {
  return 2 * need + 65536;
}

/** An LZW stream through tilecast's decoder (lzw.ts), loaded on first use. */
async function lzw(raw: Uint8Array, limit: number): Promise<Uint8Array> {
  const { decodeLzw, LzwError } = await import("./lzw.js");
  try {
    return decodeLzw(raw, limit);
  } catch (e) {
    if (e instanceof LzwError) throw new TilecastError("E_CORRUPT", `LZW stream ${e.message}`);
    throw e;
  }
}

async function decompress(raw: Uint8Array, c: BlockCodec, rows: number, inflate: Inflate): Promise<Uint8Array> {
  const limit = decodeLimit(c.width * rows * c.spp * c.bytes);
  switch (c.compression) {
    case 1:
      return raw;
    case 5:
      // Old-style (pre-TIFF 6.0, LSB-first) LZW streams go to geotiff.js's decoder.
      if (raw[0] === 0 && ((raw[1] as number) & 1) === 1) break;
      return lzw(raw, limit);
    case 8:
    case 32946:
      // One output chunk for the whole block: node:zlib calls back to the main thread per chunk.
      // maxOutputLength stops a decompression bomb before it allocates past the block's size.
      return inflate(raw, {
        chunkSize: Math.max(64 * 1024, c.width * rows * c.spp * c.bytes + 64),
        maxOutputLength: limit,
      });
    case 7:
      return decodeJpeg(raw, c);
    case 50000:
      return decodeZstd(raw, limit);
    case 34925:
      return (await import("../lzma/xz.js")).decodeXz(raw, limit, { expected: c.width * rows * c.spp * c.bytes });
    case 34887:
      if (!c.lerc) throw new Error("LERC image described without its LERC parameters");
      return (await import("./lerc.js")).decodeLerc(
        raw,
        { width: c.width, rows, spp: c.spp, bytes: c.bytes, limit },
        c.lerc,
      );
    case 50001:
      return decodeWebp(raw, c, rows);
  }
  const dec = await dependencyDecoder(c, rows);
  const copy = raw.slice().buffer; // decoders take a whole ArrayBuffer
  return new Uint8Array(await dec.decode(copy));
}

/**
 * Decode one block of `rows` rows. Returns exactly `width * rows * spp * bytes` bytes in host
 * byte order, in a buffer aligned for a typed-array view. `inflate` decompresses Deflate blocks
 * (a codec worker passes its own synchronous one).
 *
 * @throws TilecastError E_CORRUPT naming `where` when the block does not decode to that size.
 */
export async function decodeBlock(
  raw: Uint8Array,
  c: BlockCodec,
  rows: number,
  where: string,
  inflate: Inflate = inflateAsync,
): Promise<Uint8Array> {
  const s = c.stored;
  const need = s ? storedRowBytes(c.width * c.spp, s) * rows : c.width * rows * c.spp * c.bytes;
  let out: Uint8Array;
  try {
    out = await decompress(raw, c, rows, inflate);
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
      throw new TilecastError(
        "E_CORRUPT",
        `corrupt ${where}: decompresses to more than ${decodeLimit(need)} bytes (a ${need}-byte block)`,
        { cause: e },
      );
    if (e instanceof TilecastError) throw new TilecastError(e.code, `corrupt ${where}: ${e.problem}`, { cause: e });
    throw new TilecastError("E_CORRUPT", `corrupt ${where} (${errorLine(e)})`, { cause: e });
  }
  if (out.length < need) {
    throw new TilecastError("E_CORRUPT", `corrupt ${where}: decodes to ${out.length} bytes, expected ${need}`);
  }
  // Own the bytes at offset 0 so typed views are aligned and the predictor may write in place.
  const bytes = out === raw || out.byteOffset % 8 !== 0 || out.length !== need ? out.slice(0, need) : out;
  if (s?.kind === "uint") return expandSamples(bytes, s, c.bytes, c.width * c.spp, rows, c.littleEndian);
  const sampleBytes = s ? s.bits / 8 : c.bytes;
  const layout = { width: c.width, rows, spp: c.spp, bytes: sampleBytes };
  if (c.predictor === 3) {
    undoFloatingPoint(bytes, layout); // planes are MSB-first whatever the file's byte order
  } else {
    if (!c.littleEndian) swapBytes(bytes, sampleBytes);
    if (c.predictor === 2) undoHorizontal(bytes, layout);
  }
  return s ? expandSamples(bytes, s, c.bytes, c.width * c.spp, rows, c.littleEndian) : bytes;
}
