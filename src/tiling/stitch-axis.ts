/**
 * One axis of the stitcher's region grid: the pieces of a tile's interval inside the raster
 * (wrapped on a periodic axis), the cut points at every interval edge, and how many tiles
 * cover each segment between cuts.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { buildAxis } from "tilecast";
 * buildAxis(10, false, [[-2, 6], [4, 12]]); // cuts [0, 4, 6, 10], count [1, 2, 1]
 * ```
 */

/** A piece of a tile's contribution inside the raster along one axis. */
export interface Piece {
  /** Raster coordinate of the piece's start. */
  start: number;
  end: number;
  /** Offset of `start` inside the tile's read window. */
  offset: number;
}

/** Cut points and per-segment tile counts along one axis. */
export interface Axis {
  L: number;
  periodic: boolean;
  cuts: number[];
  count: Int32Array;
}

/** The parts of `[s, e)` inside `[0, L)`, wrapped around when periodic. */
export function pieces(s: number, e: number, L: number, periodic: boolean): Piece[] {
  if (!periodic) {
    const a = Math.max(s, 0);
    const b = Math.min(e, L);
    return a < b ? [{ start: a, end: b, offset: a - s }] : [];
  }
  const out: Piece[] = [];
  for (let p = s; p < e; ) {
    const m = ((p % L) + L) % L;
    const len = Math.min(e - p, L - m);
    out.push({ start: m, end: m + len, offset: p - s });
    p += len;
  }
  return out;
}

/** Cut an axis of length `L` at every edge of the tiles' intervals and count the tiles over each segment. */
export function buildAxis(L: number, periodic: boolean, intervals: [number, number][]): Axis {
  const cutSet = new Set([0, L]);
  for (const [s, e] of intervals)
    for (const p of pieces(s, e, L, periodic)) {
      cutSet.add(p.start);
      cutSet.add(p.end);
    }
  const cuts = [...cutSet].sort((a, b) => a - b);
  const count = new Int32Array(cuts.length - 1);
  for (const [s, e] of intervals)
    for (const p of pieces(s, e, L, periodic))
      for (let k = segmentOf(cuts, p.start); k < cuts.length - 1 && (cuts[k] as number) < p.end; k++) count[k]++;
  return { L, periodic, cuts, count };
}

/** Index of the segment `[cuts[k], cuts[k+1])` holding `v`. */
export function segmentOf(cuts: number[], v: number): number {
  let lo = 0;
  let hi = cuts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((cuts[mid] as number) <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
