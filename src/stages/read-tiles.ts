/**
 * `readTiles(source)`: tile descriptors in, loaded tiles out. Pixels are read inside a
 * concurrency budget: at most `concurrency` tiles are alive (read, or read and not yet released
 * by the stage that ends them), however fast descriptors arrive, so memory is bounded by
 * `concurrency x tile size`, never by the raster.
 *
 * @example
 * ```ts
 * import { from } from "rxjs";
 * import { openGeoTiff, planTiles, readTiles } from "tilecast";
 * const src = await openGeoTiff("fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif");
 * const plan = planTiles({ width: src.meta.width, height: src.meta.height, tileSize: 32, overlap: 4 });
 * from(plan.tiles()).pipe(readTiles(src, { concurrency: 4 })).subscribe((t) => {
 *   console.log(t.spec.id, t.grid.shape); // 0 [3, 40, 40] ...
 *   t.release();
 * });
 * ```
 */
import { defer, mergeMap, type OperatorFunction } from "rxjs";
import type { GridSource } from "../io/types.js";
import type { TileSpec } from "../tiling/plan.js";
import { Semaphore } from "../util/semaphore.js";
import type { Tile } from "./tile.js";

/** Options for {@link readTiles}. */
export interface ReadTilesOptions {
  /** Tiles alive at once (default 4). */
  concurrency?: number;
  /** 0-based bands to read (default all). */
  bands?: readonly number[];
}

/** See the module documentation. */
export function readTiles(source: GridSource, options: ReadTilesOptions = {}): OperatorFunction<TileSpec, Tile> {
  const concurrency = options.concurrency ?? 4;
  return (specs) =>
    defer(() => {
      const slots = new Semaphore(concurrency); // per subscription
      const controller = new AbortController();
      return specs.pipe(
        mergeMap(
          (spec) =>
            defer(async (): Promise<Tile> => {
              await slots.acquire();
              let released = false;
              const release = () => {
                if (!released) {
                  released = true;
                  slots.release();
                }
              };
              try {
                const readOptions = {
                  signal: controller.signal,
                  ...(options.bands ? { bands: options.bands } : {}),
                };
                const grid = await source.readWindow(spec.read, readOptions);
                return { spec, grid, window: spec.read, release };
              } catch (e) {
                release();
                throw e;
              }
            }),
          // Reads queue on the semaphore; keep the pending set small so descriptors are pulled lazily.
          concurrency * 2,
        ),
      );
    });
}
