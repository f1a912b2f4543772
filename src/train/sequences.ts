/**
 * Training windows from time series: a tile whose bands are time steps (a Zarr `(time, y, x)`
 * variable read as bands) is cut into windows of `T` input frames followed by `K` target frames,
 * and windows are batched as `x [B, T, h, w, 1]` and `y [B, K, h, w, 1]` for a sequence model
 * (targets NaN where the tile's mask says the cell is missing, so every loss leaves them out).
 *
 * Time splits keep training and validation apart in time: {@link timeSplit} gives the window
 * starts whose every frame is before `until` to training, and those whose every frame is at or
 * after it to validation; windows straddling the boundary are used by neither. Times may be a
 * climate model's (`noleap`, `360_day`, ...: `time-labels.ts`): steps are regular in the model's
 * own calendar, and `until` is read as a date of it.
 *
 * @example
 * ```ts
 * import { timeSplit } from "tilecast/train";
 * const times = ["00:00", "00:05", "00:10", "00:15", "00:20", "00:25"].map((t) => `2010-08-26T${t}:00Z`);
 * console.log(timeSplit(times, 2, 1, "2010-08-26T00:15:00Z")); // { train: [0], validation: [3], straddling: 2 }
 * ```
 */
import { TilecastError } from "../errors.js";
import { type Calendar, dateFromDays } from "../grid/calendars.js";
import { parseTimeIn, parseTimeLabel } from "../grid/time-labels.js";
import type { Tile } from "../stages/tile.js";
import { tf } from "../tfjs.js";
import { minOf } from "../util/extent.js";
import type { TrainBatch } from "./trainer.js";

/** One window: `T + K` frames of one tile, copied out (the tile can be released). */
export interface SequenceSample {
  /** `T · h · w` input cells, frame-major. */
  x: Float32Array;
  /** `K · h · w` target cells (NaN where missing). */
  y: Float32Array;
  h: number;
  w: number;
}

/** The times of band labels, all of one calendar; an error names a label that is no time. */
function labelTimes(times: readonly (string | null | undefined)[]): { at: number[]; calendar: Calendar } {
  const parsed = times.map((t) => (typeof t === "string" ? parseTimeLabel(t) : null));
  const calendar = parsed[0]?.calendar ?? "proleptic_gregorian";
  const at = parsed.map((p, i) => {
    if (!p)
      throw new TilecastError("E_ARGUMENT", `time step ${i} has no time label (the input's band axis must be time)`);
    if (p.calendar !== calendar)
      throw new TilecastError(
        "E_ARGUMENT",
        `time step ${i} (${times[i]}) is in another calendar than step 0 (${times[0]})`,
      );
    return p.ms;
  });
  return { at, calendar };
}

/** Window starts for training and validation; see the module documentation. */
export function timeSplit(
  times: readonly (string | null | undefined)[],
  input: number,
  output: number,
  until: string,
): { train: number[]; validation: number[]; straddling: number } {
  const { at, calendar } = labelTimes(times);
  const cut = parseTimeIn(until, calendar);
  if (Number.isNaN(cut))
    throw new TilecastError(
      "E_ARGUMENT",
      `train.sequence.until: '${until}' is not a time${calendar === "proleptic_gregorian" ? "" : ` of the input's ${calendar} calendar`}`,
    );
  for (let i = 1; i < at.length; i++)
    if (!((at[i] as number) > (at[i - 1] as number)))
      throw new TilecastError("E_ARGUMENT", `times are not increasing at step ${i} (${times[i - 1]}, ${times[i]})`);
  const train: number[] = [];
  const validation: number[] = [];
  let straddling = 0;
  for (let s = 0; s + input + output <= at.length; s++) {
    const first = at[s] as number;
    const last = at[s + input + output - 1] as number;
    if (last < cut) train.push(s);
    else if (first >= cut) validation.push(s);
    else straddling++;
  }
  return { train, validation, straddling };
}

const DAY_MS = 86_400_000;

/** Steps of calendar months or years, whose lengths vary: what each step's count goes up by. */
const CALENDAR_STEPS = [
  { cadence: "month", min: 27 * DAY_MS, max: 32 * DAY_MS, count: (y: number, m: number) => y * 12 + m },
  { cadence: "year", min: 359 * DAY_MS, max: 367 * DAY_MS, count: (y: number) => y },
] as const;

/**
 * The regular step between times (in their calendar: a `noleap` series has no gap at February
 * 29), and every gap in it: a missing time step is named (or, with `allowGaps`, windows across it
 * are left out by the caller). Monthly or yearly series (CMIP's monthly means, mid-month or at
 * the first) step by calendar months or years: a step of 28 days and one of 31 are one month each.
 * Errors name `path`, the file the times are from, when it is given.
 */
export function checkRegular(times: readonly string[], allowGaps = false, path?: string): Regularity {
  try {
    return regularity(times, allowGaps);
  } catch (e) {
    // Named by the file whose times they are: "time steps must increase" alone says not which.
    if (path !== undefined && e instanceof TilecastError && e.path === undefined)
      throw new TilecastError(e.code, e.problem, { path, cause: e });
    throw e;
  }
}

/** The step between a series' times, its gaps, and whether it steps by calendar months or years. */
export interface Regularity {
  stepMs: number;
  gaps: number[];
  cadence: "fixed" | "month" | "year";
}

function regularity(times: readonly string[], allowGaps: boolean): Regularity {
  const { at, calendar } = labelTimes(times);
  const steps = at.slice(1).map((v, i) => v - (at[i] as number));
  // A frame written twice, or out of order, is no step: name it, not a gap of 0 min.
  const back = steps.findIndex((d) => d <= 0);
  if (back >= 0)
    throw new TilecastError(
      "E_ARGUMENT",
      `time steps must increase, but ${times[back]} is followed by ${times[back + 1]}`,
    );
  const step = minOf(steps);
  let gaps = steps.flatMap((d, i) => (d === step ? [] : [i + 1]));
  let cadence: Regularity["cadence"] = "fixed";
  // Calendar steps where every step is a whole number of them, of the length it should be (a
  // series of 30-day steps from January 1 is not monthly: its second time is in January again).
  for (const c of gaps.length > 0 ? CALENDAR_STEPS : []) {
    const counts = at.map((t) => {
      const [y, m] = dateFromDays(Math.floor(t / DAY_MS), calendar);
      return c.count(y, m);
    });
    const n = counts.slice(1).map((v, i) => v - (counts[i] as number));
    const fits = n.every((k, i) => k >= 1 && (steps[i] as number) >= k * c.min && (steps[i] as number) <= k * c.max);
    if (!fits || minOf(n) !== 1) continue; // yearly steps are 12 months each, not monthly gaps
    cadence = c.cadence;
    gaps = n.flatMap((k, i) => (k === 1 ? [] : [i + 1]));
    break;
  }
  if (gaps.length > 0 && !allowGaps) {
    const i = gaps[0] as number;
    const apart = cadence === "fixed" ? `${step / 60000} min` : `a ${cadence}`;
    throw new TilecastError(
      "E_ARGUMENT",
      `time steps are ${apart} apart but ${times[i - 1]} is followed by ${times[i]}: a step is missing (train.sequence.allowGaps skips windows across it)`,
    );
  }
  return { stepMs: step, gaps, cadence };
}

/** The windows of one tile at `starts`: frames `[s, s + T)` in, `[s + T, s + T + K)` out. */
export function tileWindows(t: Tile, starts: readonly number[], input: number, output: number): SequenceSample[] {
  const g = t.grid;
  const [bands, h, w] = g.shape as [number, number, number];
  const n = h * w;
  const out: SequenceSample[] = [];
  for (const s of starts) {
    if (s + input + output > bands)
      throw new TilecastError(
        "E_ARGUMENT",
        `window at step ${s} needs ${input + output} frames; the tile has ${bands}`,
      );
    const x = new Float32Array(input * n);
    for (let f = 0; f < input; f++) for (let i = 0; i < n; i++) x[f * n + i] = g.data[(s + f) * n + i] as number;
    const y = new Float32Array(output * n);
    for (let f = 0; f < output; f++)
      for (let i = 0; i < n; i++) {
        const k = (s + input + f) * n + i;
        y[f * n + i] = g.mask && !g.mask[k] ? Number.NaN : (g.data[k] as number);
      }
    out.push({ x, y, h, w });
  }
  return out;
}

/** Stack windows into a batch: `x [B, T, h, w, 1]`, `y [B, K, h, w, 1]`. */
export function sequenceBatch(samples: readonly SequenceSample[]): TrainBatch {
  const first = samples[0];
  if (!first) throw new TilecastError("E_ARGUMENT", "an empty sequence batch");
  const { h, w } = first;
  const t = first.x.length / (h * w);
  const k = first.y.length / (h * w);
  const x = new Float32Array(samples.length * first.x.length);
  const y = new Float32Array(samples.length * first.y.length);
  samples.forEach((s, i) => {
    x.set(s.x, i * s.x.length);
    y.set(s.y, i * s.y.length);
  });
  return { x: tf.tensor5d(x, [samples.length, t, h, w, 1]), y: tf.tensor5d(y, [samples.length, k, h, w, 1]) };
}
