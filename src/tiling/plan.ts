/**
 * Tile plans: a raster of `W x H` pixels cut into cores of `N x N` pixels, each read with a
 * halo of `M` pixels on every side (context for a model, cropped or blended away again before
 * writing). Every read window has the same size, `N + 2M`, so tiles batch into one tensor.
 * The stride between tiles is the core size `N`; the overlap between neighbouring read
 * windows is `2M`.
 *
 * Formulas (per axis, `L` the raster length):
 *   tiles    = ceil(L / N)                          (`pad`, `shift`, and any periodic axis)
 *            = floor(L / N)                         (`drop`)
 *   core_i   = [i*N, min((i+1)*N, L))               (the last core may be shorter)
 *   read_i   = [i*N - M, i*N + N + M)               (`pad`: may extend past the raster)
 *   read_last = [L - N - M, L + M)                  (`shift`: the last window snapped inside)
 *   halo crop of tile i: read_i minus core_i, so the cores partition the raster (with `drop`,
 *   the `L mod N` pixels at the end are left out).
 * Pixels of a read window outside the raster are nodata or reflected (`padding`); on a
 * periodic x axis (a grid covering 360 degrees of longitude) they wrap around: the halo at the
 * antimeridian takes its pixels from the other side of the map.
 *
 * Tiles come in vertical stripes `stripeWidth` pixels wide, row-major inside each stripe, so
 * whatever a stage holds open (stitch seams, output blocks) is about one stripe wide and never
 * grows with the width of the scene.
 *
 * @example
 * ```ts
 * import { planTiles } from "tilecast";
 * const plan = planTiles({ width: 1000, height: 600, tileSize: 512, overlap: 32 });
 * plan.count; // 4  (2 x 2)
 * const last = [...plan.tiles()][3];
 * last.core; // { x: 512, y: 512, width: 488, height: 88 }
 * last.read; // { x: 480, y: 480, width: 576, height: 576 }
 * ```
 */

import { z } from "zod";
import { TilecastError } from "../errors.js";
import type { Window } from "../grid/window.js";
import { checkBudget } from "../util/budget.js";

/** One tile: where its core lies and what window to read for it. */
export interface TileSpec {
  /** Row-major index (`row * tilesAcross + col`), whatever order tiles come in. */
  readonly id: number;
  readonly col: number;
  readonly row: number;
  /** The pixels this tile is responsible for; the cores partition the raster. */
  readonly core: Window;
  /** The window to read: `tileSize + 2 * overlap` square; may extend past the raster. */
  readonly read: Window;
  /**
   * With `stripeGuests`: the columns `[start, end)` this tile's prediction may be stitched
   * into (its stripe's share of the raster). Absent: anywhere.
   */
  readonly clipX?: { readonly start: number; readonly end: number };
  /** True for a neighbouring stripe's edge tile visited again to finish a seam (see `stripeGuests`). */
  readonly guest?: boolean;
}

/** What happens at the right and bottom edges when `N` does not divide the raster. */
export const edgePolicy = z.enum(["pad", "shift", "drop"]);
/** What happens at the right and bottom edges when `N` does not divide the raster. */
export type EdgePolicy = z.infer<typeof edgePolicy>;
/** How pixels of a read window outside the raster are filled. */
export const padding = z.enum(["nodata", "reflect"]);
/** How pixels of a read window outside the raster are filled. */
export type Padding = z.infer<typeof padding>;

/** Options for {@link planTiles}. */
export interface TilePlanOptions {
  width: number;
  height: number;
  /** Core size N in pixels (the stride). */
  tileSize: number;
  /** Halo M in pixels on each side (default 0). */
  overlap?: number;
  /** Edge policy (default `pad`). */
  edge?: EdgePolicy;
  /** Fill for pixels outside the raster (default `nodata`). */
  padding?: Padding;
  /** Wrap x around (a global longitude axis; default false). */
  periodicX?: boolean;
  /** Width in pixels of the vertical stripes tiles are visited in (default 4096). */
  stripeWidth?: number;
  /**
   * Visit each stripe's neighbouring tile columns again ("guests", at most two per stripe
   * boundary) and give every tile the stripe's share of the raster as `clipX`, so blended seams
   * between stripes finish inside one stripe and nothing is held from one stripe to the next:
   * memory stays flat however tall the scene, for up to 2 / (stripeWidth / N) more predictions.
   * Only for stitching; ignored on a periodic axis and without overlap (default false).
   */
  stripeGuests?: boolean;
}

/** A tile plan: its counts and a lazy iterator of tile descriptors. */
export interface TilePlan {
  readonly width: number;
  readonly height: number;
  readonly tileSize: number;
  readonly overlap: number;
  readonly edge: EdgePolicy;
  readonly padding: Padding;
  readonly periodicX: boolean;
  readonly tilesAcross: number;
  readonly tilesDown: number;
  readonly count: number;
  tiles(): IterableIterator<TileSpec>;
}

/** Number of tiles along an axis of `length` pixels: `ceil(length / size)` (`floor` for `drop`). */
export function tilesAlong(length: number, size: number, edge: EdgePolicy = "pad"): number {
  return edge === "drop" ? Math.floor(length / size) : Math.ceil(length / size);
}

/** Core and read interval `[start, end)` of tile `i` along one axis. */
function axis(i: number, L: number, N: number, M: number, edge: EdgePolicy, periodic: boolean) {
  const start = i * N;
  const end = Math.min(start + N, L);
  let readStart = start - M;
  if (edge === "shift" && !periodic && start + N > L) readStart = Math.max(L - N, 0) - M;
  return { start, end, readStart, readEnd: readStart + N + 2 * M };
}

/** Build a tile plan. Throws E_ARGUMENT for non-positive sizes or a negative overlap. */
export function planTiles(o: TilePlanOptions): TilePlan {
  const overlap = o.overlap ?? 0;
  const edge = o.edge ?? "pad";
  const periodicX = o.periodicX ?? false;
  const N = o.tileSize;
  if (!(Number.isInteger(N) && N > 0))
    throw new TilecastError("E_ARGUMENT", `tile size must be a positive integer, got ${N}`);
  if (!(Number.isInteger(overlap) && overlap >= 0))
    throw new TilecastError("E_ARGUMENT", `overlap must be a non-negative integer, got ${overlap}`);
  if (!(o.width > 0 && o.height > 0))
    throw new TilecastError("E_ARGUMENT", `raster size must be positive, got ${o.width}x${o.height}`);
  if (!["pad", "shift", "drop"].includes(edge))
    throw new TilecastError("E_ARGUMENT", `edge policy must be pad, shift or drop, got '${edge}'`);
  // A read window is (N + 2M)^2 cells, each at least a float32 once read and normalized.
  const read = N + 2 * overlap;
  checkBudget(read * read * 4, `a tile of ${N} px with a ${overlap} px halo (${read}x${read} cells per band)`);
  if (periodicX && overlap > o.width)
    throw new TilecastError("E_ARGUMENT", `overlap ${overlap} is wider than the periodic raster (${o.width})`);
  const across = periodicX ? tilesAlong(o.width, N) : tilesAlong(o.width, N, edge);
  const down = tilesAlong(o.height, N, edge);
  if (across === 0 || down === 0)
    throw new TilecastError("E_ARGUMENT", `edge policy 'drop' leaves no tile of ${N} px in ${o.width}x${o.height}`);
  const stripe = Math.max(1, Math.floor((o.stripeWidth ?? 4096) / N));
  const guests = (o.stripeGuests ?? false) && !periodicX && overlap > 0 && across > stripe;
  return {
    width: o.width,
    height: o.height,
    tileSize: N,
    overlap,
    edge,
    padding: o.padding ?? "nodata",
    periodicX,
    tilesAcross: across,
    tilesDown: down,
    count: across * down,
    *tiles() {
      for (let c0 = 0; c0 < across; c0 += stripe) {
        const c1 = Math.min(c0 + stripe, across);
        const clipX = { start: c0 === 0 ? 0 : c0 * N, end: c1 === across ? o.width : c1 * N };
        for (let row = 0; row < down; row++) {
          const ay = axis(row, o.height, N, overlap, edge, false);
          const first = guests && c0 > 0 ? c0 - 1 : c0;
          const last = guests && c1 < across ? c1 : c1 - 1;
          for (let col = first; col <= last; col++) {
            const ax = axis(col, o.width, N, overlap, edge, periodicX);
            yield {
              id: row * across + col,
              col,
              row,
              core: { x: ax.start, y: ay.start, width: ax.end - ax.start, height: ay.end - ay.start },
              read: { x: ax.readStart, y: ay.readStart, width: N + 2 * overlap, height: N + 2 * overlap },
              ...(guests ? { clipX, ...(col < c0 || col >= c1 ? { guest: true } : {}) } : {}),
            };
          }
        }
      }
    },
  };
}
