/**
 * Streaming, tiled GeoTIFF writer. Tiles are compressed as they arrive (in any order, in
 * parallel, on the codec workers) and appended to a temporary file; the
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
import type { FileHandle } from "node:fs/promises";
import { errorLine, TilecastError } from "../../errors.js";
import { type BlockGrid, blockWindow, makeBlockGrid } from "../../grid/block-grid.js";
import { DTYPE_INFO } from "../../grid/dtype.js";
import type { Grid } from "../../grid/grid.js";
import { discard, openTemp, publish, tempPathFor } from "../atomic.js";
import type { GridSink, SinkSpec, StoredBlocks } from "../types.js";
import { encodeHeader, encodeIfd, type IfdEntry } from "./ifd.js";
import { encodeMaskTile, maskEntries } from "./mask-write.js";
import { writePamSidecar } from "./pam-write.js";
import { dropSidecars } from "./stale-sidecars.js";
import {
  blockProblem,
  claimTile,
  encodeTile,
  imageEntries,
  type TileFormat,
  type TileOptions,
  tileFormat,
} from "./tile-codec.js";

/** Options for {@link createGeoTiffSink}. */
export interface GeoTiffWriteOptions extends TileOptions {
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
  readonly #format: TileFormat;
  readonly #offsets: Float64Array;
  readonly #counts: Float64Array;
  readonly #written: Uint8Array;
  /** The internal mask's tiles (`SinkSpec.mask`), or null. */
  readonly #mask: { offsets: Float64Array; counts: Float64Array } | null;
  #end: number;
  #state: "open" | "done" | "failed" = "open";
  #stored: StoredBlocks | null = null;

  constructor(path: string, temp: string, fh: FileHandle, spec: SinkSpec, o: { format: TileFormat; bigTiff: boolean }) {
    this.path = path;
    this.#temp = temp;
    this.#fh = fh;
    this.#spec = spec;
    this.#bigTiff = o.bigTiff;
    this.#format = o.format;
    this.blockGrid = makeBlockGrid(spec.width, spec.height, o.format.tileWidth, o.format.tileHeight);
    const n = this.blockGrid.cols * this.blockGrid.rows;
    this.#offsets = new Float64Array(n);
    this.#counts = new Float64Array(n);
    this.#written = new Uint8Array(n);
    this.#mask = spec.mask ? { offsets: new Float64Array(n), counts: new Float64Array(n) } : null;
    this.#end = o.bigTiff ? 16 : 8;
  }

  #fail(problem: string, cause?: unknown): TilecastError {
    this.#state = "failed";
    return new TilecastError("E_WRITE", problem, { path: this.path, cause });
  }

  /** Check one block's shape and dtype, then compress it into TIFF tile bytes. */
  async #encode(col: number, row: number, block: Grid): Promise<Uint8Array> {
    const problem = blockProblem(block, blockWindow(this.blockGrid, col, row), this.#spec, col, row);
    if (problem) throw this.#fail(problem);
    return encodeTile(block, this.#spec, this.#format);
  }

  async writeBlock(col: number, row: number, block: Grid): Promise<void> {
    await this.#write(col, row, block);
  }

  /**
   * Blocks as this file stores them: the compressed tile, then the mask's tile when the file has
   * a mask. The form names everything those bytes depend on.
   */
  get stored(): StoredBlocks {
    this.#stored ??= this.#storedBlocks();
    return this.#stored;
  }

  #storedBlocks(): StoredBlocks {
    const pieces = this.#mask ? 2 : 1;
    return {
      form: JSON.stringify({
        format: "GTiff",
        ...this.#format,
        dtype: this.#spec.dtype,
        bands: this.#spec.bands,
        nodata: Number.isNaN(this.#spec.nodata) ? "NaN" : this.#spec.nodata,
        mask: this.#mask !== null,
      }),
      pieces,
      writeBlock: (col, row, block) => this.#write(col, row, block),
      encodeBlock: (col, row, block) => this.#pieces(col, row, block),
      putBlock: async (col, row, stored) => {
        if (stored.length !== pieces)
          throw this.#fail(`stored block (${col}, ${row}) has ${stored.length} pieces, not ${pieces}`);
        this.#claim(col, row);
        await this.#put(col, row, stored);
      },
    };
  }

  /** Encode a block (and its mask tile) and put it in the file; the bytes stored. */
  async #write(col: number, row: number, block: Grid): Promise<Uint8Array[]> {
    this.#claim(col, row);
    const pieces = await this.#pieces(col, row, block);
    await this.#put(col, row, pieces);
    return pieces;
  }

  /** A block's tile, and its mask tile when the file has a mask. */
  async #pieces(col: number, row: number, block: Grid): Promise<Uint8Array[]> {
    const bytes = await this.#encode(col, row, block);
    return this.#mask ? [bytes, await encodeMaskTile(block, this.#format)] : [bytes];
  }

  #claim(col: number, row: number): void {
    if (this.#state !== "open") throw this.#fail("write after commit, abort or failure");
    const claim = claimTile(this.blockGrid, this.#written, col, row);
    if (claim) throw this.#fail(claim);
  }

  /** Append a claimed block's tile (and mask tile) and record where they are. */
  async #put(col: number, row: number, [bytes, mask]: readonly Uint8Array[]): Promise<void> {
    const index = row * this.blockGrid.cols + col;
    this.#offsets[index] = await this.#append(bytes as Uint8Array);
    this.#counts[index] = (bytes as Uint8Array).length;
    if (mask && this.#mask) {
      this.#mask.offsets[index] = await this.#append(mask);
      this.#mask.counts[index] = mask.length;
    }
  }

  /** Write `bytes` at the end of the file; returns where. */
  async #append(bytes: Uint8Array): Promise<number> {
    const at = this.#end; // reserve the range before awaiting, so concurrent writes never overlap
    this.#end += bytes.length + (bytes.length % 2);
    if (!this.#bigTiff && this.#end > 2 ** 32 - 1)
      throw this.#fail("output passed 4 GiB; write it as BigTIFF (bigTiff: true)");
    try {
      await this.#fh.write(bytes, 0, bytes.length, at);
    } catch (e) {
      throw this.#fail(`cannot write (${errorLine(e)})`, e);
    }
    return at;
  }

  #entries(): IfdEntry[] {
    const { width, height } = this.#spec;
    const im = { width, height, offsets: this.#offsets, counts: this.#counts, bigTiff: this.#bigTiff };
    return imageEntries(this.#spec, this.#format, im);
  }

  /** The directories: the image's at `at`, then the mask's (if any) right after it. */
  #directories(at: number): Uint8Array[] {
    const entries = this.#entries();
    if (!this.#mask) return [encodeIfd(entries, at, this.#bigTiff)];
    const { width, height } = this.#spec;
    const im = { width, height, ...this.#mask, bigTiff: this.#bigTiff };
    const length = encodeIfd(entries, at, this.#bigTiff).length; // the length does not depend on the values
    const maskAt = at + length + (length % 8 ? 8 - (length % 8) : 0);
    return [
      encodeIfd(entries, at, this.#bigTiff, maskAt),
      new Uint8Array(maskAt - at - length),
      encodeIfd(maskEntries(this.#format, im), maskAt, this.#bigTiff),
    ];
  }

  async commit(): Promise<void> {
    if (this.#state !== "open") throw this.#fail("commit after commit, abort or failure");
    try {
      const at = this.#end + (this.#end % 8 ? 8 - (this.#end % 8) : 0);
      const ifd = Buffer.concat(this.#directories(at));
      if (!this.#bigTiff && at + ifd.length > 2 ** 32 - 1) throw new Error("directory passed 4 GiB");
      await this.#fh.write(ifd, 0, ifd.length, at);
      const header = encodeHeader(at, this.#bigTiff);
      await this.#fh.write(header, 0, header.length, 0);
      await this.#fh.sync();
      await this.#fh.close();
      await dropSidecars(this.path);
      await publish(this.#temp, this.path);
      this.#state = "done";
      await writePamSidecar(this.path, this.#spec.attrs);
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
  const format = tileFormat(path, spec, options, 256);
  const bigTiff = options.bigTiff === undefined || options.bigTiff === "auto" ? needsBigTiff(spec) : options.bigTiff;
  const temp = tempPathFor(path);
  return new GeoTiffSink(path, temp, await openTemp(path, temp), spec, { format, bigTiff });
}
