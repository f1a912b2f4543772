/**
 * Learning-rate schedules, by epoch (0-based), as pure functions of the epoch so a resumed run
 * gets exactly the rates an uninterrupted one would:
 *
 * - `constant`: lr.
 * - `step`: lr · γ^⌊e / every⌋.
 * - `cosine` (Loshchilov & Hutter 2017, no restarts): min + (lr − min) · (1 + cos(π · e / E)) / 2
 *   over E = `epochs` epochs, then min.
 *
 * An optional linear warm-up multiplies the first `warmup` epochs' rate by (e + 1) / (warmup + 1).
 *
 * @example
 * ```ts
 * import { learningRateAt } from "tilecast/train";
 * learningRateAt({ type: "step", lr: 0.01, every: 10, gamma: 0.5 }, 25); // 0.0025
 * learningRateAt({ type: "cosine", lr: 0.01, epochs: 10, min: 0 }, 5); // 0.005
 * ```
 */
import { z } from "zod";

const warmup = z.number().int().nonnegative().default(0);

/** A schedule (`type` defaults to constant). */
export const scheduleSpec = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("constant"), lr: z.number().positive(), warmup }),
  z.strictObject({
    type: z.literal("step"),
    lr: z.number().positive(),
    every: z.number().int().positive(),
    gamma: z.number().positive().default(0.1),
    warmup,
  }),
  z.strictObject({
    type: z.literal("cosine"),
    lr: z.number().positive(),
    /** Epochs over which the rate falls to `min` (default: the run's epochs). */
    epochs: z.number().int().positive().optional(),
    min: z.number().nonnegative().default(0),
    warmup,
  }),
]);

/** What {@link scheduleSpec} accepts. */
export type ScheduleSpec = z.input<typeof scheduleSpec>;

/** The learning rate of `epoch`; `totalEpochs` is the cosine period when the spec gives none. */
export function learningRateAt(spec: ScheduleSpec, epoch: number, totalEpochs = 1): number {
  const s = scheduleSpec.parse(spec);
  let lr: number;
  switch (s.type) {
    case "constant":
      lr = s.lr;
      break;
    case "step":
      lr = s.lr * s.gamma ** Math.floor(epoch / s.every);
      break;
    case "cosine": {
      const period = s.epochs ?? totalEpochs;
      lr = epoch >= period ? s.min : s.min + ((s.lr - s.min) * (1 + Math.cos((Math.PI * epoch) / period))) / 2;
      break;
    }
  }
  return epoch < s.warmup ? (lr * (epoch + 1)) / (s.warmup + 1) : lr;
}
