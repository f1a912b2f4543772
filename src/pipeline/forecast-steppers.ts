/**
 * How one forecast cycle is computed from the frames ending at the cycle time, for the two kinds
 * of trained models `tilecast nowcast` / `tilecast forecast` run:
 *
 * - a **sequence model** (`[1, T, h, w, 1]` → `[1, K, h, w, 1]`, a ConvLSTM nowcaster): `T`
 *   frames in, `K` leads out; with `log1p` the values are transformed and back, rain clipped at 0;
 * - a **state model** (`[1, h, w, k]` → `[1, h, w, k]`, a global CNN whose state is the last `k`
 *   time levels): rolled out `steps` times ({@link rollout}), each step's newest level a lead,
 *   normalized with the training statistics and back to the data's units (one variable: the
 *   statistics pooled over its time steps, `normalize.per: variable`).
 *
 * Both leave NaN where the input had no data at the cycle time.
 */
import type { Stats } from "../grid/band-stats.js";
import type { GridSource } from "../io/types.js";
import { type OneStepModel, rollout } from "../models/rollout.js";
import { denormalizeValue, type NormalizeMethod, normalizeGrid } from "../stages/normalize.js";
import { tf } from "../tfjs.js";
import { TrainingRange } from "./training-range.js";

/** Forecasts for a cycle: `leads × h × w` values, lead-major. */
export interface Stepper {
  leads: number;
  /** The forecast from the frames at these bands, oldest first (`cycleFrames`). */
  forecast(bands: readonly number[]): Promise<Float32Array>;
}

/** What every stepper reads with. */
export interface StepperInput {
  model: OneStepModel;
  src: GridSource;
  stats: Stats;
  method: NormalizeMethod;
  /** Counts the frames' values against the training range (training-range.ts). */
  range?: TrainingRange;
}

async function frames(i: StepperInput, bands: readonly number[]) {
  const { width: w, height: h } = i.src.meta;
  const count = bands.length;
  const raw = await i.src.readWindow({ x: 0, y: 0, width: w, height: h }, { bands });
  i.range?.add(raw);
  const stats: Stats =
    i.method === "none"
      ? { bands: [], transforms: bands.map(() => i.stats.transforms[0] ?? "none") }
      : { bands: i.stats.bands.slice(0, count), transforms: i.stats.transforms.slice(0, count) };
  return { raw, norm: normalizeGrid(raw, stats, i.method), last: raw.data.subarray((count - 1) * w * h) };
}

/** A sequence model's cycle; see the module documentation. */
export function sequenceStepper(i: StepperInput, input: number, output: number): Stepper {
  const log = i.stats.transforms.includes("log1p");
  const { width: w, height: h } = i.src.meta;
  const n = w * h;
  return {
    leads: output,
    async forecast(bands) {
      const { norm, last } = await frames(i, bands);
      const out = tf.tidy(() => {
        const x = tf.tensor4d(norm.data as Float32Array, [input, h, w, 1]).expandDims(0);
        return (i.model.predict(x) as tf.Tensor).dataSync() as Float32Array;
      });
      const data = new Float32Array(output * n);
      for (let k = 0; k < output; k++)
        for (let c = 0; c < n; c++) {
          const v = out[k * n + c] as number;
          const r = log ? Math.expm1(v) : v;
          data[k * n + c] = Number.isNaN(last[c] as number) ? Number.NaN : Math.max(0, r);
        }
      return data;
    },
  };
}

/** A state model's rollout; see the module documentation. */
export function stateStepper(i: StepperInput, levels: number, steps: number): Stepper {
  const { width: w, height: h } = i.src.meta;
  const n = w * h;
  return {
    leads: steps,
    async forecast(bands) {
      const { norm, last } = await frames(i, bands);
      const state = new Float32Array(n * levels);
      for (let f = 0; f < levels; f++)
        for (let c = 0; c < n; c++) {
          const v = norm.data[f * n + c] as number;
          state[c * levels + f] = v === v && (!norm.mask || norm.mask[f * n + c]) ? v : 0;
        }
      const out = tf.tidy(() => {
        const traj = rollout(i.model, tf.tensor4d(state, [1, h, w, levels]), steps);
        return traj.slice([0, 0, 0, 0, levels - 1], [1, steps, h, w, 1]).dataSync() as Float32Array;
      });
      const data = new Float32Array(steps * n);
      for (let s = 0; s < steps; s++)
        for (let c = 0; c < n; c++)
          data[s * n + c] = Number.isNaN(last[c] as number)
            ? Number.NaN
            : denormalizeValue(out[s * n + c] as number, i.stats, 0, i.method);
      return data;
    },
  };
}
