/**
 * `writeTiles(sink)`: tile cores in, progress out; commits the sink when the stream completes
 * and aborts it (deleting the partial output) on error or unsubscribe. Cores are assembled into
 * the sink's blocks ({@link BlockAssembler}) and each block is written as soon as it is complete;
 * a tile is released once its pixels are copied and any blocks it completed are written.
 *
 * @example
 * ```ts
 * import { from, lastValueFrom } from "rxjs";
 * import { createGeoTiffSink, cropHalo, openGeoTiff, planTiles, readTiles, writeTiles } from "tilecast";
 * const src = await openGeoTiff("fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif");
 * const sink = await createGeoTiffSink("/tmp/copy.tif", src.meta, { tileSize: 32 });
 * const plan = planTiles({ width: src.meta.width, height: src.meta.height, tileSize: 48, overlap: 8 });
 * await lastValueFrom(from(plan.tiles()).pipe(readTiles(src), cropHalo(), writeTiles(sink)));
 * ```
 */
import {
  catchError,
  concat,
  defer,
  finalize,
  ignoreElements,
  mergeMap,
  type Observable,
  type OperatorFunction,
} from "rxjs";
import { TilecastError } from "../errors.js";
import type { GridSink } from "../io/types.js";
import { BlockAssembler } from "../tiling/assembler.js";
import type { Tile } from "./tile.js";

/** Progress emitted once per tile written. */
export interface WriteProgress {
  tilesDone: number;
  blocksWritten: number;
  /** Blocks currently held in memory awaiting more tiles. */
  openBlocks: number;
}

/** Options for {@link writeTiles}. */
export interface WriteTilesOptions {
  /** Tiles being written at once (default 4). */
  concurrency?: number;
}

/** See the module documentation. */
export function writeTiles(sink: GridSink, options: WriteTilesOptions = {}): OperatorFunction<Tile, WriteProgress> {
  return (tiles) =>
    defer(() => {
      let assembler: BlockAssembler | null = null;
      let tilesDone = 0;
      let blocksWritten = 0;
      let settled = false;
      const body: Observable<WriteProgress> = tiles.pipe(
        mergeMap(async (t) => {
          try {
            if (t.window !== t.spec.core) {
              throw new TilecastError(
                "E_ARGUMENT",
                "writeTiles got a tile with its halo; pipe through cropHalo() first",
              );
            }
            const [bands] = t.grid.shape as [number];
            assembler ??= new BlockAssembler(sink.blockGrid, bands, t.grid.dtype, t.grid.nodata);
            const finished = assembler.add(t.spec.core, t.grid);
            await Promise.all(finished.map((b) => sink.writeBlock(b.col, b.row, b.grid)));
            blocksWritten += finished.length;
            tilesDone++;
            return { tilesDone, blocksWritten, openBlocks: assembler.openBlocks };
          } finally {
            t.release();
          }
        }, options.concurrency ?? 4),
      );
      const commit = defer(async () => {
        if (assembler && assembler.openBlocks > 0) {
          throw new TilecastError("E_WRITE", `${assembler.openBlocks} output blocks never received all their pixels`);
        }
        await sink.commit();
        settled = true;
      }).pipe(ignoreElements());
      return concat(body, commit).pipe(
        // On error, delete the partial output before the error reaches the subscriber.
        catchError((e: unknown) =>
          defer(async () => {
            settled = true;
            await sink.abort();
            throw e;
          }),
        ),
        // On unsubscribe (cancellation), abort in the background.
        finalize(() => {
          if (!settled) void sink.abort();
        }),
      );
    });
}
