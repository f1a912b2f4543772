/**
 * `writeTiles(sink)`: tile cores in, progress out: {@link write} for tiles whose halo has been
 * cropped (`cropHalo()`), each released once its pixels are copied. Commits the sink when the
 * stream completes and aborts it (deleting the partial output) on error or unsubscribe.
 *
 * @example
 * ```ts
 * import { lastValueFrom } from "rxjs";
 * import { createGeoTiffSink, cropHalo, openGeoTiff, planTiles, readTiles, writeTiles } from "tilecast";
 * const src = await openGeoTiff("fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif");
 * const sink = await createGeoTiffSink("/tmp/copy.tif", src.meta, { tileSize: 32 });
 * const plan = planTiles({ width: src.meta.width, height: src.meta.height, tileSize: 48, overlap: 8 });
 * await lastValueFrom(readTiles(src, plan).pipe(cropHalo(), writeTiles(sink)));
 * ```
 */
import { filter, map, type OperatorFunction, pipe } from "rxjs";
import { TilecastError } from "../errors.js";
import type { GridSink } from "../io/types.js";
import type { Tile } from "./tile.js";
import { type WriteOptions, write } from "./write.js";

/** Progress emitted once per tile written. */
export interface TileWriteProgress {
  tilesDone: number;
  blocksWritten: number;
  openBlocks: number;
}

/**
 * `writeTiles(sink)`: tile cores in, progress out: {@link write} for tiles whose halo has been cropped (`cropHalo()`), each released once its pixels are copied.
 * Details and a complete example: the module documentation above.
 */
export function writeTiles(sink: GridSink, options: WriteOptions = {}): OperatorFunction<Tile, TileWriteProgress> {
  return pipe(
    filter((t: Tile) => {
      if (t.spec.guest) t.release(); // a second visit for stitching: its core is written once
      return !t.spec.guest;
    }),
    map((t: Tile) => {
      if (t.window !== t.spec.core) {
        t.release();
        throw new TilecastError("E_ARGUMENT", "writeTiles got a tile with its halo; pipe through cropHalo() first");
      }
      return { window: t.spec.core, grid: t.grid, release: () => t.release() };
    }),
    write(sink, options),
    map((p) => ({ tilesDone: p.done, blocksWritten: p.blocksWritten, openBlocks: p.openBlocks })),
  );
}
