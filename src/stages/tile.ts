/** The value that flows between tile stages. */
import type { Grid } from "../grid/grid.js";
import type { TileSpec } from "../tiling/plan.js";

/**
 * A loaded tile: its descriptor, its pixels (covering `spec.read`, or `spec.core` once the halo
 * is cropped) and `release()`, which frees its slot in the reading stage's concurrency budget.
 * The stage that ends a tile's life (a writer, a stitcher) calls `release()`; calling it twice
 * is harmless.
 */
export interface Tile {
  readonly spec: TileSpec;
  readonly grid: Grid;
  /** The window `grid` covers. */
  readonly window: TileSpec["read"];
  /** A label raster (segmentation mask) over the same window, when one was read. */
  readonly label?: Grid;
  /**
   * True when every core pixel is nodata: later stages pass the tile through without running a
   * model on it, and the stitcher writes nodata for it.
   */
  readonly empty?: boolean;
  release(): void;
}
