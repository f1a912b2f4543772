/**
 * Order statistics without sorting: the `k`-th smallest of a range of an array, found in place
 * by quickselect (median-of-three pivots, Hoare partitioning) in linear time on average. A range
 * that keeps partitioning badly (more rounds than twice its size's bit length) is sorted
 * instead, so the worst case stays O(n log n). The quicklook's stretch takes its 2nd and 98th
 * percentiles this way: sorting a 512 x 512 sample took about 30 ms a band.
 */

/** The `k`-th smallest (0-based) of `a[lo..hi]` (inclusive), reordering that range in place. NaN-free input. */
export function selectInPlace(a: Float64Array, k: number, lo = 0, hi = a.length - 1): number {
  if (!(k >= lo && k <= hi)) throw new RangeError(`k=${k} outside [${lo}, ${hi}]`);
  let rounds = 2 * Math.ceil(Math.log2(hi - lo + 2));
  while (hi > lo) {
    if (rounds-- === 0) {
      a.subarray(lo, hi + 1).sort();
      return a[k] as number;
    }
    // Median of three as the pivot value.
    const mid = lo + ((hi - lo) >> 1);
    const x = a[lo] as number;
    const y = a[mid] as number;
    const z = a[hi] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    // Hoare partition: afterwards a[lo..j] <= pivot <= a[j+1..hi].
    let i = lo - 1;
    let j = hi + 1;
    for (;;) {
      do i++;
      while ((a[i] as number) < pivot);
      do j--;
      while ((a[j] as number) > pivot);
      if (i >= j) break;
      const t = a[i] as number;
      a[i] = a[j] as number;
      a[j] = t;
    }
    if (k <= j) hi = j;
    else lo = j + 1;
  }
  return a[k] as number;
}

/**
 * The values at fractions `lo` and `hi` (0-1, `lo <= hi`) of the sorted values: sorted[floor(p *
 * (n - 1))], as a sort would give; `values` is reordered.
 */
export function quantilePair(values: Float64Array, lo: number, hi: number): [number, number] {
  const n = values.length;
  const kHi = Math.min(n - 1, Math.floor(hi * (n - 1)));
  const kLo = Math.min(kHi, Math.floor(lo * (n - 1)));
  const high = selectInPlace(values, kHi);
  // After the first selection everything before kHi is no larger than it: the lower one is there.
  return [kLo === kHi ? high : selectInPlace(values, kLo, 0, kHi), high];
}
