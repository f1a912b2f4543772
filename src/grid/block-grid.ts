/**
 * Block grids: how a raster is cut into the blocks a sink writes (GeoTIFF tiles, Zarr chunks).
 * Blocks at the right and bottom edges may be partial: block `(c, r)` covers
 * `x in [c·bw, min((c+1)·bw, W))`, `y in [r·bh, min((r+1)·bh, H))`, and there are
 * `ceil(W / bw) x ceil(H / bh)` of them. Pure arithmetic, no I/O.
 *
 * @example
 * ```ts
 * import { blockWindow, makeBlockGrid } from "tilecast/grid";
 * const g = makeBlockGrid(500, 300, 256, 256);
 * console.log(g.cols, g.rows, blockWindow(g, 1, 1)); // 2 2 { x: 256, y: 256, width: 244, height: 44 }
 * ```
 */
import type { Window } from "./window.js";

/** How a sink's raster is cut into blocks; blocks at the right and bottom edges may be partial. */
export interface BlockGrid {
  readonly width: number;
  readonly height: number;
  readonly blockWidth: number;
  readonly blockHeight: number;
  readonly cols: number;
  readonly rows: number;
}

/**
 * The window of block `(col, row)` clipped to the raster.
 * @example
 * ```ts
 * import { blockWindow, makeBlockGrid } from "tilecast/grid";
 * console.log(blockWindow(makeBlockGrid(100, 100, 64, 64), 1, 0)); // { x: 64, y: 0, width: 36, height: 64 }
 * ```
 */
export function blockWindow(g: BlockGrid, col: number, row: number): Window {
  const x = col * g.blockWidth;
  const y = row * g.blockHeight;
  return {
    x,
    y,
    width: Math.min(g.blockWidth, g.width - x),
    height: Math.min(g.blockHeight, g.height - y),
  };
}

/**
 * A block grid over a `width x height` raster.
 *
 * @example
 * ```ts
 * import { makeBlockGrid } from "tilecast/grid";
 * console.log(makeBlockGrid(500, 300, 256, 256).cols); // 2
 * ```
 */
export function makeBlockGrid(width: number, height: number, blockWidth: number, blockHeight: number): BlockGrid {
  return {
    width,
    height,
    blockWidth,
    blockHeight,
    cols: Math.ceil(width / blockWidth),
    rows: Math.ceil(height / blockHeight),
  };
}
