/**
 * The least and greatest of any number of values. `Math.min(...values)` passes each value as an
 * argument, and past about 120 000 of them (an archive of 5-minute radar frames a year and a
 * bit long) it throws "Maximum call stack size exceeded". These loop instead, with `Math.min`'s
 * answers otherwise (signed zeros aside): NaN if any value is NaN, Infinity (for {@link minOf})
 * of none.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { minOf } from "tilecast";
 * minOf(new Float64Array(1e6).fill(2)); // 2
 * ```
 */

/** The least of `values` (Infinity for none; NaN if any is NaN). */
export function minOf(values: Iterable<number>): number {
  let m = Number.POSITIVE_INFINITY;
  for (const v of values) {
    if (v !== v) return Number.NaN;
    if (v < m) m = v;
  }
  return m;
}

/** The greatest of `values` (-Infinity for none; NaN if any is NaN). */
export function maxOf(values: Iterable<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v !== v) return Number.NaN;
    if (v > m) m = v;
  }
  return m;
}
