/**
 * Tile plans: a raster of `W x H` pixels cut into cores of `N x N` pixels in row-major order,
 * each read with a halo of `M` pixels on every side (neighbouring context for a model, cropped
 * again before writing).
 *
 * Formulas (per axis, `L` the raster length):
 *   tiles    = ceil(L / N)
 *   core_i   = [i*N, min((i+1)*N, L))              (the last core may be shorter)
 *   read_i   = [i*N - M, min((i+1)*N, L) + M)      (may extend past the raster: padded on read)
 * The cores partition the raster: every pixel lies in exactly one core.
 *
 * @example
 * ```ts
 * import { planTiles } from "tilecast";
 * const plan = planTiles({ width: 1000, height: 600, tileSize: 512, overlap: 32 });
 * plan.count; // 4  (2 x 2)
 * [...plan.tiles()][3].core; // { x: 512, y: 512, width: 488, height: 88 }
 * ```
 */
import { TilecastError } from "../errors.js";
import { pad, type Window } from "../grid/window.js";

/** One tile: where its core lies and what window to read for it. */
export interface TileSpec {
  /** Row-major index. */
  readonly id: number;
  readonly col: number;
  readonly row: number;
  /** The pixels this tile is responsible for. */
  readonly core: Window;
  /** The core plus the halo; may extend past the raster. */
  readonly read: Window;
}

/** Options for {@link planTiles}. */
export interface TilePlanOptions {
  width: number;
  height: number;
  /** Core size N in pixels. */
  tileSize: number;
  /** Halo M in pixels on each side (default 0). */
  overlap?: number;
}

/** A tile plan: its counts and a lazy row-major iterator of tile descriptors. */
export interface TilePlan {
  readonly width: number;
  readonly height: number;
  readonly tileSize: number;
  readonly overlap: number;
  readonly tilesAcross: number;
  readonly tilesDown: number;
  readonly count: number;
  tiles(): IterableIterator<TileSpec>;
}

/** Number of tiles along an axis of `length` pixels: `ceil(length / size)`. */
export function tilesAlong(length: number, size: number): number {
  return Math.ceil(length / size);
}

/** Build a tile plan. Throws E_ARGUMENT for non-positive sizes or a negative overlap. */
export function planTiles(o: TilePlanOptions): TilePlan {
  const overlap = o.overlap ?? 0;
  if (!(Number.isInteger(o.tileSize) && o.tileSize > 0))
    throw new TilecastError("E_ARGUMENT", `tile size must be a positive integer, got ${o.tileSize}`);
  if (!(Number.isInteger(overlap) && overlap >= 0))
    throw new TilecastError("E_ARGUMENT", `overlap must be a non-negative integer, got ${overlap}`);
  if (!(o.width > 0 && o.height > 0))
    throw new TilecastError("E_ARGUMENT", `raster size must be positive, got ${o.width}x${o.height}`);
  const across = tilesAlong(o.width, o.tileSize);
  const down = tilesAlong(o.height, o.tileSize);
  const N = o.tileSize;
  return {
    width: o.width,
    height: o.height,
    tileSize: N,
    overlap,
    tilesAcross: across,
    tilesDown: down,
    count: across * down,
    *tiles() {
      for (let row = 0; row < down; row++) {
        for (let col = 0; col < across; col++) {
          const x = col * N;
          const y = row * N;
          const core = { x, y, width: Math.min(N, o.width - x), height: Math.min(N, o.height - y) };
          yield { id: row * across + col, col, row, core, read: pad(core, overlap) };
        }
      }
    },
  };
}
