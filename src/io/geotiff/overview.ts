/**
 * Overviews built from tiles as they arrive, in bounded memory. Each overview tile keeps a buffer
 * of the cells it is computed from on the level below; finished tiles of that level are copied
 * into the buffers they touch, and a tile whose sources have all arrived is computed, handed back
 * to be written, and fed to the level above in turn. Only partly filled tiles are held: about one
 * or two rows of tiles per level when tiles arrive in row-major order. Levels halve (rounding up)
 * until the smallest fits one tile, as GDAL's COG driver does.
 *
 * The cells equal `gdaladdo`'s (GDAL 3.6), which computes each level from the one below with the
 * ratio of their sizes (slightly under 2 when a size is odd):
 * - `average`: the mean of the source cells under each cell's footprint, weighted by the area of
 *   each under it (integers rounded half up);
 * - `nearest`: the source cell at `round(i · ratio)`;
 * - `mode`: the most frequent source value under the footprint (cells partly under it count
 *   whole); on ties, the value that reached the top count first in row-major order.
 * Missing cells (mask, nodata, NaN) are left out; a cell with none valid is missing.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { OverviewPyramid } from "./overview.js";
 * const p = new OverviewPyramid({ width: 301, height: 64, bands: 1, dtype: "uint8", nodata: null }, 64, "average");
 * console.log(p.grids.map((g) => [g.width, g.height])); // [[301, 64], [151, 32], [76, 16], [38, 8]]
 * ```
 */
import { TilecastError } from "../../errors.js";
import { type BlockGrid, blockWindow, makeBlockGrid } from "../../grid/block-grid.js";
import { allocate, DTYPE_INFO, type DType, type TypedArray } from "../../grid/dtype.js";
import { createGrid, type Grid } from "../../grid/grid.js";
import type { Window } from "../../grid/window.js";
import { type Axis, axis, firstMode, overlap, parentRange, validity } from "./overview-rules.js";

/** How overview cells are computed from the level below. */
export type OverviewResampling = "average" | "nearest" | "mode";

/** The default resampling for a dtype: averaging for floats, nearest for integers (often classes). */
export function defaultResampling(dtype: DType): OverviewResampling {
  return DTYPE_INFO[dtype].sampleFormat === 3 ? "average" : "nearest";
}

/** What the pyramid needs to know about the raster. */
export interface PyramidSpec {
  width: number;
  height: number;
  bands: number;
  dtype: DType;
  nodata: number | null;
}

/** A finished tile of one level. */
export interface PyramidTile {
  level: number;
  col: number;
  row: number;
  grid: Grid;
}

/** An overview tile waiting for its sources: their cells, and which are valid. */
interface Pending {
  /** The source rectangle on the level below. */
  src: Window;
  data: TypedArray;
  valid: Uint8Array;
  got: number;
  need: number;
}

interface Level {
  grid: BlockGrid;
  x: Axis;
  y: Axis;
  pending: Map<number, Pending>;
}

/** Overview levels of a raster whose tiles arrive in any order; see the module documentation. */
export class OverviewPyramid {
  /** The tile grid of each level: 0 is full resolution, then each overview. */
  readonly grids: readonly BlockGrid[];
  readonly #spec: PyramidSpec;
  readonly #tile: number;
  readonly #method: OverviewResampling;
  /** Levels 1..n (index 0 unused). */
  readonly #levels: Level[];

  constructor(spec: PyramidSpec, tile: number, method: OverviewResampling, maxLevels = 32) {
    if (!(tile > 0)) throw new TilecastError("E_ARGUMENT", `overview tile size ${tile} must be positive`);
    this.#spec = spec;
    this.#tile = tile;
    this.#method = method;
    const grids = [makeBlockGrid(spec.width, spec.height, tile, tile)];
    const levels: Level[] = [];
    for (let g = grids[0] as BlockGrid; (g.width > tile || g.height > tile) && grids.length <= maxLevels; ) {
      const up = makeBlockGrid(Math.ceil(g.width / 2), Math.ceil(g.height / 2), tile, tile);
      levels[grids.length] = {
        grid: up,
        x: axis(g.width, up.width, method),
        y: axis(g.height, up.height, method),
        pending: new Map(),
      };
      grids.push(up);
      g = up;
    }
    this.grids = grids;
    this.#levels = levels;
  }

  /** Tiles held partly filled, over all levels (what memory holds). */
  get pendingTiles(): number {
    return this.#levels.reduce((n, l) => n + (l?.pending.size ?? 0), 0);
  }

  /**
   * Take a finished tile of `level` (its window's cells) into the overview tiles above that it
   * feeds. Returns those that are now complete (the caller writes them and adds them in turn).
   */
  add(level: number, col: number, row: number, block: Grid): PyramidTile[] {
    const up = this.#levels[level + 1];
    if (!up) return [];
    const below = this.grids[level] as BlockGrid;
    const win = blockWindow(below, col, row);
    const isValid = validity(block);
    const done: PyramidTile[] = [];
    for (const pr of parentRange(up.y, win.y, win.y + win.height, this.#tile)) {
      for (const pc of parentRange(up.x, win.x, win.x + win.width, this.#tile)) {
        const key = pr * up.grid.cols + pc;
        let p = up.pending.get(key);
        if (!p) {
          p = this.#open(up, below, pc, pr);
          up.pending.set(key, p);
        }
        copyInto(p, block, win, isValid, this.#spec.bands);
        if (++p.got < p.need) continue;
        up.pending.delete(key);
        done.push({ level: level + 1, col: pc, row: pr, grid: this.#compute(up, p, pc, pr) });
      }
    }
    return done;
  }

  /**
   * The partly filled tiles of `level` (some sources never written), computed from what they
   * have, in row-major order. Call for levels 1, 2, ... in turn, adding each result first.
   */
  drain(level: number): PyramidTile[] {
    const l = this.#levels[level];
    if (!l) return [];
    const keys = [...l.pending.keys()].sort((a, b) => a - b);
    const out = keys.map((key) => {
      const col = key % l.grid.cols;
      const row = Math.floor(key / l.grid.cols);
      return { level, col, row, grid: this.#compute(l, l.pending.get(key) as Pending, col, row) };
    });
    l.pending.clear();
    return out;
  }

  #open(l: Level, below: BlockGrid, pc: number, pr: number): Pending {
    const dst = blockWindow(l.grid, pc, pr);
    const x0 = l.x.lo[dst.x] as number;
    const x1 = l.x.hi[dst.x + dst.width - 1] as number;
    const y0 = l.y.lo[dst.y] as number;
    const y1 = l.y.hi[dst.y + dst.height - 1] as number;
    const t = this.#tile;
    const need =
      (Math.min(below.cols - 1, Math.floor((x1 - 1) / t)) - Math.floor(x0 / t) + 1) *
      (Math.min(below.rows - 1, Math.floor((y1 - 1) / t)) - Math.floor(y0 / t) + 1);
    const cells = (x1 - x0) * (y1 - y0);
    return {
      src: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 },
      data: allocate(this.#spec.dtype, cells * this.#spec.bands),
      valid: new Uint8Array(cells * this.#spec.bands),
      got: 0,
      need,
    };
  }

  #compute(l: Level, p: Pending, pc: number, pr: number): Grid {
    const dst = blockWindow(l.grid, pc, pr);
    const { bands, dtype } = this.#spec;
    const out = allocate(dtype, bands * dst.width * dst.height);
    const mask = new Uint8Array(out.length);
    const round = DTYPE_INFO[dtype].sampleFormat !== 3;
    const sw = p.src.width;
    const plane = sw * p.src.height;
    const vals = new Float64Array(64);
    let missing = false;
    for (let b = 0; b < bands; b++) {
      for (let j = 0; j < dst.height; j++) {
        const gy = dst.y + j;
        const ya = (l.y.lo[gy] as number) - p.src.y;
        const yb = (l.y.hi[gy] as number) - p.src.y;
        for (let i = 0; i < dst.width; i++) {
          const gx = dst.x + i;
          const xa = (l.x.lo[gx] as number) - p.src.x;
          const xb = (l.x.hi[gx] as number) - p.src.x;
          const o = b * dst.width * dst.height + j * dst.width + i;
          let value: number | null;
          if (this.#method === "average") {
            let s = 0;
            let w = 0;
            for (let y = ya; y < yb; y++) {
              const wy = overlap(gy, l.y.ratio, y + p.src.y);
              for (let x = xa; x < xb; x++) {
                const k = b * plane + y * sw + x;
                if (!p.valid[k]) continue;
                const wt = wy * overlap(gx, l.x.ratio, x + p.src.x);
                s += (p.data[k] as number) * wt;
                w += wt;
              }
            }
            value = w > 0 ? (round ? Math.floor(s / w + 0.5) : s / w) : null;
          } else {
            let n = 0;
            for (let y = ya; y < yb; y++)
              for (let x = xa; x < xb; x++) {
                const k = b * plane + y * sw + x;
                if (p.valid[k]) vals[n++] = p.data[k] as number;
              }
            value = n === 0 ? null : this.#method === "nearest" ? (vals[0] as number) : firstMode(vals, n);
          }
          if (value === null) missing = true;
          else {
            out[o] = value;
            mask[o] = 1;
          }
        }
      }
    }
    return createGrid(dtype, [bands, dst.height, dst.width], {
      data: out,
      nodata: this.#spec.nodata,
      mask: missing ? mask : null,
    });
  }
}

/** Copy the part of `block` (covering `win`) that lies in a pending tile's source rectangle. */
function copyInto(p: Pending, block: Grid, win: Window, isValid: (i: number) => boolean, bands: number): void {
  const x0 = Math.max(win.x, p.src.x);
  const x1 = Math.min(win.x + win.width, p.src.x + p.src.width);
  const y0 = Math.max(win.y, p.src.y);
  const y1 = Math.min(win.y + win.height, p.src.y + p.src.height);
  const plane = p.src.width * p.src.height;
  const bplane = win.width * win.height;
  for (let b = 0; b < bands; b++)
    for (let y = y0; y < y1; y++) {
      const si = b * bplane + (y - win.y) * win.width + (x0 - win.x);
      const di = b * plane + (y - p.src.y) * p.src.width + (x0 - p.src.x);
      p.data.set(block.data.subarray(si, si + x1 - x0) as never, di);
      for (let x = 0; x < x1 - x0; x++) p.valid[di + x] = isValid(si + x) ? 1 : 0;
    }
}
