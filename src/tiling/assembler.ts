/**
 * Assembles tile cores into the output's blocks (GeoTIFF tiles, Zarr chunks) when the two grids
 * differ. A block is allocated when the first core touching it arrives and handed back, complete,
 * as soon as its last pixel has arrived; it is then forgotten. With row-major tiles the open
 * blocks form a band about one tile row high, so memory is ~ width x tile height, never the
 * whole raster.
 *
 * @example
 * ```ts
 * import { BlockAssembler, makeBlockGrid, createGrid } from "tilecast";
 * const asm = new BlockAssembler(makeBlockGrid(32, 16, 16, 16), 1, "uint8", null);
 * asm.add({ x: 0, y: 0, width: 24, height: 16 }, createGrid("uint8", [1, 16, 24])).length; // 1 block done
 * ```
 */

import { type BlockGrid, blockWindow } from "../grid/block-grid.js";
import { allocate, type DType } from "../grid/dtype.js";
import { createGrid, type Grid } from "../grid/grid.js";
import { intersect, isEmpty, type Window } from "../grid/window.js";

/** A completed output block. */
export interface FinishedBlock {
  col: number;
  row: number;
  window: Window;
  grid: Grid;
}

interface OpenBlock {
  window: Window;
  data: ReturnType<typeof allocate>;
  mask: Uint8Array | null;
  remaining: number;
}

/**
 * Assembles tile cores into the output's blocks (GeoTIFF tiles, Zarr chunks) when the two grids differ.
 * Details and a complete example: the module documentation above.
 */
export class BlockAssembler {
  readonly #open = new Map<number, OpenBlock>();
  readonly #grid: BlockGrid;
  readonly #bands: number;
  readonly #dtype: DType;
  readonly #nodata: number | null;

  constructor(grid: BlockGrid, bands: number, dtype: DType, nodata: number | null) {
    this.#grid = grid;
    this.#bands = bands;
    this.#dtype = dtype;
    this.#nodata = nodata;
  }

  /** Blocks currently held in memory. */
  get openBlocks(): number {
    return this.#open.size;
  }

  /** Copy a core (grid `(bands, h, w)` covering `core`) in; returns the blocks it completed. */
  add(core: Window, g: Grid): FinishedBlock[] {
    const { blockWidth: bw, blockHeight: bh, cols } = this.#grid;
    const done: FinishedBlock[] = [];
    const c0 = Math.floor(core.x / bw);
    const c1 = Math.floor((core.x + core.width - 1) / bw);
    const r0 = Math.floor(core.y / bh);
    const r1 = Math.floor((core.y + core.height - 1) / bh);
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const key = row * cols + col;
        let blk = this.#open.get(key);
        if (!blk) {
          const window = blockWindow(this.#grid, col, row);
          const n = window.width * window.height;
          blk = { window, data: allocate(this.#dtype, n * this.#bands), mask: null, remaining: n };
          this.#open.set(key, blk);
        }
        const part = intersect(core, blk.window);
        if (isEmpty(part)) continue;
        this.#copy(g, core, blk, part);
        blk.remaining -= part.width * part.height;
        if (blk.remaining <= 0) {
          this.#open.delete(key);
          done.push({
            col,
            row,
            window: blk.window,
            grid: createGrid(this.#dtype, [this.#bands, blk.window.height, blk.window.width], {
              data: blk.data,
              nodata: this.#nodata,
              mask: blk.mask,
            }),
          });
        }
      }
    }
    return done;
  }

  #copy(g: Grid, core: Window, blk: OpenBlock, part: Window): void {
    const sn = core.width * core.height;
    const dn = blk.window.width * blk.window.height;
    if (g.mask && !blk.mask) blk.mask = new Uint8Array(blk.data.length).fill(1);
    for (let b = 0; b < this.#bands; b++) {
      for (let y = part.y; y < part.y + part.height; y++) {
        const s = b * sn + (y - core.y) * core.width + (part.x - core.x);
        const d = b * dn + (y - blk.window.y) * blk.window.width + (part.x - blk.window.x);
        blk.data.set(g.data.subarray(s, s + part.width) as never, d);
        if (g.mask && blk.mask) blk.mask.set(g.mask.subarray(s, s + part.width), d);
      }
    }
  }
}
