/**
 * `readTiles(source, plan)`: the tiles of a plan, loaded. Descriptors are cheap and pulled
 * lazily; pixels are read inside a concurrency budget, so at most `concurrency` tiles are alive
 * (read, or read and not yet released by the stage that ends them), however fast the source:
 * memory is bounded by `concurrency x tile size`, never by the raster. `loadTiles(source)` is
 * the same as an operator over descriptors you supply.
 *
 * Pixels outside the raster follow the plan (`padding`: nodata or reflect; a periodic x axis
 * wraps). With `skipEmpty`, a tile whose core is entirely nodata still flows (so stitching
 * knows it is done) but is marked `empty` and no model runs on it.
 *
 * When `batch(n)` follows, give `concurrency >= 2n` so a batch can fill while another runs.
 *
 * @example
 * ```ts
 * import { openGeoTiff, planTiles, readTiles } from "tilecast";
 * const src = await openGeoTiff("fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif");
 * const plan = planTiles({ width: src.meta.width, height: src.meta.height, tileSize: 32, overlap: 4 });
 * readTiles(src, plan, { concurrency: 4 }).subscribe((t) => {
 *   console.log(t.spec.id, t.grid.shape); // 0 [3, 40, 40] ...
 *   t.release();
 * });
 * ```
 */
import { defer, from, mergeMap, Observable, type OperatorFunction } from "rxjs";
import type { TilecastError } from "../errors.js";
import type { Grid } from "../grid/grid.js";
import { isNodata } from "../grid/grid.js";
import type { GridSource } from "../io/types.js";
import type { TilePlan, TileSpec } from "../tiling/plan.js";
import { Semaphore } from "../util/semaphore.js";
import { type OutsideRules, readWithRules } from "./read-window.js";
import { stallError, watchStalls } from "./stall.js";
import type { Tile } from "./tile.js";

/** Options for {@link readTiles} and {@link loadTiles}. */
export interface ReadTilesOptions {
  /** Tiles alive at once (default 4). */
  concurrency?: number;
  /** 0-based bands to read (default all). */
  bands?: readonly number[];
  /** Mark tiles whose core is all nodata as `empty` (default false). */
  skipEmpty?: boolean;
  /** A label raster on the same grid, read over the same windows (training, previews). */
  labels?: GridSource;
  /** Outside-pixel rules (default: nodata, not periodic). `readTiles` takes them from the plan. */
  rules?: OutsideRules;
  /**
   * Release each tile's slot as soon as it is handed out, for collecting tiles (`toArray()`):
   * memory is then bounded by the consumer, not the reader. Default false.
   */
  autoRelease?: boolean;
  /**
   * Fail with `E_STALL` when a read has waited this long for a slot with no tile released.
   * Without it a stall is still caught when nothing else is left to run (the process would exit).
   */
  stallTimeoutMs?: number;
}

/** True when no cell of the core (inside `window`) is valid, in any band. */
export function coreIsEmpty(g: Grid, window: TileSpec["read"], core: TileSpec["core"]): boolean {
  const [bands, h, w] = g.shape as [number, number, number];
  const ox = core.x - window.x;
  const oy = core.y - window.y;
  for (let b = 0; b < bands; b++)
    for (let y = oy; y < oy + core.height; y++)
      for (let x = ox; x < ox + core.width; x++) {
        const i = b * h * w + y * w + x;
        if (!isNodata(g.data[i] as number, g.nodata) && (!g.mask || g.mask[i])) return false;
      }
  return true;
}

/**
 * Operator form: tile descriptors in, loaded tiles out.
 *
 * @example
 * ```ts
 * import { from, lastValueFrom, toArray } from "rxjs";
 * import { openGeoTiff, planTiles } from "tilecast";
 * import { loadTiles } from "tilecast/stages";
 * const src = await openGeoTiff("fixtures/demo/scene.s2like.u16.4b.tif");
 * const plan = planTiles({ width: 512, height: 512, tileSize: 256 });
 * const tiles = await lastValueFrom(from(plan.tiles()).pipe(loadTiles(src, { autoRelease: true }), toArray()));
 * console.log(tiles.length); // 4
 * ```
 */
export function loadTiles(source: GridSource, options: ReadTilesOptions = {}): OperatorFunction<TileSpec, Tile> {
  const concurrency = options.concurrency ?? 4;
  const rules = options.rules ?? { padding: "nodata", periodicX: false };
  return (specs) =>
    new Observable<Tile>((out) => {
      const slots = new Semaphore(concurrency); // per subscription
      const controller = new AbortController();
      const held = new Set<() => void>();
      let waiting = 0;
      let lastRelease = Date.now();
      const stall = (e: TilecastError) => {
        controller.abort();
        out.error(e);
      };
      const watch = { waiting: () => waiting, held: () => held, fail: stall };
      const unwatch = watchStalls(watch);
      const timer =
        options.stallTimeoutMs !== undefined
          ? setInterval(
              () => {
                if (waiting > 0 && Date.now() - lastRelease > (options.stallTimeoutMs as number))
                  stall(stallError(watch));
              },
              Math.min(1000, options.stallTimeoutMs),
            )
          : null;
      const sub = specs
        .pipe(
          mergeMap(
            (spec) =>
              defer(async (): Promise<Tile> => {
                waiting++;
                await slots.acquire();
                waiting--;
                let released = false;
                const release = () => {
                  if (!released) {
                    released = true;
                    held.delete(release);
                    lastRelease = Date.now();
                    slots.release();
                  }
                };
                held.add(release);
                try {
                  const signal = controller.signal;
                  const grid = await readWithRules(source, spec.read, rules, {
                    signal,
                    ...(options.bands ? { bands: options.bands } : {}),
                  });
                  const label = options.labels
                    ? await readWithRules(options.labels, spec.read, rules, { signal })
                    : undefined;
                  const empty = options.skipEmpty ? coreIsEmpty(grid, spec.read, spec.core) : false;
                  if (options.autoRelease) release();
                  return { spec, grid, window: spec.read, release, empty, ...(label ? { label } : {}) };
                } catch (e) {
                  release();
                  throw e;
                }
              }),
            // Reads queue on the semaphore; keep the pending set small so descriptors are pulled lazily.
            concurrency * 2,
          ),
        )
        .subscribe(out);
      return () => {
        unwatch();
        if (timer) clearInterval(timer);
        sub.unsubscribe();
      };
    });
}

/**
 * The tiles of a plan, loaded; see the module documentation.
 *
 * @example
 * ```ts
 * import { lastValueFrom, toArray } from "rxjs";
 * import { openGeoTiff, planTiles, readTiles } from "tilecast";
 * const src = await openGeoTiff("fixtures/demo/scene.s2like.u16.4b.tif");
 * const tiles = await lastValueFrom(readTiles(src, planTiles({ width: 512, height: 512, tileSize: 128 }), { autoRelease: true }).pipe(toArray()));
 * console.log(tiles.length); // 16
 * ```
 */
export function readTiles(source: GridSource, plan: TilePlan, options: ReadTilesOptions = {}): Observable<Tile> {
  const rules = options.rules ?? { padding: plan.padding, periodicX: plan.periodicX };
  return defer(() => from(plan.tiles())).pipe(loadTiles(source, { ...options, rules }));
}
