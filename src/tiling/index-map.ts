/**
 * Where each pixel of a read window comes from along one axis, when the window extends past a
 * raster of length `L`: `-1` (outside: nodata), the mirrored index (`reflect`, as numpy's
 * `reflect` mode: `-1 -> 1`, `L -> L - 2`), or the index modulo `L` (a periodic axis).
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { axisIndexMap } from "tilecast";
 * Array.from(axisIndexMap(-2, 7, 5, "reflect")); // [2, 1, 0, 1, 2, 3, 4]
 * Array.from(axisIndexMap(-2, 7, 5, "wrap"));    // [3, 4, 0, 1, 2, 3, 4]
 * ```
 */
import { checkBudget } from "../util/budget.js";

/** How indices outside `[0, L)` map back in. */
export type OutsideMode = "nodata" | "reflect" | "wrap";

/** Mirror `i` into `[0, L)` without repeating the edge pixel (period `2(L - 1)`). */
export function reflectIndex(i: number, L: number): number {
  if (L === 1) return 0;
  const p = 2 * (L - 1);
  const m = ((i % p) + p) % p;
  return m < L ? m : p - m;
}

/** Source index for each of the `n` positions starting at `start` (see the module documentation). */
export function axisIndexMap(start: number, n: number, L: number, mode: OutsideMode): Int32Array {
  checkBudget(n * 4, `an index map of ${n} positions`);
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = start + k;
    if (i >= 0 && i < L) out[k] = i;
    else if (mode === "wrap") out[k] = ((i % L) + L) % L;
    else if (mode === "reflect") out[k] = reflectIndex(i, L);
    else out[k] = -1;
  }
  return out;
}

/** Contiguous runs `[start, end)` of the distinct in-raster indices of a map, ascending. */
export function indexRuns(map: Int32Array): [number, number][] {
  const used = [...new Set(map)].filter((i) => i >= 0).sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const i of used) {
    const last = runs[runs.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else runs.push([i, i + 1]);
  }
  return runs;
}
