/**
 * Streaming per-band statistics: count, mean, standard deviation, min and max of the valid
 * cells, accumulated tile by tile and merged exactly (Chan et al.'s pairwise update of the mean
 * and the sum of squared deviations `M2`), so the result does not depend on tile order or size:
 *   n = na + nb,  d = mb - ma,  mean = ma + d * nb / n,  M2 = M2a + M2b + d^2 * na * nb / n,
 *   std = sqrt(M2 / n)   (population standard deviation).
 * An optional per-band value transform (`log1p`, for precipitation-like skewed fields) is
 * applied before accumulating, and again by `normalize`.
 *
 * @example
 * ```ts
 * import { BandStatsAccumulator, createGrid } from "tilecast";
 * const acc = new BandStatsAccumulator(1);
 * acc.add(createGrid("float32", [1, 1, 4], { data: Float32Array.from([1, 2, 3, 4]) }));
 * acc.result().bands[0]; // { count: 4, mean: 2.5, std: 1.118..., min: 1, max: 4 }
 * ```
 */
import { z } from "zod";
import { type Grid, isNodata } from "./grid.js";
import type { Window } from "./window.js";

/** A transform applied to values before statistics and normalization. */
export const valueTransform = z.enum(["none", "log1p"]);
/** A transform applied to values before statistics and normalization. */
export type ValueTransform = z.infer<typeof valueTransform>;

/** Statistics of one band. */
export interface BandStats {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** Statistics of every band, with the transforms they were taken after. */
export interface Stats {
  bands: BandStats[];
  transforms: ValueTransform[];
  /** The bands' names, where the input named them (checked against the bands normalized). */
  names?: (string | null)[];
}

/** Apply a value transform: `log1p` is `ln(1 + max(v, 0))`. */
export function transformValue(v: number, t: ValueTransform): number {
  return t === "log1p" ? Math.log1p(v > 0 ? v : 0) : v;
}

interface Moments {
  n: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
}

/**
 * Streaming per-band statistics: count, mean, standard deviation, min and max of the valid cells, accumulated tile by tile and merged exactly (Chan et al.'s pairwise update of the mean and the sum of squared deviations `M2`), so the...
 * Details and a complete example: the module documentation above.
 */
export class BandStatsAccumulator {
  readonly #m: Moments[];
  readonly #t: ValueTransform[];

  constructor(bands: number, transforms: readonly ValueTransform[] = []) {
    this.#m = Array.from({ length: bands }, () => ({ n: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity }));
    this.#t = Array.from({ length: bands }, (_, b) => transforms[b] ?? "none");
  }

  /** Add the valid cells of `g` (`(bands, h, w)`), or only those inside `part` of `frame`. */
  add(g: Grid, frame?: Window, part?: Window): void {
    const [bands, h, w] = g.shape as [number, number, number];
    const x0 = part && frame ? part.x - frame.x : 0;
    const y0 = part && frame ? part.y - frame.y : 0;
    const pw = part ? part.width : w;
    const ph = part ? part.height : h;
    for (let b = 0; b < Math.min(bands, this.#m.length); b++) {
      const t = this.#t[b] as ValueTransform;
      let n = 0;
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let y = y0; y < y0 + ph; y++)
        for (let i = b * h * w + y * w + x0, e = i + pw; i < e; i++) {
          const raw = g.data[i] as number;
          if (isNodata(raw, g.nodata) || (g.mask && !g.mask[i]) || Number.isNaN(raw)) continue;
          const v = transformValue(raw, t);
          n++;
          sum += v;
          if (v < min) min = v;
          if (v > max) max = v;
        }
      if (n === 0) continue;
      const mean = sum / n;
      let m2 = 0;
      for (let y = y0; y < y0 + ph; y++)
        for (let i = b * h * w + y * w + x0, e = i + pw; i < e; i++) {
          const raw = g.data[i] as number;
          if (isNodata(raw, g.nodata) || (g.mask && !g.mask[i]) || Number.isNaN(raw)) continue;
          const d = transformValue(raw, t) - mean;
          m2 += d * d;
        }
      this.#merge(b, { n, mean, m2, min, max });
    }
  }

  #merge(b: number, o: Moments): void {
    const a = this.#m[b] as Moments;
    const n = a.n + o.n;
    const d = o.mean - a.mean;
    a.mean += (d * o.n) / n;
    a.m2 += o.m2 + (d * d * a.n * o.n) / n;
    a.n = n;
    a.min = Math.min(a.min, o.min);
    a.max = Math.max(a.max, o.max);
  }

  /** The statistics so far (a band with no valid cell has count 0 and NaN moments). */
  result(): Stats {
    return {
      bands: this.#m.map((m) =>
        m.n === 0
          ? { count: 0, mean: Number.NaN, std: Number.NaN, min: Number.NaN, max: Number.NaN }
          : { count: m.n, mean: m.mean, std: Math.sqrt(m.m2 / m.n), min: m.min, max: m.max },
      ),
      transforms: [...this.#t],
    };
  }
}

/**
 * One variable's statistics over every band (bands that are time steps of one quantity): the
 * bands' moments merged exactly (count-weighted mean; `M2 = Σ nᵢ(σᵢ² + (μᵢ − μ)²)`), repeated for
 * every band so each frame of a sequence gets the same scaling.
 *
 * @example
 * ```ts
 * import { pooledStats } from "tilecast";
 * const s = pooledStats({ bands: [{ count: 2, mean: 1, std: 1, min: 0, max: 2 }, { count: 2, mean: 3, std: 1, min: 2, max: 4 }], transforms: [] });
 * console.log(s.bands[1]); // { count: 4, mean: 2, std: 1.414..., min: 0, max: 4 }
 * ```
 */
export function pooledStats(s: Stats): Stats {
  const used = s.bands.filter((b) => b.count > 0);
  const n = used.reduce((a, b) => a + b.count, 0);
  const mean = n ? used.reduce((a, b) => a + b.count * b.mean, 0) / n : Number.NaN;
  const m2 = used.reduce((a, b) => a + b.count * (b.std * b.std + (b.mean - mean) ** 2), 0);
  const pooled: BandStats = n
    ? {
        count: n,
        mean,
        std: Math.sqrt(m2 / n),
        min: Math.min(...used.map((b) => b.min)),
        max: Math.max(...used.map((b) => b.max)),
      }
    : { count: 0, mean: Number.NaN, std: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { ...s, bands: s.bands.map(() => ({ ...pooled })), transforms: [...s.transforms] };
}
