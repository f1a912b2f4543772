/**
 * Verification metrics on plain arrays (a grid's `data`, a prediction's values), usable alone
 * or by training and evaluation. Cells where either side is NaN, or `valid` is 0, are left out
 * of every metric: a missing observation never counts as a miss.
 *
 * - Segmentation: per-class IoU and F1, and pixel accuracy, from a confusion matrix.
 * - Thresholds (rain): the contingency table at a threshold (`>=`), and CSI = hits / (hits +
 *   misses + false alarms), POD = hits / (hits + misses), FAR = false alarms / (hits + false
 *   alarms); NaN where the denominator is 0.
 * - Fields: RMSE; on a latitude/longitude grid, RMSE weighted by cos(latitude) normalized to mean
 *   1 over the rows, and the anomaly correlation coefficient (ACC) against a climatology, with
 *   the same weights (as WeatherBench defines them).
 *
 * @example
 * ```ts
 * import { contingency, csi, iou } from "tilecast/nn";
 * const t = contingency([0.5, 2, 3, 0], [0, 2, 0.2, 1.5], 1);
 * console.log(t, csi(t)); // { hits: 1, misses: 1, falseAlarms: 1, correctNegatives: 1 } 0.333...
 * console.log(iou([1, 1, 0, 0], [1, 0, 0, 0], 2).perClass); // [0.666..., 0.5]
 * ```
 */
import { TilecastError } from "../errors.js";

type Values = ArrayLike<number>;

function sameLength(a: Values, b: Values, valid?: Uint8Array | null): void {
  if (a.length !== b.length || (valid && valid.length !== a.length))
    throw new TilecastError(
      "E_ARGUMENT",
      `metric inputs differ in length (${a.length}, ${b.length}${valid ? `, mask ${valid.length}` : ""})`,
    );
}

const usable = (p: number, t: number, valid: Uint8Array | null | undefined, i: number) =>
  p === p && t === t && (!valid || valid[i] !== 0);

/** Call `fn(a[i], b[i], i)` for every cell where both are numbers and `valid` allows it. */
function eachPair(
  a: Values,
  b: Values,
  valid: Uint8Array | null | undefined,
  fn: (x: number, y: number, i: number) => void,
): void {
  sameLength(a, b, valid);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (usable(x, y, valid, i)) fn(x, y, i);
  }
}

/** Columns of a row-major field of `rows` rows, or an error when the cells do not divide evenly. */
function rowWidth(cells: number, rows: number): number {
  const width = cells / rows;
  if (!Number.isInteger(width))
    throw new TilecastError("E_ARGUMENT", `${cells} cells are not ${rows} rows of equal width`);
  return width;
}

/** Counts `[truth * classes + predicted]` over the valid cells; labels are integers in [0, classes). */
export function confusionMatrix(pred: Values, truth: Values, classes: number, valid?: Uint8Array | null): Float64Array {
  const m = new Float64Array(classes * classes);
  eachPair(pred, truth, valid, (p, t) => {
    if (!(Number.isInteger(p) && Number.isInteger(t) && p >= 0 && t >= 0 && p < classes && t < classes))
      throw new TilecastError("E_ARGUMENT", `class labels must be integers in [0, ${classes}), got ${p} and ${t}`);
    m[t * classes + p] = (m[t * classes + p] as number) + 1;
  });
  return m;
}

/** Per-class and mean scores; `mean` leaves out classes absent from both sides (NaN). */
export interface ClassScores {
  perClass: number[];
  mean: number;
}

function perClass(
  m: Float64Array,
  classes: number,
  score: (tp: number, fp: number, fn: number) => number,
): ClassScores {
  const out: number[] = [];
  for (let c = 0; c < classes; c++) {
    let fp = 0;
    let fn = 0;
    for (let k = 0; k < classes; k++) {
      if (k === c) continue;
      fp += m[k * classes + c] as number; // truth k, predicted c
      fn += m[c * classes + k] as number;
    }
    out.push(score(m[c * classes + c] as number, fp, fn));
  }
  const present = out.filter((v) => !Number.isNaN(v));
  return { perClass: out, mean: present.length ? present.reduce((a, b) => a + b, 0) / present.length : Number.NaN };
}

/** IoU per class from a confusion matrix (summed over batches, say). */
export const matrixIou = (m: Float64Array, classes: number): ClassScores =>
  perClass(m, classes, (tp, fp, fn) => (tp + fp + fn > 0 ? tp / (tp + fp + fn) : Number.NaN));

/** F1 per class from a confusion matrix. */
export const matrixF1 = (m: Float64Array, classes: number): ClassScores =>
  perClass(m, classes, (tp, fp, fn) => (tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : Number.NaN));

/** The share of cells on a confusion matrix's diagonal (NaN for an empty matrix). */
export function matrixAccuracy(m: Float64Array, classes: number): number {
  let right = 0;
  let all = 0;
  for (let c = 0; c < classes; c++) right += m[c * classes + c] as number;
  for (const v of m) all += v;
  return all ? right / all : Number.NaN;
}

/** Intersection over union per class: TP / (TP + FP + FN). */
export function iou(pred: Values, truth: Values, classes: number, valid?: Uint8Array | null): ClassScores {
  return matrixIou(confusionMatrix(pred, truth, classes, valid), classes);
}

/** F1 (Dice) per class: 2TP / (2TP + FP + FN). */
export function f1(pred: Values, truth: Values, classes: number, valid?: Uint8Array | null): ClassScores {
  return matrixF1(confusionMatrix(pred, truth, classes, valid), classes);
}

/** The share of valid cells whose class is right. */
export function pixelAccuracy(pred: Values, truth: Values, valid?: Uint8Array | null): number {
  let n = 0;
  let right = 0;
  eachPair(pred, truth, valid, (p, t) => {
    n++;
    if (p === t) right++;
  });
  return n > 0 ? right / n : Number.NaN;
}

/** The 2 x 2 table of a forecast against observations at `threshold` (an event is `>= threshold`). */
export interface Contingency {
  hits: number;
  misses: number;
  falseAlarms: number;
  correctNegatives: number;
}

/** Count the contingency table over the valid cells. */
export function contingency(
  forecast: Values,
  observed: Values,
  threshold: number,
  valid?: Uint8Array | null,
): Contingency {
  const t = { hits: 0, misses: 0, falseAlarms: 0, correctNegatives: 0 };
  eachPair(forecast, observed, valid, (f, o) => {
    const fe = f >= threshold;
    const oe = o >= threshold;
    if (fe && oe) t.hits++;
    else if (oe) t.misses++;
    else if (fe) t.falseAlarms++;
    else t.correctNegatives++;
  });
  return t;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
/** Critical success index (threat score). */
export const csi = (t: Contingency): number => ratio(t.hits, t.hits + t.misses + t.falseAlarms);
/** Probability of detection. */
export const pod = (t: Contingency): number => ratio(t.hits, t.hits + t.misses);
/** False alarm ratio. */
export const far = (t: Contingency): number => ratio(t.falseAlarms, t.hits + t.falseAlarms);

/** Root mean square error over the valid cells, each weighted by `weight(i)` (default 1). */
export function rmse(
  forecast: Values,
  observed: Values,
  valid?: Uint8Array | null,
  weight: (i: number) => number = () => 1,
): number {
  let sw = 0;
  let s = 0;
  eachPair(forecast, observed, valid, (f, o, i) => {
    const w = weight(i);
    sw += w;
    s += w * (f - o) * (f - o);
  });
  return sw > 0 ? Math.sqrt(s / sw) : Number.NaN;
}

/** cos(latitude) of each row, scaled so the rows' mean weight is 1. */
export function latitudeWeights(latitudes: readonly number[]): Float64Array {
  const w = Float64Array.from(latitudes, (lat) => Math.cos((lat * Math.PI) / 180));
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  return w.map((v) => v / mean);
}

/** Weight of cell `i` of a row-major `(rows, width)` field from per-row weights. */
const rowWeight = (weights: Float64Array, width: number) => (i: number) => weights[Math.floor(i / width)] as number;

/** RMSE of a `(latitudes.length, width)` field, weighted by cos(latitude). */
export function latitudeWeightedRmse(
  forecast: Values,
  observed: Values,
  latitudes: readonly number[],
  valid?: Uint8Array | null,
): number {
  const width = rowWidth(forecast.length, latitudes.length);
  return rmse(forecast, observed, valid, rowWeight(latitudeWeights(latitudes), width));
}

/**
 * Anomaly correlation coefficient: the cos(latitude)-weighted correlation of the forecast's and
 * the observation's anomalies from `climatology` (uncentred, as WeatherBench computes it).
 */
export function anomalyCorrelation(
  forecast: Values,
  observed: Values,
  climatology: Values,
  latitudes: readonly number[],
  valid?: Uint8Array | null,
): number {
  sameLength(forecast, climatology);
  const weight = rowWeight(latitudeWeights(latitudes), rowWidth(forecast.length, latitudes.length));
  let fo = 0;
  let ff = 0;
  let oo = 0;
  eachPair(forecast, observed, valid, (f, o, i) => {
    const c = climatology[i] as number;
    const fa = f - c;
    const oa = o - c;
    if (fa !== fa || oa !== oa) return; // no climatology here
    const wi = weight(i);
    fo += wi * fa * oa;
    ff += wi * fa * fa;
    oo += wi * oa * oa;
  });
  return ff > 0 && oo > 0 ? fo / Math.sqrt(ff * oo) : Number.NaN;
}
