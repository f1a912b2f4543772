/**
 * Which of the two ways of writing longitudes keeps a region's in one piece: a swath over the
 * Pacific stored in -180-180 form jumps from 179.9 to -179.9 where it crosses the antimeridian,
 * one over Europe stored in 0-360 form from 359.9 to 0.1 at the prime meridian. Ground control
 * points taken across such a jump make `gdalwarp` fit one surface to both sides: its output spans
 * the whole globe, the swath smeared across it. Written the other way, the same cells lie at
 * 170 ... 190 or -10 ... 10, and the fit is the swath's own.
 *
 * @example
 * ```ts
 * import { longitudeForm } from "tilecast";
 * const f = longitudeForm([Float64Array.of(175, 179.5, -179.5, -175)]);
 * [175, -175].map(f); // [175, 185]
 * ```
 */

/**
 * The map from stored longitudes to the form (as stored, 0-360 or -180-180) in which the finite
 * values of `samples` span the fewest degrees; the identity when the stored form is already
 * narrowest, or when every form spans more than 180 degrees (a swath over a pole, a global grid:
 * no form keeps it in one piece).
 */
export function longitudeForm(samples: Iterable<ArrayLike<number>>): (v: number) => number {
  const asStored = (v: number) => v;
  const east = (v: number) => (v < 0 ? v + 360 : v);
  const west = (v: number) => (v >= 180 ? v - 360 : v);
  const all = [...samples];
  const spans = [asStored, east, west].map((f) => {
    let [lo, hi] = [Infinity, -Infinity];
    for (const s of all)
      for (let i = 0; i < s.length; i++) {
        const v = s[i] as number;
        if (!Number.isFinite(v)) continue;
        const m = f(v);
        if (m < lo) lo = m;
        if (m > hi) hi = m;
      }
    return hi - lo;
  });
  const [stored = Infinity, e = Infinity, w = Infinity] = spans;
  const best = Math.min(stored, e, w);
  if (best === stored || best > 180) return asStored;
  return best === e ? east : west;
}
