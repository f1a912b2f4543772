/**
 * Cloud-Optimized GeoTIFF writer, in GDAL's COG layout: the header, GDAL's "ghost" structural
 * metadata (layout, block order, leaders and trailers), the directories of the full image and of
 * every overview, then the tiles from the smallest overview to full resolution, row-major, each
 * with its size as a 4-byte leader and its last 4 bytes repeated after it. A reader learns where
 * everything is from the first few kilobytes, and a viewer fetches the overview it shows. With
 * `SinkSpec.mask`, every level also has a GDAL internal mask: the mask directories follow (full
 * image's first, then the overviews'), and each mask tile follows its image tile.
 *
 * Tiles arrive in any order, so they are compressed into a spool file beside the output as they
 * come, while overviews are built from them in bounded memory ({@link OverviewPyramid}); the
 * commit writes the directories and copies the tiles into their final order, then renames the
 * file into place. Memory holds the partly filled overview tiles and the offset tables; a raster
 * larger than memory becomes a valid COG. BigTIFF is chosen at commit when the file needs it.
 *
 * @example
 * ```ts
 * import { createGrid } from "tilecast/grid";
 * import { createCogSink } from "tilecast/io";
 * const sink = await createCogSink("/tmp/cog.tif", {
 *   width: 64, height: 64, bands: 1, dtype: "float32", georef: null, nodata: null,
 * }, { tileSize: 32 });
 * for (let row = 0; row < 2; row++)
 *   for (let col = 0; col < 2; col++)
 *     await sink.writeBlock(col, row, createGrid("float32", [1, 32, 32]));
 * await sink.commit();
 * console.log(sink.levels); // 2
 * ```
 */
import type { FileHandle } from "node:fs/promises";
import { errorLine, TilecastError } from "../../errors.js";
import { type BlockGrid, blockWindow } from "../../grid/block-grid.js";
import type { Grid } from "../../grid/grid.js";
import { discard, openTemp, publish, tempPathFor } from "../atomic.js";
import type { GridSink, SinkSpec } from "../types.js";
import { CogLevels, type LevelTable, type Tiles } from "./cog-layout.js";
import { encodeHeader } from "./ifd.js";
import { encodeMaskTile } from "./mask-write.js";
import { defaultResampling, OverviewPyramid, type OverviewResampling } from "./overview.js";
import { writePamSidecar } from "./pam-write.js";
import { dropSidecars } from "./stale-sidecars.js";
import { blockProblem, claimTile, encodeTile, type TileFormat, type TileOptions, tileFormat } from "./tile-codec.js";

/** Options for {@link createCogSink}. */
export interface CogWriteOptions extends TileOptions {
  /** BigTIFF: true, false, or "auto" (default: when the finished file passes 4 GiB). */
  bigTiff?: boolean | "auto";
  /** Overview resampling (default: average for floats, nearest for integers, which are often classes). */
  overviews?: OverviewResampling;
}

/** Bytes copied per write while assembling the file. */
const COPY_BATCH = 8 * 1024 * 1024;

/** A COG being written; see {@link createCogSink}. */
export class CogSink implements GridSink {
  readonly blockGrid: BlockGrid;
  readonly path: string;
  readonly #spec: SinkSpec;
  readonly #format: TileFormat;
  readonly #bigTiff: boolean | "auto";
  readonly #pyramid: OverviewPyramid;
  readonly #levels: CogLevels;
  readonly #written: Uint8Array;
  readonly #spool: { fh: FileHandle; path: string };
  readonly #temp: string;
  #spoolEnd = 0;
  #state: "open" | "done" | "failed" = "open";

  constructor(path: string, temp: string, spool: { fh: FileHandle; path: string }, spec: SinkSpec, o: Resolved) {
    this.path = path;
    this.#temp = temp;
    this.#spool = spool;
    this.#spec = spec;
    this.#format = o.format;
    this.#bigTiff = o.bigTiff;
    this.#pyramid = new OverviewPyramid(spec, o.format.tileWidth, o.overviews);
    this.#levels = new CogLevels(this.#pyramid.grids, spec, o.format);
    this.blockGrid = this.#pyramid.grids[0] as BlockGrid;
    this.#written = new Uint8Array(this.blockGrid.cols * this.blockGrid.rows);
  }

  /** Resolution levels in the file: the full image plus its overviews. */
  get levels(): number {
    return this.#levels.levels.length;
  }

  #fail(problem: string, cause?: unknown): TilecastError {
    this.#state = "failed";
    return new TilecastError("E_WRITE", problem, { path: this.path, cause });
  }

  async writeBlock(col: number, row: number, block: Grid): Promise<void> {
    if (this.#state !== "open") throw this.#fail("write after commit, abort or failure");
    const problem =
      claimTile(this.blockGrid, this.#written, col, row) ??
      blockProblem(block, blockWindow(this.blockGrid, col, row), this.#spec, col, row);
    if (problem) throw this.#fail(problem);
    await this.#tile(0, col, row, block);
  }

  /**
   * Compress a finished tile of `level` (and its mask tile) into the spool, then feed it to the
   * overview above.
   */
  async #tile(level: number, col: number, row: number, grid: Grid): Promise<void> {
    const t = this.#levels.levels[level] as LevelTable;
    const i = row * t.grid.cols + col;
    await this.#spoolTile(t, i, await encodeTile(grid, this.#spec, this.#format));
    if (t.mask) await this.#spoolTile(t.mask, i, await encodeMaskTile(grid, this.#format));
    for (const up of this.#pyramid.add(level, col, row, grid)) await this.#tile(up.level, up.col, up.row, up.grid);
  }

  async #spoolTile(t: Tiles, i: number, bytes: Uint8Array): Promise<void> {
    const at = this.#spoolEnd; // reserved before awaiting, so concurrent writes never overlap
    this.#spoolEnd += bytes.length;
    try {
      await this.#spool.fh.write(bytes, 0, bytes.length, at);
    } catch (e) {
      throw this.#fail(`cannot write (${errorLine(e)})`, e);
    }
    t.spoolAt[i] = at;
    t.counts[i] = bytes.length;
  }

  async commit(): Promise<void> {
    if (this.#state !== "open") throw this.#fail("commit after commit, abort or failure");
    let out: FileHandle | null = null;
    try {
      // Overview tiles whose children were never all written are finished with what they have.
      for (let k = 1; k < this.#levels.levels.length; k++) {
        for (const t of this.#pyramid.drain(k)) await this.#tile(t.level, t.col, t.row, t.grid);
      }
      let L = this.#levels.layout(this.#bigTiff === true);
      if (this.#bigTiff === "auto" && L.end > 2 ** 32 - 1) L = this.#levels.layout(true);
      if (!L.bigTiff && L.end > 2 ** 32 - 1)
        throw new Error("the file passes 4 GiB; write it as BigTIFF (bigTiff: true)");
      out = await openTemp(this.path, this.#temp);
      const front = new Uint8Array(L.first + L.dirs.reduce((n, d) => n + d.length, 0));
      front.set(encodeHeader(L.first, L.bigTiff), 0);
      front.set(L.ghost, encodeHeader(0, L.bigTiff).length);
      let at = L.first;
      for (const d of L.dirs) {
        front.set(d, at);
        at += d.length;
      }
      await out.write(front, 0, front.length, 0);
      await this.#copyTiles(out, at);
      await out.sync();
      await out.close();
      out = null;
      await dropSidecars(this.path);
      await publish(this.#temp, this.path);
      await this.#closeSpool();
      this.#state = "done";
      await writePamSidecar(this.path, this.#spec.attrs);
    } catch (e) {
      await out?.close().catch(() => undefined);
      await this.abort();
      if (e instanceof TilecastError) throw e;
      throw this.#fail(`cannot finish (${errorLine(e)})`, e);
    }
  }

  /** Copy the tiles from the spool into their final order, each with its leader and trailer. */
  async #copyTiles(out: FileHandle, start: number): Promise<void> {
    let buf = Buffer.allocUnsafe(COPY_BATCH);
    let used = 0;
    let at = start;
    const flush = async () => {
      await out.write(buf, 0, used, at);
      at += used;
      used = 0;
    };
    for (const { tiles, i, level } of this.#levels.fileOrder()) {
      const n = tiles.counts[i] as number;
      if (n === 0) continue;
      if (used + n + 8 > buf.length) {
        await flush();
        if (n + 8 > buf.length) buf = Buffer.allocUnsafe(n + 8);
      }
      buf.writeUInt32LE(n, used);
      const { bytesRead } = await this.#spool.fh.read(buf, used + 4, n, tiles.spoolAt[i] as number);
      if (bytesRead !== n) throw new Error(`spool file ended early at tile ${i} of level ${level}`);
      buf.copyWithin(used + 4 + n, used + n, used + 4 + n);
      used += n + 8;
    }
    if (used > 0) await flush();
  }

  async #closeSpool(): Promise<void> {
    await this.#spool.fh.close().catch(() => undefined);
    await discard(this.#spool.path);
  }

  async abort(): Promise<void> {
    if (this.#state === "done") return;
    this.#state = "failed";
    await this.#closeSpool();
    await discard(this.#temp);
  }
}

interface Resolved {
  format: TileFormat;
  bigTiff: boolean | "auto";
  overviews: OverviewResampling;
}

/**
 * Create a Cloud-Optimized GeoTIFF at `path` (nothing appears there until
 * {@link CogSink.commit}); see the module documentation for the layout.
 *
 * @throws TilecastError E_WRITE when the directory is not writable, E_ARGUMENT for bad options.
 */
export async function createCogSink(path: string, spec: SinkSpec, options: CogWriteOptions = {}): Promise<CogSink> {
  const format = tileFormat(path, spec, options, 512);
  const spoolPath = tempPathFor(path);
  const fh = await openTemp(path, spoolPath, "wx+");
  return new CogSink(path, tempPathFor(path), { fh, path: spoolPath }, spec, {
    format,
    bigTiff: options.bigTiff ?? "auto",
    overviews: options.overviews ?? defaultResampling(spec.dtype),
  });
}
