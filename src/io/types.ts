/**
 * The two I/O contracts every format implements: a lazy, random-access {@link GridSource} and
 * an atomic, block-wise {@link GridSink}.
 */

import type { BlockGrid } from "../grid/block-grid.js";
import type { DType } from "../grid/dtype.js";
import type { Georef, Grid, GridAttrs } from "../grid/grid.js";
import type { Window } from "../grid/window.js";

/** What a source knows before reading any pixel. */
export interface RasterMeta {
  /** Format id ("geotiff", "zarr", ...). */
  readonly format: string;
  /** The path or URL the source was opened from. */
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly bands: number;
  readonly dtype: DType;
  readonly georef: Georef | null;
  readonly nodata: number | null;
  /** The natural read block (tile or strip) in pixels. */
  readonly blockWidth: number;
  readonly blockHeight: number;
  /** True when x wraps around (a grid covering 360 degrees of longitude). */
  readonly periodicX: boolean;
  readonly attrs: GridAttrs;
}

/** Options for {@link GridSource.readWindow}. */
export interface ReadOptions {
  /** 0-based band indices to read (default: all, in order). */
  bands?: readonly number[];
  signal?: AbortSignal;
}

/**
 * One open raster: metadata plus windowed reads that decode only the blocks they touch.
 * Windows may extend past the raster; cells outside are nodata (or 0 and masked when the
 * raster has no nodata value).
 */
export interface GridSource {
  readonly meta: RasterMeta;
  readWindow(w: Window, options?: ReadOptions): Promise<Grid>;
  close(): Promise<void>;
}

/**
 * An output being written. Blocks arrive in any order, each exactly once, as grids of
 * `(bands, h, w)` matching {@link blockWindow}. Nothing is visible at the target path until
 * `commit()`; `abort()` (or a crash) leaves nothing behind.
 */
export interface GridSink {
  readonly blockGrid: BlockGrid;
  writeBlock(col: number, row: number, block: Grid): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  /** Present when the sink can hand back the bytes it stores for a block; see {@link StoredBlocks}. */
  readonly stored?: StoredBlocks;
}

/**
 * A sink's blocks as it stores them (a GeoTIFF's compressed tile and mask tile, say). A resumable
 * run keeps each finished part's blocks in this form, so resuming copies them into the new output
 * instead of encoding them again.
 */
export interface StoredBlocks {
  /**
   * Names the form: the format, dtype, bands, nodata, compression and layout the bytes depend
   * on. Stored blocks go back only into a sink of the same form.
   */
  readonly form: string;
  /** How many pieces a block is stored as. */
  readonly pieces: number;
  /** Write a block as `writeBlock` does; resolves to the bytes stored for it, `pieces` of them. */
  writeBlock(col: number, row: number, block: Grid): Promise<Uint8Array[]>;
  /**
   * The pieces `writeBlock` would store for a block, without writing them: a shard of a run keeps
   * its parts in the output's form without writing the output. Works in any state of the sink,
   * aborted included.
   */
  encodeBlock(col: number, row: number, block: Grid): Promise<Uint8Array[]>;
  /** Write a block from the pieces {@link writeBlock} returned in a sink of the same form. */
  putBlock(col: number, row: number, pieces: readonly Uint8Array[]): Promise<void>;
}

/** What a sink needs to know to create an output. */
export interface SinkSpec {
  width: number;
  height: number;
  bands: number;
  dtype: DType;
  georef: Georef | null;
  nodata: number | null;
  attrs?: GridAttrs;
  /** The data's name (a Zarr variable); formats without names ignore it. */
  name?: string;
  /**
   * Keep the blocks' masks beside the data: a GDAL internal mask in a GeoTIFF or COG (0 where a
   * block's mask marks any band of a pixel invalid; a COG's overviews get their own), with the
   * values under it written as they are. For
   * data read with one (`tilecast convert` of a GeoTIFF that has an internal mask). Formats
   * without masks ignore it.
   */
  mask?: boolean;
  /** The band that is an alpha channel (a GeoTIFF's unassociated alpha), or null/absent: none. */
  alpha?: number | null;
  /** The first three bands are red, green and blue (a GeoTIFF's PhotometricInterpretation RGB). */
  rgb?: boolean;
}
