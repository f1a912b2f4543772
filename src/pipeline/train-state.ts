/**
 * Training pairs for a global state model (`model.type: global-cnn` with `history: k` and a
 * `train.sequence` of `input: k, output: 1`): each window of `k + 1` time steps of the whole grid
 * gives the state `(t - k + 1 ... t)` and the state one step later `(t - k + 2 ... t + 1)`, both
 * `[h, w, k]` with time levels on the channel axis, batched as `[B, h, w, k]`. The whole grid is
 * one sample (a global model needs both sides of the antimeridian and the poles); only `k + 1`
 * frames are read at a time, and the store's chunk cache spares decoding a chunk again for the
 * next window.
 *
 * Windows are split by time as for nowcasts ({@link timeSplit}), shuffled per epoch with the seed;
 * targets are NaN where a cell is missing. Every batch carries cos(latitude) weights for the
 * `latitude-mse` loss. Validation reports the new level's latitude-weighted RMSE in the data's
 * units (`rmse`) beside persistence's (`persistence_rmse`).
 */
import { Rng } from "../augment/rng.js";
import { TilecastError } from "../errors.js";
import type { Stats } from "../grid/band-stats.js";
import { isGeographic } from "../grid/crs.js";
import type { GridSource } from "../io/types.js";
import { latitudeWeights } from "../nn/metrics.js";
import { normalizeGrid } from "../stages/normalize.js";
import { tf } from "../tfjs.js";
import type { Scorer } from "../train/scorers.js";
import { shuffled } from "../train/shuffle.js";
import type { TrainBatch } from "../train/trainer.js";
import type { Pipeline } from "./config.js";
import type { TrainSection } from "./train-config.js";
import type { TrainingData } from "./train-data.js";
import { windowStarts } from "./train-windows.js";

/**
 * Latitudes of the rows' centres; `problem` (naming the source) when the grid is not an
 * unrotated latitude/longitude grid.
 */
export function rowLatitudes(src: GridSource, problem: string): number[] {
  const g = src.meta.georef;
  if (!g || !isGeographic(g.crs) || g.transform[2] !== 0 || g.transform[4] !== 0)
    throw new TilecastError("E_ARGUMENT", problem, { path: src.meta.path });
  const [, , , top, , dy] = g.transform;
  const lats = Array.from({ length: src.meta.height }, (_, j) => top + dy * (j + 0.5));
  if (lats.some((v) => Math.abs(v) > 90))
    throw new TilecastError("E_ARGUMENT", "latitudes past the poles in the grid", { path: src.meta.path });
  return lats;
}

/** The new level's latitude-weighted RMSE (data units) beside persistence's. */
export function stateScorer(latitudes: readonly number[], std: number): Scorer {
  const w = latitudeWeights(latitudes);
  let model = 0;
  let persistence = 0;
  let weight = 0;
  return {
    names: ["rmse", "persistence_rmse"],
    add(yTrue, yPred, _valid, shape, x) {
      const [b, h, wd, k] = shape as [number, number, number, number];
      for (let i = 0; i < b * h * wd; i++) {
        const at = i * k + k - 1;
        const t = yTrue[at] as number;
        if (t !== t) continue;
        const lw = w[Math.floor(i / wd) % h] as number;
        model += lw * ((yPred[at] as number) - t) ** 2;
        if (x) persistence += lw * ((x[at] as number) - t) ** 2;
        weight += lw;
      }
    },
    result(): Record<string, number> {
      if (weight === 0) return {};
      return { rmse: Math.sqrt(model / weight) * std, persistence_rmse: Math.sqrt(persistence / weight) * std };
    },
  };
}

/** Pairs of whole-grid states; see the module documentation. */
export function stateData(c: { p: Pipeline; t: TrainSection; src: GridSource; stats: Stats | null }): TrainingData {
  const { p, t, src } = c;
  const seq = t.sequence as NonNullable<TrainSection["sequence"]>;
  if (seq.output !== 1)
    throw new TilecastError(
      "E_ARGUMENT",
      "train.sequence.output: a state model steps once (output: 1); roll it out to forecast further",
      {
        path: p.file,
      },
    );
  const k = seq.input;
  const history = Number(p.model.history ?? 1);
  if (history !== k)
    throw new TilecastError(
      "E_ARGUMENT",
      `train.sequence.input is ${k} but model.history is ${history}: they must match`,
      {
        path: p.file,
      },
    );
  const starts = windowStarts(p, src, seq);
  const { width: w, height: h } = src.meta;
  const latitudes = rowLatitudes(src, "a global state model trains on a latitude/longitude grid");
  const weights = Float32Array.from(latitudeWeights(latitudes));
  const method = p.normalize?.method ?? "zscore";
  const stats = c.stats;
  const frameStats = (n: number): Stats | null =>
    stats ? { bands: stats.bands.slice(0, n), transforms: stats.transforms.slice(0, n) } : null;
  const pair = async (s: number) => {
    const bands = Array.from({ length: k + 1 }, (_, f) => s + f);
    const raw = await src.readWindow({ x: 0, y: 0, width: w, height: h }, { bands });
    const fs = frameStats(k + 1);
    const g = fs ? normalizeGrid(raw, fs, method) : raw;
    const n = w * h;
    const x = new Float32Array(n * k);
    const y = new Float32Array(n * k);
    for (let f = 0; f < k; f++)
      for (let i = 0; i < n; i++) {
        x[i * k + f] = g.mask && !g.mask[f * n + i] ? 0 : (g.data[f * n + i] as number);
        const o = (f + 1) * n + i;
        y[i * k + f] = g.mask && !g.mask[o] ? Number.NaN : (g.data[o] as number);
      }
    return { x, y };
  };
  async function* batches(order: number[]): AsyncGenerator<TrainBatch> {
    for (let i = 0; i < order.length; i += t.batch) {
      const picks = order.slice(i, i + t.batch);
      const pairs = [];
      for (const s of picks) pairs.push(await pair(s));
      const x = new Float32Array(picks.length * w * h * k);
      const y = new Float32Array(x.length);
      pairs.forEach((q, j) => {
        x.set(q.x, j * q.x.length);
        y.set(q.y, j * q.y.length);
      });
      const batch: TrainBatch = {
        x: tf.tensor4d(x, [picks.length, h, w, k]),
        y: tf.tensor4d(y, [picks.length, h, w, k]),
        weights: tf.tensor4d(weights, [1, h, 1, 1]),
      };
      yield batch; // the trainer disposes it
    }
  }
  const std = stats?.bands[0]?.std && method === "zscore" ? stats.bands[0].std : 1;
  return {
    train: (epoch) => batches(shuffled(starts.train, new Rng(t.seed, 2 * epoch))),
    validation: () => batches(starts.validation),
    stepsPerEpoch: Math.ceil(starts.train.length / t.batch),
    scorer: () => stateScorer(latitudes, std),
    counts: {
      unit: "pairs",
      train: starts.train.length,
      validation: starts.validation.length,
      dropped: starts.straddling,
    },
  };
}
