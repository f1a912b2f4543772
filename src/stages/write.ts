/**
 * `write(sink)`: output regions in, progress out. Regions (from `stitch`, or tile cores from
 * `writeTiles`) are assembled into the sink's blocks ({@link BlockAssembler}) and each block is
 * written as soon as it is complete. The sink is committed when the stream completes and
 * aborted (the partial output deleted) on error or unsubscribe, so a failed run leaves nothing
 * behind. `sink` may be a function creating it from the first region, for outputs whose band
 * count is only known once a model has run.
 *
 * @example
 * ```ts
 * // readTiles(src, plan).pipe(batch(8), predict(model), stitch(plan), write(sink))
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
import type { Region } from "../tiling/stitcher.js";

/** A region to write; `release()`, when present, is called once its pixels are copied. */
export interface WritableRegion extends Region {
  release?(): void;
}

/** Progress emitted once per region written. */
export interface WriteProgress {
  /** Regions (or tiles) copied so far. */
  done: number;
  blocksWritten: number;
  /** Blocks currently held in memory awaiting more regions. */
  openBlocks: number;
}

/** Options for {@link write}. */
export interface WriteOptions {
  /** Regions being written at once (default 4). */
  concurrency?: number;
}

/** A sink, or a function that creates one when the first region arrives. */
export type SinkOrFactory = GridSink | ((first: Region) => Promise<GridSink>);

/**
 * `write(sink)`: output regions in, progress out.
 * Details and a complete example: the module documentation above.
 */
export function write(
  target: SinkOrFactory,
  options: WriteOptions = {},
): OperatorFunction<WritableRegion, WriteProgress> {
  return (regions) =>
    defer(() => {
      let sink: GridSink | null = typeof target === "function" ? null : target;
      let creating: Promise<GridSink> | null = null;
      let assembler: BlockAssembler | null = null;
      let done = 0;
      let blocksWritten = 0;
      let settled = false;
      const sinkFor = async (r: Region): Promise<GridSink> => {
        if (sink) return sink;
        creating ??= (target as (first: Region) => Promise<GridSink>)(r);
        sink = await creating;
        return sink;
      };
      const body: Observable<WriteProgress> = regions.pipe(
        mergeMap(async (r) => {
          try {
            const s = await sinkFor(r);
            const [bands] = r.grid.shape as [number];
            assembler ??= new BlockAssembler(s.blockGrid, bands, r.grid.dtype, r.grid.nodata);
            const finished = assembler.add(r.window, r.grid);
            await Promise.all(finished.map((b) => s.writeBlock(b.col, b.row, b.grid)));
            blocksWritten += finished.length;
            done++;
            return { done, blocksWritten, openBlocks: assembler.openBlocks };
          } finally {
            r.release?.();
          }
        }, options.concurrency ?? 4),
      );
      const commit = defer(async () => {
        if (assembler && assembler.openBlocks > 0) {
          throw new TilecastError("E_WRITE", `${assembler.openBlocks} output blocks never received all their pixels`);
        }
        if (!sink) throw new TilecastError("E_WRITE", "nothing to write: the stream had no regions");
        await sink.commit();
        settled = true;
      }).pipe(ignoreElements());
      const abort = async () => {
        const s = sink ?? (creating ? await creating.catch(() => null) : null);
        await s?.abort();
      };
      return concat(body, commit).pipe(
        // On error, delete the partial output before the error reaches the subscriber.
        catchError((e: unknown) =>
          defer(async () => {
            settled = true;
            await abort();
            throw e;
          }),
        ),
        // On unsubscribe (cancellation), abort in the background.
        finalize(() => {
          if (!settled) void abort();
        }),
      );
    });
}
