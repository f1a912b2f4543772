/**
 * GDAL's overview resampling rules (GDAL 3.6, `gdaladdo` with power-of-two factors), as the
 * pure arithmetic {@link OverviewPyramid} applies: each cell's source footprint on the level
 * below, the weight of a source cell under it, GDAL's mode tie rule, and which cells are missing.
 */
import { DTYPE_INFO } from "../../grid/dtype.js";
import type { Grid } from "../../grid/grid.js";
import type { OverviewResampling } from "./overview.js";

/** Along one axis of a level: each cell's source range on the level below, `[lo, hi)`. */
export interface Axis {
  ratio: number;
  lo: Int32Array;
  hi: Int32Array;
}

export function axis(src: number, dst: number, method: OverviewResampling): Axis {
  const ratio = src / dst;
  const lo = new Int32Array(dst);
  const hi = new Int32Array(dst);
  for (let i = 0; i < dst; i++) {
    if (method === "nearest") {
      lo[i] = Math.min(src - 1, Math.floor(i * ratio + 0.5));
      hi[i] = (lo[i] as number) + 1;
    } else {
      lo[i] = Math.floor(i * ratio);
      hi[i] = Math.max((lo[i] as number) + 1, Math.min(src, Math.ceil((i + 1) * ratio)));
    }
  }
  return { ratio, lo, hi };
}

/** How much of source cell `s` lies under destination cell `i`'s footprint `[i·r, (i+1)·r)`. */
export function overlap(i: number, r: number, s: number): number {
  return Math.min((i + 1) * r, s + 1) - Math.max(i * r, s);
}

/** The parent tiles (along one axis) whose cells draw on source cells `[a, b)`. */
export function parentRange(ax: Axis, a: number, b: number, tile: number): number[] {
  const n = ax.lo.length;
  let first = Math.max(0, Math.floor(a / ax.ratio) - 2);
  while (first < n - 1 && (ax.hi[first] as number) <= a) first++;
  let last = Math.min(n - 1, Math.ceil(b / ax.ratio) + 2);
  while (last > 0 && (ax.lo[last] as number) >= b) last--;
  if ((ax.hi[first] as number) <= a || (ax.lo[last] as number) >= b || last < first) return [];
  const out: number[] = [];
  for (let t = Math.floor(first / tile); t <= Math.floor(last / tile); t++) out.push(t);
  return out;
}

/** Whether cell i of a grid holds data: its mask, its nodata value, and NaN. */
export function validity(g: Grid): (i: number) => boolean {
  const { data, mask, nodata } = g;
  const float = DTYPE_INFO[g.dtype].sampleFormat === 3;
  if (!mask && nodata === null && !float) return () => true;
  const nanNodata = nodata !== null && Number.isNaN(nodata);
  return (i) => {
    if (mask && mask[i] === 0) return false;
    const v = data[i] as number;
    if (float && Number.isNaN(v)) return false;
    return nodata === null || nanNodata || v !== nodata;
  };
}

/** GDAL's mode: the value whose count first reaches the top count, scanning in order. */
export function firstMode(v: Float64Array, n: number): number {
  let best = v[0] as number;
  let top = 0;
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let j = 0; j <= i; j++) if (v[j] === v[i]) c++;
    if (c > top) {
      top = c;
      best = v[i] as number;
    }
  }
  return best;
}
