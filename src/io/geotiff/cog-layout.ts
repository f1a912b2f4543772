/**
 * Where everything goes in a Cloud-Optimized GeoTIFF (`cog.ts` writes it): the tables of each
 * level's tiles in the spool file, GDAL's order of directories (the full image, its mask, the
 * overviews, then the overviews' masks) and of tiles (the smallest overview first, row-major,
 * each mask tile after its image tile), and the directories' bytes once the tiles are placed.
 */
import type { BlockGrid } from "../../grid/block-grid.js";
import type { SinkSpec } from "../types.js";
import { ghostHeader } from "./cog-ghost.js";
import { encodeHeader, encodeIfd } from "./ifd.js";
import { maskEntries } from "./mask-write.js";
import { imageEntries, type TileFormat } from "./tile-codec.js";

/** Where each tile of an image is in the spool file, and its size (0: never written). */
export interface Tiles {
  spoolAt: Float64Array;
  counts: Float64Array;
}

/** A resolution level: its grid of tiles, its image tiles, and its mask tiles (or null). */
export interface LevelTable extends Tiles {
  grid: BlockGrid;
  mask: Tiles | null;
}

/** One directory of the file: a level's image, or its mask. */
interface Directory {
  level: number;
  mask: boolean;
}

/** The file's front (header, structural metadata, directories) and where each tile goes. */
export interface Layout {
  bigTiff: boolean;
  ghost: Uint8Array;
  /** Where the first directory starts. */
  first: number;
  /** Each image's (and mask's) tile offsets in the output. */
  offsets: Map<Tiles, Float64Array>;
  /** The file's length. */
  end: number;
  /** The directories' bytes, in order from `first`. */
  dirs: Uint8Array[];
}

/** The levels of a COG of `grids` (full resolution first) and how to lay them out in a file. */
export class CogLevels {
  readonly levels: LevelTable[];
  readonly #directories: Directory[];
  readonly #spec: SinkSpec;
  readonly #format: TileFormat;

  constructor(grids: readonly BlockGrid[], spec: SinkSpec, format: TileFormat) {
    this.#spec = spec;
    this.#format = format;
    const tiles = (n: number): Tiles => ({ spoolAt: new Float64Array(n), counts: new Float64Array(n) });
    this.levels = grids.map((grid) => {
      const n = grid.cols * grid.rows;
      return { grid, ...tiles(n), mask: spec.mask ? tiles(n) : null };
    });
    // GDAL's order: the full image, its mask, the overviews, then the overviews' masks.
    const overviews = this.levels.map((_, level) => level).slice(1);
    this.#directories = [
      { level: 0, mask: false },
      ...(spec.mask ? [{ level: 0, mask: true }] : []),
      ...overviews.map((level) => ({ level, mask: false })),
      ...(spec.mask ? overviews.map((level) => ({ level, mask: true })) : []),
    ];
  }

  /**
   * The tiles in file order: levels from the smallest overview to full resolution, row-major,
   * each image tile followed by its mask tile (GDAL's `MASK_INTERLEAVED_WITH_IMAGERY`).
   */
  *fileOrder(): Generator<{ tiles: Tiles; i: number; level: number }> {
    for (let level = this.levels.length - 1; level >= 0; level--) {
      const t = this.levels[level] as LevelTable;
      for (let i = 0; i < t.counts.length; i++) {
        yield { tiles: t, i, level };
        if (t.mask) yield { tiles: t.mask, i, level };
      }
    }
  }

  /** The header, structural metadata and directories, and where each tile goes, for one TIFF flavour. */
  layout(bigTiff: boolean): Layout {
    const head = encodeHeader(0, bigTiff).length;
    const ghost = ghostHeader(this.#spec.mask === true);
    const first = head + ghost.length;
    const lengths = this.#directoryLengths(bigTiff);
    const { offsets, end } = this.#placeTiles(first + lengths.reduce((n, l) => n + l, 0));
    return { bigTiff, ghost, first, offsets, end, dirs: this.#encodeDirectories(first, bigTiff, offsets, lengths) };
  }

  /** The tiles of directory `d`. */
  #tilesOf(d: Directory): Tiles {
    const t = this.levels[d.level] as LevelTable;
    return d.mask ? (t.mask as Tiles) : t;
  }

  /** The entries of directory `d`, its tiles at `offsets` (placeholders when sizing). */
  #entries(d: Directory, bigTiff: boolean, offsets: ArrayLike<number>) {
    const { grid } = this.levels[d.level] as LevelTable;
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
      const entries = this.#entries(d, bigTiff, offsets.get(this.#tilesOf(d)) as Float64Array);
      const bytes = encodeIfd(entries, at, bigTiff, next);
      at += length;
      return bytes;
    });
  }

  /** Where each tile lands in the output when the data starts at `dataStart`; and the file's end. */
  #placeTiles(dataStart: number): { offsets: Map<Tiles, Float64Array>; end: number } {
    let at = dataStart;
    const offsets = new Map(
      this.#directories.map((d) => [this.#tilesOf(d), new Float64Array(this.#tilesOf(d).counts.length)]),
    );
    for (const { tiles, i } of this.fileOrder()) {
      const n = tiles.counts[i] as number;
      if (n === 0) continue; // never written: sparse, offset 0 (GDAL reads it as nodata)
      (offsets.get(tiles) as Float64Array)[i] = at + 4;
      at += n + 8;
    }
    return { offsets, end: at };
  }
}
