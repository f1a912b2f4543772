/**
 * One GeoTIFF tile and one image directory, as both writers (the plain tiled writer and the COG
 * writer) produce them: a `(bands, h, w)` grid interleaved into a padded tile, predicted and
 * deflated; and the directory entries describing an image (or an overview) of such tiles.
 */
import { promisify } from "node:util";
import { deflate } from "node:zlib";
import { TilecastError } from "../../errors.js";
import type { BlockGrid } from "../../grid/block-grid.js";
import { allocate, DTYPE_INFO, fitsDtype, viewOf } from "../../grid/dtype.js";
import type { Grid } from "../../grid/grid.js";
import type { Window } from "../../grid/window.js";
import { codecPool } from "../codec-pool.js";
import { encodeHandedOver, spareBuffers } from "../encode-off-thread.js";
import type { SinkSpec } from "../types.js";
import { zstdEncode } from "../zstd-encode.js";
import { colorMapOf } from "./color-table.js";
import { formatGdalMetadata } from "./gdal-metadata.js";
import { formatNodata } from "./gdal-tags.js";
import { geoKeysFromCrs, geoKeyTags } from "./geokeys-write.js";
import { tagsFromGeoref } from "./georef.js";
import type { IfdEntry } from "./ifd.js";
import { interleaveBlock } from "./interleave.js";
import { applyFloatingPoint, applyHorizontal } from "./predictor.js";
import { FieldType, Tag } from "./tags.js";
import { textTagEntries } from "./text-tags.js";
import { verticalKeys } from "./vertical.js";

const deflateAsync = promisify(deflate);

/** Tile compressions the writers make. */
export type TileCompression = "deflate" | "zstd" | "none";

/** The levels each compression takes, and its default. */
const LEVELS = { deflate: { max: 9, default: 6 }, zstd: { max: 22, default: 3 }, none: { max: 9, default: 6 } };

/** TIFF Compression codes. */
export const CODES = { deflate: 8, zstd: 50000, none: 1 };

/** How tiles are laid out and compressed. */
export interface TileFormat {
  tileWidth: number;
  tileHeight: number;
  compress: TileCompression;
  /** Deflate level 1-9, or Zstandard level 1-22. */
  level: number;
  predictor: 1 | 2 | 3;
}

/** The tile options both writers take. */
export interface TileOptions {
  /** Tile width and height in pixels, a multiple of 16 (default 256; 512 for COGs, as GDAL's COG driver). */
  tileSize?: number;
  /** Tile compression: "deflate" (default), "zstd" (GDAL's ZSTD: faster, as small) or "none". */
  compress?: TileCompression;
  /** Deflate level 1-9 (default 6, as GDAL), or Zstandard level 1-22 (default 3). */
  level?: number;
  /** Predictor (default: 2 for integers, 3 for floats when compressing; 1 otherwise). */
  predictor?: 1 | 2 | 3;
}

/**
 * Check a writer's raster size and tile options and fill in the defaults: deflate, at level 6
 * (Zstandard at 3, zstd's own default; GDAL's ZSTD_LEVEL is 9), and predictor 2 for integers or
 * 3 for floats when compressing.
 */
export function tileFormat(path: string, spec: SinkSpec, o: TileOptions, defaultTile: number): TileFormat {
  const tileSize = o.tileSize ?? defaultTile;
  if (!Number.isInteger(tileSize) || tileSize < 16 || tileSize % 16 !== 0) {
    throw new TilecastError("E_ARGUMENT", `tile size ${tileSize} must be a positive multiple of 16`, { path });
  }
  if (!(spec.width > 0 && spec.height > 0 && spec.bands > 0)) {
    throw new TilecastError("E_ARGUMENT", `invalid raster size ${spec.width}x${spec.height}x${spec.bands}`, { path });
  }
  const compress = o.compress ?? "deflate";
  if (!(compress in LEVELS))
    throw new TilecastError("E_ARGUMENT", `unknown compression '${compress}' (deflate, zstd, none)`, { path });
  const levels = LEVELS[compress];
  if (compress === "none" && o.level !== undefined)
    throw new TilecastError("E_ARGUMENT", "a level is for deflate and zstd; uncompressed tiles have none", { path });
  const level = o.level ?? levels.default;
  if (!Number.isInteger(level) || level < 1 || level > levels.max)
    throw new TilecastError("E_ARGUMENT", `${compress} level ${level} must be an integer from 1 to ${levels.max}`, {
      path,
    });
  const isFloat = DTYPE_INFO[spec.dtype].sampleFormat === 3;
  return {
    tileWidth: tileSize,
    tileHeight: tileSize,
    compress,
    level,
    predictor: compress === "none" ? 1 : (o.predictor ?? (isFloat ? 3 : 2)),
  };
}

/**
 * Claim tile (col, row) of `grid` for writing: why it cannot be (outside the grid, written
 * before), or null after marking it in `written`.
 */
export function claimTile(grid: BlockGrid, written: Uint8Array, col: number, row: number): string | null {
  const { cols, rows } = grid;
  if (col < 0 || row < 0 || col >= cols || row >= rows)
    return `block (${col}, ${row}) is outside the ${cols}x${rows} tile grid`;
  const index = row * cols + col;
  if (written[index]) return `block (${col}, ${row}) written twice`;
  written[index] = 1;
  return null;
}

/** Why a block cannot be written to `win` of a `spec` raster, or null when it can. */
export function blockProblem(block: Grid, win: Window, spec: SinkSpec, col: number, row: number): string | null {
  const [bands, h, w] = block.shape as [number, number, number];
  if (block.shape.length !== 3 || bands !== spec.bands || h !== win.height || w !== win.width)
    return `block (${col}, ${row}) has shape ${block.shape.join("x")}, expected ${spec.bands}x${win.height}x${win.width}`;
  if (block.dtype !== spec.dtype) return `block dtype ${block.dtype} differs from the output's ${spec.dtype}`;
  return null;
}

/**
 * Interleave, pad, predict and compress one block (its shape already checked) into TIFF tile
 * bytes. Masked cells (unless the mask is written too: `spec.mask`) and the padding of edge
 * tiles hold the nodata value (0 without one). The tile is made in a buffer a codec worker handed
 * back from an earlier tile when there is one (`encodeHandedOver`).
 */
export async function encodeTile(block: Grid, spec: SinkSpec, f: TileFormat): Promise<Uint8Array> {
  if (f.compress === "none") return tileBytes(block, spec, f, null);
  const bytes = tileBytes(block, spec, f, spareBuffers.take(tileByteLength(spec, f)));
  return compress(bytes, f.compress, f.level, () => tileBytes(block, spec, f, null));
}

/** Bytes of one uncompressed tile of `spec`'s bands and dtype. */
const tileByteLength = (spec: SinkSpec, f: TileFormat) =>
  f.tileWidth * f.tileHeight * spec.bands * DTYPE_INFO[spec.dtype].bytes;

/** `block` as the predicted bytes of a tile, in `reuse` (any contents) or in fresh memory. */
function tileBytes(block: Grid, spec: SinkSpec, f: TileFormat, reuse: ArrayBuffer | null): Uint8Array {
  const [bands, h, w] = block.shape as [number, number, number];
  const tw = f.tileWidth;
  const th = f.tileHeight;
  const tile = reuse ? viewOf(spec.dtype, reuse) : allocate(spec.dtype, tw * th * bands);
  const fill = spec.nodata !== null && fitsDtype(spec.nodata, spec.dtype) ? spec.nodata : 0;
  // Only edge tiles have padding; fresh memory holds zeros already.
  if ((h < th || w < tw) && (fill !== 0 || reuse)) tile.fill(fill);
  // With a mask of its own beside the data (`spec.mask`), masked cells keep their values.
  interleaveBlock(block.data as never, spec.mask ? null : block.mask, tile as never, bands, h, w, tw, fill);
  const bytes = new Uint8Array(tile.buffer, tile.byteOffset, tile.byteLength);
  if (f.compress === "none") return bytes;
  const layout = { width: tw, rows: th, spp: bands, bytes: DTYPE_INFO[spec.dtype].bytes };
  if (f.predictor === 2) applyHorizontal(bytes, layout);
  else if (f.predictor === 3) applyFloatingPoint(bytes, layout);
  return bytes;
}

/**
 * A tile compressed on a codec worker; on the main thread when there are no workers or one
 * fails. Zstandard: node:zlib has none in Node 20, and numcodecs.js's WebAssembly build would
 * hold the main thread for about 2.5 ms per 256 KiB. Deflate: node:zlib's asynchronous deflate
 * does its work on libuv's pool, but each call also sets up a zlib stream on the main thread and
 * charges its memory to the main heap.
 *
 * With `remake` (which makes `bytes` again), `bytes` are handed to the worker and kept for the
 * next tile when they come back (`encodeHandedOver`): the caller must not use them after.
 * Without it, the worker gets a copy.
 */
export async function compress(
  bytes: Uint8Array,
  codec: "zstd" | "deflate",
  level: number,
  remake?: () => Uint8Array,
): Promise<Uint8Array> {
  const job = { kind: "encode", codec, input: bytes, level } as const;
  if (remake) return encodeHandedOver(job, (input) => compressHere(input, codec, level), remake);
  return (await codecPool()?.run(job)) ?? compressHere(bytes, codec, level);
}

function compressHere(input: Uint8Array, codec: "zstd" | "deflate", level: number): Promise<Uint8Array> {
  if (codec === "zstd") return zstdEncode(input, level);
  // One output chunk per tile: node:zlib calls back to the main thread once per chunk.
  return deflateAsync(input, { level, chunkSize: Math.max(64 * 1024, input.length + 1024) });
}

/** What one directory describes: the full image, or a reduced-resolution copy of it. */
export interface ImageLayout {
  width: number;
  height: number;
  offsets: ArrayLike<number>;
  counts: ArrayLike<number>;
  bigTiff: boolean;
  /** An overview: NewSubfileType 1, and no georeferencing of its own (GDAL's convention). */
  overview?: boolean;
}

/** The directory entries of a tiled image of `spec`'s bands and dtype. */
export function imageEntries(spec: SinkSpec, f: TileFormat, im: ImageLayout): IfdEntry[] {
  const info = DTYPE_INFO[spec.dtype];
  const spp = spec.bands;
  const rgb = spec.rgb === true && spp >= 3;
  // GDAL writes a colour table for one or two bands (palette + alpha) of 8 or 16 bits.
  const table = spec.attrs?.colorTable;
  const palette = !rgb && table && spp <= 2 && (spec.dtype === "uint8" || spec.dtype === "uint16") ? table : null;
  const long = im.bigTiff ? FieldType.LONG8 : FieldType.LONG;
  const e: IfdEntry[] = [
    { tag: Tag.ImageWidth, type: FieldType.LONG, values: [im.width] },
    { tag: Tag.ImageLength, type: FieldType.LONG, values: [im.height] },
    { tag: Tag.BitsPerSample, type: FieldType.SHORT, values: Array(spp).fill(info.bytes * 8) },
    { tag: Tag.Compression, type: FieldType.SHORT, values: [CODES[f.compress]] },
    { tag: Tag.Photometric, type: FieldType.SHORT, values: [rgb ? 2 : palette ? 3 : 1] },
    { tag: Tag.SamplesPerPixel, type: FieldType.SHORT, values: [spp] },
    { tag: Tag.PlanarConfiguration, type: FieldType.SHORT, values: [1] },
    { tag: Tag.TileWidth, type: FieldType.LONG, values: [f.tileWidth] },
    { tag: Tag.TileLength, type: FieldType.LONG, values: [f.tileHeight] },
    { tag: Tag.TileOffsets, type: long, values: Array.from(im.offsets) },
    { tag: Tag.TileByteCounts, type: long, values: Array.from(im.counts) },
    { tag: Tag.SampleFormat, type: FieldType.SHORT, values: Array(spp).fill(info.sampleFormat) },
  ];
  if (im.overview) e.push({ tag: Tag.NewSubfileType, type: FieldType.LONG, values: [1] });
  if (f.compress !== "none" && f.predictor !== 1) {
    e.push({ tag: Tag.Predictor, type: FieldType.SHORT, values: [f.predictor] });
  }
  // Every image of a palette file has the map (libtiff refuses a palette image without one).
  if (palette) e.push({ tag: Tag.ColorMap, type: FieldType.SHORT, values: colorMapOf(palette, info.bytes * 8) });
  const colours = rgb ? 3 : 1;
  if (spp > colours) {
    // Samples past the colours are extra (unspecified), but for an alpha band (2: unassociated alpha).
    const extra = Array.from({ length: spp - colours }, (_, i) => (i + colours === spec.alpha ? 2 : 0));
    e.push({ tag: Tag.ExtraSamples, type: FieldType.SHORT, values: extra });
  }
  if (spec.georef && !im.overview) {
    const t = tagsFromGeoref(spec.georef);
    if (t.pixelScale) e.push({ tag: Tag.ModelPixelScale, type: FieldType.DOUBLE, values: Array.from(t.pixelScale) });
    if (t.tiepoint) e.push({ tag: Tag.ModelTiepoint, type: FieldType.DOUBLE, values: Array.from(t.tiepoint) });
    if (t.transformation)
      e.push({ tag: Tag.ModelTransformation, type: FieldType.DOUBLE, values: Array.from(t.transformation) });
    const crs = spec.georef.crs;
    if (crs) e.push(...geoKeyTags([...geoKeysFromCrs(crs, spec.georef.rasterType), ...verticalKeys(crs)]));
    const rpc = spec.georef.rpc;
    if (rpc) e.push({ tag: Tag.RpcCoefficients, type: FieldType.DOUBLE, values: [...rpc] });
  }
  if (spec.nodata !== null) e.push({ tag: Tag.GdalNodata, type: FieldType.ASCII, values: formatNodata(spec.nodata) });
  if (!im.overview) {
    e.push(...textTagEntries(spec.attrs));
    const md = formatGdalMetadata(spec.attrs ?? {}, spp);
    if (md) e.push({ tag: Tag.GdalMetadata, type: FieldType.ASCII, values: md });
  }
  return e;
}
