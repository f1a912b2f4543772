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
import { ghostHeader } from "./cog-ghost.js";
import { encodeHeader, encodeIfd } from "./ifd.js";
import { encodeMaskTile, maskEntries } from "./mask-write.js";
import { defaultResampling, OverviewPyramid, type OverviewResampling } from "./overview.js";
import {
  blockProblem,
  claimTile,
  encodeTile,
  imageEntries,
  type TileFormat,
  type TileOptions,
  tileFormat,
} from "./tile-codec.js";

/** Options for {@link createCogSink}. */
export interface CogWriteOptions extends TileOptions {
  /** BigTIFF: true, false, or "auto" (default: when the finished file passes 4 GiB). */
  bigTiff?: boolean | "auto";
  /** Overview resampling (default: average for floats, nearest for integers, which are often classes). */
  overviews?: OverviewResampling;
}

/** Where each tile of an image is in the spool file, and its size (0: never written). */
interface Tiles {
  spoolAt: Float64Array;
  counts: Float64Array;
}

interface LevelTable extends Tiles {
  grid: BlockGrid;
  /** The level's mask tiles (`SinkSpec.mask`), or null. */
  mask: Tiles | null;
}

/** One directory of the file: a level's image, or its mask. */
interface Directory {
  level: number;
  mask: boolean;
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
  readonly #levels: LevelTable[];
  readonly #directories: Directory[];
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
    const tiles = (n: number): Tiles => ({ spoolAt: new Float64Array(n), counts: new Float64Array(n) });
    this.#levels = this.#pyramid.grids.map((grid) => {
      const n = grid.cols * grid.rows;
      return { grid, ...tiles(n), mask: spec.mask ? tiles(n) : null };
    });
    // GDAL's order: the full image, its mask, the overviews, then the overviews' masks.
    const levels = this.#levels.map((_, level) => level);
    this.#directories = [
      { level: 0, mask: false },
      ...(spec.mask ? [{ level: 0, mask: true }] : []),
      ...levels.slice(1).map((level) => ({ level, mask: false })),
      ...(spec.mask ? levels.slice(1).map((level) => ({ level, mask: true })) : []),
    ];
    this.blockGrid = this.#pyramid.grids[0] as BlockGrid;
    this.#written = new Uint8Array(this.blockGrid.cols * this.blockGrid.rows);
  }

  /** Resolution levels in the file: the full image plus its overviews. */
  get levels(): number {
    return this.#levels.length;
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
    const t = this.#levels[level] as LevelTable;
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

  /** The tiles of directory `d`. */
  #tilesOf(d: Directory): Tiles {
    const t = this.#levels[d.level] as LevelTable;
    return d.mask ? (t.mask as Tiles) : t;
  }

  /** The entries of directory `d`, its tiles at `offsets` (placeholders when sizing). */
  #entries(d: Directory, bigTiff: boolean, offsets: ArrayLike<number>) {
    const { grid } = this.#levels[d.level] as LevelTable;
    const counts = this.#tilesOf(d).counts;
    const im = { width: grid.width, height: grid.height, offsets, counts, bigTiff, overview: d.level > 0 };
    return d.mask ? maskEntries(this.#format, im) : imageEntries(this.#spec, this.#format, im);
  }

  /**
   * Each directory's length: it depends only on the entries' types and counts, so it is
   * measured with placeholder offsets before the tiles are placed.
   */
  #directoryLengths(bigTiff: boolean): number[] {
    return this.#directories.map(
      (d) => encodeIfd(this.#entries(d, bigTiff, this.#tilesOf(d).counts), 0, bigTiff).length,
    );
  }

  /** Every directory's bytes, laid out from `start` in order, pointing at the placed tiles. */
  #encodeDirectories(start: number, bigTiff: boolean, offsets: Map<Tiles, Float64Array>, lengths: number[]) {
    let at = start;
    return this.#directories.map((d, k) => {
      const length = lengths[k] as number;
      const next = k + 1 < lengths.length ? at + length : 0;
      const bytes = encodeIfd(
        this.#entries(d, bigTiff, offsets.get(this.#tilesOf(d)) as Float64Array),
        at,
        bigTiff,
        next,
      );
      at += length;
      return bytes;
    });
  }

  /**
   * The tiles in file order: levels from the smallest overview to full resolution, row-major,
   * each image tile followed by its mask tile (GDAL's `MASK_INTERLEAVED_WITH_IMAGERY`).
   */
  *#fileOrder(): Generator<{ tiles: Tiles; i: number; level: number }> {
    for (let level = this.#levels.length - 1; level >= 0; level--) {
      const t = this.#levels[level] as LevelTable;
      for (let i = 0; i < t.counts.length; i++) {
        yield { tiles: t, i, level };
        if (t.mask) yield { tiles: t.mask, i, level };
      }
    }
  }

  /** Where each tile lands in the output when the data starts at `dataStart`; and the file's end. */
  #placeTiles(dataStart: number): { offsets: Map<Tiles, Float64Array>; end: number } {
    let at = dataStart;
    const offsets = new Map(
      this.#directories.map((d) => [this.#tilesOf(d), new Float64Array(this.#tilesOf(d).counts.length)]),
    );
    for (const { tiles, i } of this.#fileOrder()) {
      const n = tiles.counts[i] as number;
      if (n === 0) continue; // never written: sparse, offset 0 (GDAL reads it as nodata)
      (offsets.get(tiles) as Float64Array)[i] = at + 4;
      at += n + 8;
    }
    return { offsets, end: at };
  }

  /** The header, ghost area and directories, and where each tile goes, for one TIFF flavour. */
  #layout(bigTiff: boolean) {
    const head = encodeHeader(0, bigTiff).length;
    const ghost = ghostHeader(this.#spec.mask === true);
    const first = head + ghost.length;
    const lengths = this.#directoryLengths(bigTiff);
    const { offsets, end } = this.#placeTiles(first + lengths.reduce((n, l) => n + l, 0));
    return { bigTiff, ghost, first, offsets, end, dirs: this.#encodeDirectories(first, bigTiff, offsets, lengths) };
  }

  async commit(): Promise<void> {
    if (this.#state !== "open") throw this.#fail("commit after commit, abort or failure");
    let out: FileHandle | null = null;
    try {
      // Overview tiles whose children were never all written are finished with what they have.
      for (let k = 1; k < this.#levels.length; k++) {
        for (const t of this.#pyramid.drain(k)) await this.#tile(t.level, t.col, t.row, t.grid);
      }
      let L = this.#layout(this.#bigTiff === true);
      if (this.#bigTiff === "auto" && L.end > 2 ** 32 - 1) L = this.#layout(true);
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
      await publish(this.#temp, this.path);
      await this.#closeSpool();
      this.#state = "done";
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
    for (const { tiles, i, level } of this.#fileOrder()) {
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
