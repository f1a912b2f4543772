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
 * Tiles come in parts: vertical stripes `stripeWidth` pixels wide, cut into bands `partHeight`
 * tall (default: the whole height), row-major inside each part, so whatever a stage holds open
 * (stitch seams, output blocks) is about one stripe wide and never grows with the width of the
 * scene. With `stripeGuests` every part is finished on its own: a resumable run or a shard
 * (see parts.ts) redoes or writes whole parts, and any set of parts stitches to the same pixels.
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
   * With `stripeGuests`: the window this visit's prediction may be stitched into (its part).
   * Absent: anywhere.
   */
  readonly clip?: Window;
  /** True for a neighbouring part's edge tile visited again to finish a seam (see `stripeGuests`). */
  readonly guest?: boolean;
  /** The part this visit is for (see {@link PlanPart}); plans always set it. */
  readonly part?: number;
}

/** A part of the raster: a rectangle of whole tiles that is tiled, stitched and written on its own. */
export interface PlanPart {
  /** Stripe-major index (`stripe * bandsDown + band`), the order parts come in. */
  readonly id: number;
  readonly window: Window;
  /** Tiles whose cores lie in it (guests not counted). */
  readonly tiles: number;
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
  /** Width in pixels of the vertical stripes tiles are visited in (default 4096; a whole number of tiles). */
  stripeWidth?: number;
  /** Height in pixels of the parts stripes are cut into (default: the whole height). */
  partHeight?: number;
  /**
   * Visit each part's neighbouring tiles again ("guests": the tile columns and rows whose halo
   * reaches into it) and give every tile its part as `clip`, so blended seams between parts
   * finish inside one part and nothing is held from one part to the next: memory stays flat
   * however tall the scene, for about 2N / stripeWidth (+ 2N / partHeight) more predictions.
   * Only for stitching; no stripes on a periodic axis; nothing to do without overlap (default false).
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
  /** Tiles in the plan (in its parts, for a plan of some parts; guests not counted). */
  readonly count: number;
  /** The parts this plan visits, in order. */
  readonly parts: readonly PlanPart[];
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

/**
 * Refuse a tile whose read window would not fit the memory budget: (N + 2M)^2 cells, each at least
 * a float32 once read and normalized. Needs no raster, so callers can check before loading anything.
 */
export function checkTileBudget(tileSize: number, overlap: number): void {
  const read = tileSize + 2 * overlap;
  checkBudget(read * read * 4, `a tile of ${tileSize} px with a ${overlap} px halo (${read}x${read} cells per band)`);
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
  checkTileBudget(N, overlap);
  if (periodicX && overlap > o.width)
    throw new TilecastError("E_ARGUMENT", `overlap ${overlap} is wider than the periodic raster (${o.width})`);
  const across = periodicX ? tilesAlong(o.width, N) : tilesAlong(o.width, N, edge);
  const down = tilesAlong(o.height, N, edge);
  if (across === 0 || down === 0)
    throw new TilecastError("E_ARGUMENT", `edge policy 'drop' leaves no tile of ${N} px in ${o.width}x${o.height}`);
  const overlaps = overlap > 0 && (o.stripeGuests ?? false);
  // Periodic: no stripes (the seam at the antimeridian would need guests from the other side).
  const stripe = periodicX ? across : Math.max(1, Math.floor((o.stripeWidth ?? 4096) / N));
  const band = Math.max(1, Math.floor((o.partHeight ?? Number.POSITIVE_INFINITY) / N));
  // A part's tiles along an axis: its own, and with guests every tile whose read window reaches
  // into it (a neighbour's halo; with `shift`, the snapped last tile may reach further back).
  const span = (i0: number, i1: number, n: number, L: number, periodic: boolean): [number, number] => {
    if (!overlaps || periodic) return [i0, i1];
    const a = axis(i0, L, N, overlap, edge, false).start;
    const b = i1 === n ? L : i1 * N;
    let lo = i0;
    while (lo > 0 && axis(lo - 1, L, N, overlap, edge, false).readEnd > a) lo--;
    let hi = i1;
    while (hi < n && axis(hi, L, N, overlap, edge, false).readStart < b) hi++;
    if (edge === "shift" && hi < n && axis(n - 1, L, N, overlap, edge, false).readStart < b) hi = n;
    return [lo, hi];
  };
  const parts: (PlanPart & { c0: number; c1: number; r0: number; r1: number })[] = [];
  for (let c0 = 0; c0 < across; c0 += stripe)
    for (let r0 = 0; r0 < down; r0 += band) {
      const c1 = Math.min(c0 + stripe, across);
      const r1 = Math.min(r0 + band, down);
      const x1 = c1 === across ? o.width : c1 * N;
      const y1 = r1 === down ? o.height : r1 * N;
      const window = { x: c0 * N, y: r0 * N, width: x1 - c0 * N, height: y1 - r0 * N };
      parts.push({ id: parts.length, window, tiles: (c1 - c0) * (r1 - r0), c0, c1, r0, r1 });
    }
  const multi = parts.length > 1;
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
    parts: parts.map(({ id, window, tiles }) => ({ id, window, tiles })),
    *tiles() {
      for (const part of parts) {
        const [rowLo, rowHi] = span(part.r0, part.r1, down, o.height, false);
        const [colLo, colHi] = span(part.c0, part.c1, across, o.width, periodicX);
        for (let row = rowLo; row < rowHi; row++) {
          const ay = axis(row, o.height, N, overlap, edge, false);
          for (let col = colLo; col < colHi; col++) {
            const ax = axis(col, o.width, N, overlap, edge, periodicX);
            const guest = col < part.c0 || col >= part.c1 || row < part.r0 || row >= part.r1;
            yield {
              id: row * across + col,
              col,
              row,
              core: { x: ax.start, y: ay.start, width: ax.end - ax.start, height: ay.end - ay.start },
              read: { x: ax.readStart, y: ay.readStart, width: N + 2 * overlap, height: N + 2 * overlap },
              ...(overlaps && multi ? { clip: part.window, ...(guest ? { guest: true } : {}) } : {}),
              part: part.id,
            };
          }
        }
      }
    },
  };
}
