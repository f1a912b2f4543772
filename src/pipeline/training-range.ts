/**
 * Whether a run's input lies in the range its model was trained on. A model normalized by a
 * statistics file (its training data's per-band mean, spread, min and max) gives answers, not
 * errors, on an input in other units: reflectance 0-1 into a model trained on Sentinel-2's
 * 0-10000 counts, or degrees Celsius into one trained on kelvin, came out as one class
 * everywhere (or a forecast of nonsense), exit 0. The run samples every seventh valid value of
 * each band as it is read and, when most of a band lies outside the training range, says so.
 */
import { type Stats, transformValue } from "../grid/band-stats.js";
import type { Grid } from "../grid/grid.js";

/** Every STEP-th cell is looked at: a seventh of the reads' values is plenty for a share. */
const STEP = 7;
/** A band with more than this share of its values outside the training range is named. */
const SHARE = 0.5;

/** Counts of one band's sampled values. */
interface Counts {
  seen: number;
  outside: number;
}

/** See the module documentation. */
export class TrainingRange {
  readonly #stats: Stats;
  readonly #names: readonly (string | null | undefined)[];
  readonly #counts: Counts[];
  readonly #variable: string | undefined;

  /**
   * `names`: the input bands' names, in the order the stats are (shown in the warning).
   * `variable`: the bands are time steps of this one variable, counted and named together.
   */
  constructor(stats: Stats, names: readonly (string | null | undefined)[] = [], variable?: string) {
    this.#stats = stats;
    this.#names = names;
    this.#variable = variable;
    this.#counts = (variable === undefined ? stats.bands : stats.bands.slice(0, 1)).map(() => ({
      seen: 0,
      outside: 0,
    }));
  }

  /** A grid as read (bands first, before normalization). */
  add(g: Grid): void {
    const [bands, h, w] = g.shape as [number, number, number];
    const n = h * w;
    const nodata = g.nodata ?? Number.NaN;
    const mask = g.mask;
    for (let b = 0; b < Math.min(bands, this.#stats.bands.length); b++) {
      const s = this.#stats.bands[b];
      const c = this.#counts[this.#variable === undefined ? b : 0];
      if (!s || !c || !(s.max > s.min)) continue;
      const t = this.#stats.transforms[b] ?? "none";
      for (let i = b * n; i < (b + 1) * n; i += STEP) {
        const raw = g.data[i] as number;
        if (raw === nodata || raw !== raw || (mask !== null && mask[i] === 0)) continue;
        const v = t === "none" ? raw : transformValue(raw, t);
        c.seen++;
        if (v < s.min || v > s.max) c.outside++;
      }
    }
  }

  /** One line naming the bands mostly outside the training range, or null when none is. */
  warning(): string | null {
    const off = this.#counts.flatMap((c, b) => {
      const s = this.#stats.bands[b];
      if (!s || c.seen === 0 || c.outside / c.seen <= SHARE) return [];
      const name = this.#names[b] ? ` (${this.#names[b]})` : "";
      const share = Math.round((100 * c.outside) / c.seen);
      const what = this.#variable === undefined ? `band ${b + 1}${name}` : `'${this.#variable}'`;
      return [`${what} ${share} % outside ${fmt(s.min)} to ${fmt(s.max)}`];
    });
    if (off.length === 0) return null;
    return `the input lies mostly outside the range the model was trained on: ${off.join("; ")}; is it in the same units as the training data?`;
  }
}

/** A statistic as people read it: four significant digits. */
function fmt(v: number): string {
  return String(Number(v.toPrecision(4)));
}
