/**
 * Streaming, tiled GeoTIFF writer. Tiles are compressed as they arrive (in any order, in
 * parallel: node:zlib deflates in libuv's thread pool) and appended to a temporary file; the
 * tile offset table and the IFD go at the end, then the header is patched and the file renamed
 * into place. Memory holds only the tiles being compressed and the offset table, so rasters far
 * larger than memory can be written. BigTIFF is chosen automatically when the raster could
 * exceed 4 GiB.
 *
 * @example
 * ```ts
 * import { createGeoTiffSink, createGrid } from "tilecast";
 * const sink = await createGeoTiffSink("/tmp/example.tif", {
 *   width: 32, height: 32, bands: 1, dtype: "uint8", georef: null, nodata: null,
 * }, { tileSize: 16 });
 * for (let row = 0; row < 2; row++)
 *   for (let col = 0; col < 2; col++)
 *     await sink.writeBlock(col, row, createGrid("uint8", [1, 16, 16]));
 * await sink.commit();
 * ```
 */
import { type FileHandle, open } from "node:fs/promises";
import { promisify } from "node:util";
import { deflate } from "node:zlib";
import { errorLine, TilecastError } from "../../errors.js";
import { type BlockGrid, blockWindow, makeBlockGrid } from "../../grid/block-grid.js";
import { allocate, DTYPE_INFO, fitsDtype } from "../../grid/dtype.js";
import type { Grid } from "../../grid/grid.js";
import { discard, publish, tempPathFor, trackTemp } from "../atomic.js";
import type { GridSink, SinkSpec } from "../types.js";
import { formatGdalMetadata, formatNodata } from "./gdal-tags.js";
import { geoKeysFromCrs, geoKeyTags } from "./geokeys-write.js";
import { tagsFromGeoref } from "./georef.js";
import { encodeHeader, encodeIfd, type IfdEntry } from "./ifd.js";
import { applyFloatingPoint, applyHorizontal } from "./predictor.js";
import { FieldType, Tag } from "./tags.js";

const deflateAsync = promisify(deflate);

/** Options for {@link createGeoTiffSink}. */
export interface GeoTiffWriteOptions {
  /** Tile width and height in pixels, a multiple of 16 (default 256). */
  tileSize?: number;
  /** Block compression (default "deflate"). */
  compress?: "deflate" | "none";
  /** zlib level 1-9 (default 6, as GDAL). */
  level?: number;
  /** Predictor (default: 2 for integers, 3 for floats when compressing; 1 otherwise). */
  predictor?: 1 | 2 | 3;
  /** BigTIFF: true, false, or "auto" (default: when the raster could pass 4 GiB). */
  bigTiff?: boolean | "auto";
}

/** Whether a raster of this size needs BigTIFF offsets (with margin for incompressible tiles). */
export function needsBigTiff(spec: Pick<SinkSpec, "width" | "height" | "bands" | "dtype">): boolean {
  const raw = spec.width * spec.height * spec.bands * DTYPE_INFO[spec.dtype].bytes;
  return raw * 1.01 + 16 * 1024 ** 2 > 2 ** 32 - 1;
}

/** A GeoTIFF being written; see {@link createGeoTiffSink}. */
export class GeoTiffSink implements GridSink {
  readonly blockGrid: BlockGrid;
  readonly path: string;
  readonly #spec: SinkSpec;
  readonly #fh: FileHandle;
  readonly #temp: string;
  readonly #bigTiff: boolean;
  readonly #compress: "deflate" | "none";
  readonly #level: number;
  readonly #predictor: 1 | 2 | 3;
  readonly #offsets: Float64Array;
  readonly #counts: Float64Array;
  readonly #written: Uint8Array;
  #end: number;
  #state: "open" | "done" | "failed" = "open";

  constructor(
    path: string,
    temp: string,
    fh: FileHandle,
    spec: SinkSpec,
    o: Required<GeoTiffWriteOptions> & { bigTiff: boolean },
  ) {
    this.path = path;
    this.#temp = temp;
    this.#fh = fh;
    this.#spec = spec;
    this.#bigTiff = o.bigTiff;
    this.#compress = o.compress;
    this.#level = o.level;
    this.#predictor = o.predictor;
    this.blockGrid = makeBlockGrid(spec.width, spec.height, o.tileSize, o.tileSize);
    const n = this.blockGrid.cols * this.blockGrid.rows;
    this.#offsets = new Float64Array(n);
    this.#counts = new Float64Array(n);
    this.#written = new Uint8Array(n);
    this.#end = o.bigTiff ? 16 : 8;
  }

  #fail(problem: string, cause?: unknown): TilecastError {
    this.#state = "failed";
    return new TilecastError("E_WRITE", problem, { path: this.path, cause });
  }

  /** Interleave, pad, predict and compress one block into TIFF tile bytes. */
  async #encode(col: number, row: number, block: Grid): Promise<Uint8Array> {
    const s = this.#spec;
    const win = blockWindow(this.blockGrid, col, row);
    const [bands, h, w] = block.shape as [number, number, number];
    if (block.shape.length !== 3 || bands !== s.bands || h !== win.height || w !== win.width) {
      throw this.#fail(
        `block (${col}, ${row}) has shape ${block.shape.join("x")}, expected ${s.bands}x${win.height}x${win.width}`,
      );
    }
    if (block.dtype !== s.dtype) throw this.#fail(`block dtype ${block.dtype} differs from the output's ${s.dtype}`);
    const tw = this.blockGrid.blockWidth;
    const th = this.blockGrid.blockHeight;
    const tile = allocate(s.dtype, tw * th * bands);
    const fill = s.nodata !== null && fitsDtype(s.nodata, s.dtype) ? s.nodata : 0;
    if (fill !== 0 && (h < th || w < tw)) tile.fill(fill); // only edge tiles have padding
    const src = block.data;
    const mask = block.mask;
    const plane = h * w;
    for (let b = 0; b < bands; b++) {
      for (let y = 0; y < h; y++) {
        const si = b * plane + y * w;
        if (bands === 1 && !mask) {
          tile.set(src.subarray(si, si + w) as never, y * tw);
          continue;
        }
        for (let x = 0, di = y * tw * bands + b; x < w; x++, di += bands) {
          tile[di] = mask && mask[si + x] === 0 ? fill : (src[si + x] as number);
        }
      }
    }
    const bytes = new Uint8Array(tile.buffer);
    if (this.#compress === "none") return bytes;
    const layout = { width: tw, rows: th, spp: bands, bytes: DTYPE_INFO[s.dtype].bytes };
    if (this.#predictor === 2) applyHorizontal(bytes, layout);
    else if (this.#predictor === 3) applyFloatingPoint(bytes, layout);
    // One output chunk per tile: node:zlib calls back to the main thread once per chunk.
    return deflateAsync(bytes, {
      level: this.#level,
      chunkSize: Math.max(64 * 1024, bytes.length + 1024),
    });
  }

  async writeBlock(col: number, row: number, block: Grid): Promise<void> {
    if (this.#state !== "open") throw this.#fail("write after commit, abort or failure");
    const { cols, rows } = this.blockGrid;
    if (col < 0 || row < 0 || col >= cols || row >= rows)
      throw this.#fail(`block (${col}, ${row}) is outside the ${cols}x${rows} tile grid`);
    const index = row * cols + col;
    if (this.#written[index]) throw this.#fail(`block (${col}, ${row}) written twice`);
    this.#written[index] = 1;
    const bytes = await this.#encode(col, row, block);
    const at = this.#end; // reserve the range before awaiting, so concurrent writes never overlap
    this.#end += bytes.length + (bytes.length % 2);
    if (!this.#bigTiff && this.#end > 2 ** 32 - 1)
      throw this.#fail("output passed 4 GiB; write it as BigTIFF (bigTiff: true)");
    try {
      await this.#fh.write(bytes, 0, bytes.length, at);
    } catch (e) {
      throw this.#fail(`cannot write (${errorLine(e)})`, e);
    }
    this.#offsets[index] = at;
    this.#counts[index] = bytes.length;
  }

  #entries(): IfdEntry[] {
    const s = this.#spec;
    const info = DTYPE_INFO[s.dtype];
    const spp = s.bands;
    const long = this.#bigTiff ? FieldType.LONG8 : FieldType.LONG;
    const e: IfdEntry[] = [
      { tag: Tag.ImageWidth, type: FieldType.LONG, values: [s.width] },
      { tag: Tag.ImageLength, type: FieldType.LONG, values: [s.height] },
      { tag: Tag.BitsPerSample, type: FieldType.SHORT, values: Array(spp).fill(info.bytes * 8) },
      {
        tag: Tag.Compression,
        type: FieldType.SHORT,
        values: [this.#compress === "deflate" ? 8 : 1],
      },
      { tag: Tag.Photometric, type: FieldType.SHORT, values: [1] },
      { tag: Tag.SamplesPerPixel, type: FieldType.SHORT, values: [spp] },
      { tag: Tag.PlanarConfiguration, type: FieldType.SHORT, values: [1] },
      { tag: Tag.TileWidth, type: FieldType.LONG, values: [this.blockGrid.blockWidth] },
      { tag: Tag.TileLength, type: FieldType.LONG, values: [this.blockGrid.blockHeight] },
      { tag: Tag.TileOffsets, type: long, values: Array.from(this.#offsets) },
      { tag: Tag.TileByteCounts, type: long, values: Array.from(this.#counts) },
      { tag: Tag.SampleFormat, type: FieldType.SHORT, values: Array(spp).fill(info.sampleFormat) },
    ];
    if (this.#compress === "deflate" && this.#predictor !== 1) {
      e.push({ tag: Tag.Predictor, type: FieldType.SHORT, values: [this.#predictor] });
    }
    if (spp > 1) e.push({ tag: Tag.ExtraSamples, type: FieldType.SHORT, values: Array(spp - 1).fill(0) });
    if (s.georef) {
      const t = tagsFromGeoref(s.georef);
      if (t.pixelScale)
        e.push({
          tag: Tag.ModelPixelScale,
          type: FieldType.DOUBLE,
          values: Array.from(t.pixelScale),
        });
      if (t.tiepoint) e.push({ tag: Tag.ModelTiepoint, type: FieldType.DOUBLE, values: Array.from(t.tiepoint) });
      if (t.transformation)
        e.push({
          tag: Tag.ModelTransformation,
          type: FieldType.DOUBLE,
          values: Array.from(t.transformation),
        });
      if (s.georef.crs) e.push(...geoKeyTags(geoKeysFromCrs(s.georef.crs, s.georef.rasterType)));
    }
    if (s.nodata !== null) e.push({ tag: Tag.GdalNodata, type: FieldType.ASCII, values: formatNodata(s.nodata) });
    const md = formatGdalMetadata(s.attrs ?? {}, spp);
    if (md) e.push({ tag: Tag.GdalMetadata, type: FieldType.ASCII, values: md });
    return e;
  }

  async commit(): Promise<void> {
    if (this.#state !== "open") throw this.#fail("commit after commit, abort or failure");
    try {
      const at = this.#end + (this.#end % 8 ? 8 - (this.#end % 8) : 0);
      const ifd = encodeIfd(this.#entries(), at, this.#bigTiff);
      if (!this.#bigTiff && at + ifd.length > 2 ** 32 - 1) throw new Error("directory passed 4 GiB");
      await this.#fh.write(ifd, 0, ifd.length, at);
      const header = encodeHeader(at, this.#bigTiff);
      await this.#fh.write(header, 0, header.length, 0);
      await this.#fh.sync();
      await this.#fh.close();
      await publish(this.#temp, this.path);
      this.#state = "done";
    } catch (e) {
      await this.abort();
      if (e instanceof TilecastError) throw e;
      throw this.#fail(`cannot finish (${errorLine(e)})`, e);
    }
  }

  async abort(): Promise<void> {
    if (this.#state === "done") return;
    this.#state = "failed";
    await this.#fh.close().catch(() => undefined);
    await discard(this.#temp);
  }
}

/**
 * Create a GeoTIFF at `path` (written under a temporary name until {@link GeoTiffSink.commit}).
 *
 * @throws TilecastError E_WRITE when the directory is not writable, E_ARGUMENT for bad options.
 */
export async function createGeoTiffSink(
  path: string,
  spec: SinkSpec,
  options: GeoTiffWriteOptions = {},
): Promise<GeoTiffSink> {
  const tileSize = options.tileSize ?? 256;
  if (!Number.isInteger(tileSize) || tileSize < 16 || tileSize % 16 !== 0) {
    throw new TilecastError("E_ARGUMENT", `tile size ${tileSize} must be a positive multiple of 16`, { path });
  }
  if (!(spec.width > 0 && spec.height > 0 && spec.bands > 0)) {
    throw new TilecastError("E_ARGUMENT", `invalid raster size ${spec.width}x${spec.height}x${spec.bands}`, { path });
  }
  const compress = options.compress ?? "deflate";
  const isFloat = DTYPE_INFO[spec.dtype].sampleFormat === 3;
  const predictor = compress === "none" ? 1 : (options.predictor ?? (isFloat ? 3 : 2));
  const bigTiff = options.bigTiff === undefined || options.bigTiff === "auto" ? needsBigTiff(spec) : options.bigTiff;
  const temp = tempPathFor(path);
  let fh: FileHandle;
  try {
    fh = await open(temp, "wx");
  } catch (e) {
    throw new TilecastError("E_WRITE", `cannot create output (${(e as NodeJS.ErrnoException).code ?? errorLine(e)})`, {
      path,
      cause: e,
    });
  }
  trackTemp(temp);
  return new GeoTiffSink(path, temp, fh, spec, {
    tileSize,
    compress,
    level: options.level ?? 6,
    predictor,
    bigTiff,
  });
}
