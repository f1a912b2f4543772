/**
 * Validation scorers: they see each validation batch as host arrays (target, prediction,
 * validity) and report scores at the end of the epoch, computed with `tilecast/nn`'s metrics.
 *
 * - {@link nowcastScorer}: sequences `[B, K, h, w, 1]` of rain (log1p of mm/h with
 *   `transform: log1p`); CSI at each threshold over all leads (`csi1` for 1 mm/h), at the last
 *   lead (`csi1_last`), and persistence's (the last input frame, `persistence_csi1`).
 * - {@link segmentationScorer}: one probability channel (class 1 where p ≥ 0.5) or `k` class
 *   probabilities (the arg-max); the target holds class indices. Reports `iou` (class 1's for a
 *   binary model, the mean over classes otherwise), `f1` the same way, and `accuracy`.
 *
 * @example
 * ```ts
 * import { segmentationScorer } from "tilecast/train";
 * const s = segmentationScorer();
 * s.add(new Float32Array([1, 0, 1, 1]), new Float32Array([0.9, 0.2, 0.4, 0.7]), null, [1, 2, 2, 1]);
 * console.log(s.result()); // { iou: 0.666..., f1: 0.8, accuracy: 0.75 }
 * ```
 */
import { confusionMatrix, matrixAccuracy, matrixF1, matrixIou } from "../nn/metrics.js";

/** Accumulates one validation epoch. `shape` is the prediction's (`[..., channels]`). */
export interface Scorer {
  /** `x`: the batch's inputs, for scores beside persistence. */
  add(
    yTrue: Float32Array,
    yPred: Float32Array,
    valid: Uint8Array | null,
    shape: readonly number[],
    x?: Float32Array,
  ): void;
  result(): Record<string, number>;
  /** The names `result` reports, known before any epoch (a `train.monitor` is checked against them). */
  names: readonly string[];
}

/** Classes per cell of a prediction: thresholded for one channel, arg-max for several. */
export function predictedClasses(yPred: Float32Array, channels: number, threshold = 0.5): Float32Array {
  const cells = yPred.length / channels;
  const out = new Float32Array(cells);
  if (channels === 1) {
    for (let i = 0; i < cells; i++) out[i] = (yPred[i] as number) >= threshold ? 1 : 0;
    return out;
  }
  for (let i = 0; i < cells; i++) {
    let best = 0;
    for (let k = 1; k < channels; k++)
      if ((yPred[i * channels + k] as number) > (yPred[i * channels + best] as number)) best = k;
    out[i] = best;
  }
  return out;
}

/** A scorer for segmentation (see the module documentation). */
export function segmentationScorer(options: { threshold?: number } = {}): Scorer {
  let matrix: Float64Array | null = null;
  let classes = 2;
  return {
    names: ["iou", "f1", "accuracy"],
    add(yTrue, yPred, valid, shape) {
      const channels = shape[shape.length - 1] as number;
      classes = Math.max(2, channels);
      const truth = yTrue.length === yPred.length / channels ? yTrue : predictedClasses(yTrue, channels);
      const m = confusionMatrix(predictedClasses(yPred, channels, options.threshold), truth, classes, valid);
      if (!matrix) matrix = m;
      else for (let i = 0; i < m.length; i++) matrix[i] = (matrix[i] as number) + (m[i] as number);
    },
    result(): Record<string, number> {
      if (!matrix) return {};
      const pick = (s: { perClass: number[]; mean: number }) => (classes === 2 ? (s.perClass[1] as number) : s.mean);
      return {
        iou: pick(matrixIou(matrix, classes)),
        f1: pick(matrixF1(matrix, classes)),
        accuracy: matrixAccuracy(matrix, classes),
      };
    },
  };
}

/** A scorer for rain nowcasts; see the module documentation. */
export function nowcastScorer(o: { thresholds?: readonly number[]; transform?: "none" | "log1p" } = {}): Scorer {
  const thresholds = o.thresholds ?? [1];
  const rain = (v: number) => (o.transform === "log1p" ? Math.expm1(v) : v);
  const zero = () => ({ hits: 0, misses: 0, falseAlarms: 0 });
  const model = thresholds.map(zero);
  const last = thresholds.map(zero);
  const persistence = thresholds.map(zero);
  const count = (c: ReturnType<typeof zero>, f: number, t: number, th: number) => {
    if (f >= th && t >= th) c.hits++;
    else if (t >= th) c.misses++;
    else if (f >= th) c.falseAlarms++;
  };
  return {
    names: thresholds.flatMap((th) => [`csi${th}`, `csi${th}_last`, `persistence_csi${th}`]),
    add(yTrue, yPred, _valid, shape, x) {
      const [b, k, h, w] = shape as [number, number, number, number];
      const n = h * w;
      const frames = x ? x.length / (b * n) : 0;
      for (let s = 0; s < b; s++)
        for (let f = 0; f < k; f++)
          for (let i = 0; i < n; i++) {
            const at = (s * k + f) * n + i;
            const t = yTrue[at] as number;
            if (t !== t) continue;
            const obs = rain(t);
            const fc = rain(yPred[at] as number);
            const pers = x ? rain(x[(s * frames + frames - 1) * n + i] as number) : Number.NaN;
            thresholds.forEach((th, j) => {
              count(model[j] as ReturnType<typeof zero>, fc, obs, th);
              if (f === k - 1) count(last[j] as ReturnType<typeof zero>, fc, obs, th);
              if (x) count(persistence[j] as ReturnType<typeof zero>, pers, obs, th);
            });
          }
    },
    result(): Record<string, number> {
      const csi = (c: ReturnType<typeof zero>) =>
        c.hits + c.misses + c.falseAlarms > 0 ? c.hits / (c.hits + c.misses + c.falseAlarms) : Number.NaN;
      const out: Record<string, number> = {};
      thresholds.forEach((th, j) => {
        out[`csi${th}`] = csi(model[j] as ReturnType<typeof zero>);
        out[`csi${th}_last`] = csi(last[j] as ReturnType<typeof zero>);
        out[`persistence_csi${th}`] = csi(persistence[j] as ReturnType<typeof zero>);
      });
      return out;
    },
  };
}
