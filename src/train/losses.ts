/**
 * Training losses that leave invalid cells out. Every loss takes the target, the prediction and
 * a validity mask (1 where a cell counts; it broadcasts over channels), and returns the mean over
 * the valid cells only. NaN targets are invalid too, and are replaced by 0 before any arithmetic,
 * so a NaN never reaches the loss or its gradient (0 · NaN is NaN; a masked NaN would still
 * poison the step).
 *
 * - `binary-crossentropy`: −[t·log p + (1−t)·log(1−p)], p clipped to [1e−7, 1−1e−7].
 * - `categorical-crossentropy`: −Σₖ tₖ·log pₖ; a one-channel target holds class indices.
 * - `dice`: 1 − (2·Σ m·p·t + 1) / (Σ m·p + Σ m·t + 1) per channel, averaged over channels.
 * - `focal` (binary, Lin et al. 2017): −α_t·(1 − p_t)^γ·log p_t with p_t = p where t = 1, else
 *   1 − p; α_t = α where t = 1, else 1 − α (defaults γ = 2, α = 0.25).
 * - `mse`, `mae`: (p − t)², |p − t|.
 * - `latitude-mse`: MSE weighted by cos(latitude) rows normalized to mean 1 (WeatherBench); the
 *   batch supplies the weights (`weights`, broadcast over the target).
 * - `rain-mse`, `rain-mae` (B-MSE/B-MAE, Shi et al. 2017): each cell weighted by the rain rate it
 *   should have: w = 1 below 2 mm/h, 2 from 2, 5 from 5, 10 from 10, 30 from 30 (`thresholds`
 *   and `weights` change the steps). `transform: log1p` says the target is log(1 + rain), and the
 *   thresholds are compared in mm/h. Plain MSE on rain smooths the peaks away.
 *
 * A list of losses is their sum (`[binary-crossentropy, dice]`).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { lossFunction } from "tilecast/train";
 * const mse = lossFunction("mse");
 * const t = tf.tensor4d([1, Number.NaN, 3, 4], [1, 2, 2, 1]);
 * const p = tf.tensor4d([2, 9, 3, 2], [1, 2, 2, 1]);
 * console.log(mse(t, p).dataSync()[0]); // (1 + 0 + 4) / 3 = 1.666...
 * ```
 */
import { z } from "zod";
import { TilecastError } from "../errors.js";
import { tf } from "../tfjs.js";

const EPS = 1e-7;

const plainNames = ["binary-crossentropy", "categorical-crossentropy", "dice", "mse", "mae", "latitude-mse"] as const;

const objectLoss = z.union([
  z.strictObject({ type: z.enum(plainNames) }),
  z.strictObject({
    type: z.literal("focal"),
    gamma: z.number().nonnegative().default(2),
    alpha: z.number().min(0).max(1).default(0.25),
  }),
  z.strictObject({
    type: z.enum(["rain-mse", "rain-mae"]),
    thresholds: z.array(z.number()).default([2, 5, 10, 30]),
    weights: z.array(z.number().positive()).default([1, 2, 5, 10, 30]),
    transform: z.enum(["none", "log1p"]).default("none"),
  }),
]);

const lossNames = [...plainNames, "focal", "rain-mse", "rain-mae"] as const;

/** A loss that is none of them is named, with the names there are (zod said "Invalid input"). */
const unknownLoss = (iss: { input?: unknown }) => {
  const nameOf = (v: unknown) =>
    typeof v === "string" ? v : v && typeof v === "object" && "type" in v ? String(v.type) : null;
  const names = (Array.isArray(iss.input) ? iss.input : [iss.input]).map(nameOf);
  const bad = names.find((n) => n !== null && !(lossNames as readonly string[]).includes(n));
  return bad === undefined ? undefined : `unknown loss '${bad}' (losses: ${lossNames.join(", ")})`;
};

/** One loss: a name, or `{type, ...options}`. */
export const singleLoss = z.union([z.enum(lossNames), objectLoss], { error: unknownLoss });

/** The `loss:` of a train section: one loss or a list summed. */
export const lossSpec = z.union([singleLoss, z.array(singleLoss).min(1)], { error: unknownLoss });

/** What {@link lossSpec} accepts. */
export type LossSpec = z.input<typeof lossSpec>;

/** What a loss is given besides target and prediction. */
export interface LossInputs {
  /** 1 where a cell counts, broadcast over the target (default: every finite target cell). */
  mask?: tf.Tensor;
  /** Cell weights broadcast over the target (latitude weights). */
  weights?: tf.Tensor;
}

/** `(target, prediction, inputs) => scalar`, the mean over valid cells. */
export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor, inputs?: LossInputs) => tf.Scalar;

/** The target with NaN replaced by 0, and the mask (as float, target-shaped) with NaN cells 0. */
function clean(yTrue: tf.Tensor, mask: tf.Tensor | undefined): { t: tf.Tensor; m: tf.Tensor } {
  const finite = tf.logicalNot(tf.isNaN(yTrue));
  const t = tf.where(finite, yTrue, tf.zerosLike(yTrue));
  let m = tf.cast(finite, "float32");
  if (mask) m = tf.mul(m, tf.cast(mask, "float32"));
  return { t, m };
}

/** Σ(v·w) / Σ w, 0 when no cell counts. */
function weightedMean(v: tf.Tensor, w: tf.Tensor): tf.Scalar {
  const wb = tf.mul(w, tf.onesLike(v));
  return tf.div(tf.sum(tf.mul(v, wb)), tf.maximum(tf.sum(wb), EPS)) as tf.Scalar;
}

const clip = (p: tf.Tensor) => tf.clipByValue(p, EPS, 1 - EPS);

/** One channel of class indices as one-hot over the prediction's `k` channels (sparse targets). */
function dense(t: tf.Tensor, m: tf.Tensor, k: number): { t: tf.Tensor; m: tf.Tensor } {
  const c = t.shape[t.rank - 1];
  if (c === k) return { t, m };
  if (c !== 1)
    throw new TilecastError(
      "E_ARGUMENT",
      `the target has ${c} channels and the prediction ${k}; a class-index target has 1`,
    );
  const idx = tf.cast(tf.squeeze(t, [t.rank - 1]), "int32");
  return { t: tf.oneHot(idx, k).cast("float32"), m };
}

type Single = z.infer<typeof singleLoss>;

function rainWeights(t: tf.Tensor, o: { thresholds: number[]; weights: number[]; transform: string }): tf.Tensor {
  if (o.weights.length !== o.thresholds.length + 1)
    throw new TilecastError(
      "E_ARGUMENT",
      `rain loss: ${o.thresholds.length} thresholds need ${o.thresholds.length + 1} weights, got ${o.weights.length}`,
    );
  const rain = o.transform === "log1p" ? tf.expm1(t) : t;
  let w = tf.fill(t.shape, o.weights[0] as number);
  o.thresholds.forEach((th, i) => {
    w = tf.where(tf.greaterEqual(rain, th), tf.fill(t.shape, o.weights[i + 1] as number), w);
  });
  return w;
}

function single(spec: Single): LossFn {
  const o: z.infer<typeof objectLoss> = typeof spec === "string" ? objectLoss.parse({ type: spec }) : spec;
  return (yTrue, yPred, inputs = {}) =>
    tf.tidy(() => {
      const k = yPred.shape[yPred.rank - 1] as number;
      let { t, m } = clean(yTrue, inputs.mask);
      if (o.type === "categorical-crossentropy" || (o.type === "dice" && k > 1)) ({ t, m } = dense(t, m, k));
      if (t.shape.join() !== yPred.shape.join())
        throw new TilecastError(
          "E_ARGUMENT",
          `target shape [${t.shape}] differs from the prediction's [${yPred.shape}]`,
        );
      const p = yPred;
      switch (o.type) {
        case "mse":
          return weightedMean(tf.squaredDifference(p, t), m);
        case "mae":
          return weightedMean(tf.abs(tf.sub(p, t)), m);
        case "latitude-mse":
          if (!inputs.weights)
            throw new TilecastError(
              "E_ARGUMENT",
              "latitude-mse needs latitude weights: the input is not on a latitude grid",
            );
          return weightedMean(tf.squaredDifference(p, t), tf.mul(m, inputs.weights));
        case "binary-crossentropy": {
          const q = clip(p);
          const ce = tf.neg(tf.add(tf.mul(t, tf.log(q)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, q)))));
          return weightedMean(ce, m);
        }
        case "categorical-crossentropy": {
          const ce = tf.neg(tf.sum(tf.mul(t, tf.log(clip(p))), -1, true));
          return weightedMean(ce, tf.min(m, -1, true));
        }
        case "focal": {
          const q = clip(p);
          const pt = tf.add(tf.mul(t, q), tf.mul(tf.sub(1, t), tf.sub(1, q)));
          const at = tf.add(tf.mul(t, o.alpha), tf.mul(tf.sub(1, t), 1 - o.alpha));
          const fl = tf.neg(tf.mul(tf.mul(at, tf.pow(tf.sub(1, pt), o.gamma)), tf.log(pt)));
          return weightedMean(fl, m);
        }
        case "dice": {
          const mb = tf.mul(m, tf.onesLike(p));
          const axes = [...Array(p.rank - 1).keys()];
          const inter = tf.sum(tf.mul(tf.mul(p, t), mb), axes);
          const sums = tf.add(tf.sum(tf.mul(p, mb), axes), tf.sum(tf.mul(t, mb), axes));
          return tf.mean(tf.sub(1, tf.div(tf.add(tf.mul(inter, 2), 1), tf.add(sums, 1)))) as tf.Scalar;
        }
        case "rain-mse":
        case "rain-mae": {
          const err = o.type === "rain-mse" ? tf.squaredDifference(p, t) : tf.abs(tf.sub(p, t));
          return weightedMean(err, tf.mul(m, rainWeights(t, o)));
        }
        default:
          throw new TilecastError("E_ARGUMENT", `unknown loss`);
      }
    });
}

/**
 * The loss function for a spec (see the module documentation).
 *
 * @example
 * ```ts
 * import { lossFunction } from "tilecast/train";
 * const loss = lossFunction(["binary-crossentropy", "dice"]);
 * ```
 */
export function lossFunction(spec: LossSpec): LossFn {
  const parsed = lossSpec.safeParse(spec);
  if (!parsed.success)
    throw new TilecastError("E_ARGUMENT", `loss: ${parsed.error.issues[0]?.message ?? "not a loss"}`);
  const parts = (Array.isArray(parsed.data) ? parsed.data : [parsed.data]).map(single);
  const [first] = parts;
  if (parts.length === 1 && first) return first;
  return (t, p, inputs) => tf.tidy(() => tf.addN(parts.map((f) => f(t, p, inputs))) as tf.Scalar);
}

/** A short name for a loss spec (for cards and logs): `binary-crossentropy+dice`. */
export function lossName(spec: LossSpec): string {
  const list = Array.isArray(spec) ? spec : [spec];
  return list.map((s) => (typeof s === "string" ? s : s.type)).join("+");
}
