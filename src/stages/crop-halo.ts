/**
 * `cropHalo()`: drop each tile's halo, keeping its core. Cores partition the raster, so after
 * this stage every pixel appears in exactly one tile.
 *
 * @example
 * ```ts
 * import { cropHalo, openGeoTiff, planTiles, readTiles } from "tilecast";
 * const src = await openGeoTiff("fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif");
 * const plan = planTiles({ width: 64, height: 64, tileSize: 32, overlap: 8 });
 * readTiles(src, plan).pipe(cropHalo()).subscribe((t) => {
 *   console.log(t.grid.shape); // [3, 32, 32]
 *   t.release();
 * });
 * ```
 */
import { map, type OperatorFunction } from "rxjs";
import { cropGrid } from "../grid/crop.js";
import type { Tile } from "./tile.js";

/**
 * `cropHalo()`: drop each tile's halo, keeping its core.
 * Details and a complete example: the module documentation above.
 */
export function cropHalo(): OperatorFunction<Tile, Tile> {
  return map((t) =>
    t.window === t.spec.core ? t : { ...t, grid: cropGrid(t.grid, t.window, t.spec.core), window: t.spec.core },
  );
}
