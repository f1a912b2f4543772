/**
 * The record of a training run: one entry per epoch (learning rate, training loss, validation
 * loss and scores, samples, seconds), written as `history.json` and drawn as `curves.png`
 * (losses by epoch, and each validation score by epoch), both atomically.
 *
 * @example
 * ```ts
 * import { writeHistory } from "tilecast/train";
 * await writeHistory("/tmp/run", [{ epoch: 1, lr: 0.01, loss: 0.7, valLoss: 0.6, metrics: { iou: 0.4 }, samples: 64, seconds: 3 }]);
 * ```
 */
import { join } from "node:path";
import { atomicWrite } from "../io/atomic.js";
import { writeLineChart } from "../io/png/line-chart.js";

/** One epoch of a run. */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  lr: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  valLoss?: number;
  /** Validation scores (`iou`, `csi@1`, ...). */
  metrics: Record<string, number>;
  samples: number;
  seconds: number;
}

/** Write `history.json` and `curves.png` into `dir`. */
export async function writeHistory(dir: string, history: readonly EpochRecord[]): Promise<void> {
  await atomicWrite(join(dir, "history.json"), `${JSON.stringify(history, null, 1)}\n`);
  if (history.length === 0) return;
  const losses = [
    { name: "train loss", points: history.map((h) => [h.epoch, h.loss] as const) },
    ...(history.some((h) => h.valLoss !== undefined)
      ? [{ name: "validation loss", points: history.map((h) => [h.epoch, h.valLoss ?? Number.NaN] as const) }]
      : []),
  ];
  const scores = [...new Set(history.flatMap((h) => Object.keys(h.metrics)))].map((name) => ({
    name: `validation ${name}`,
    points: history.map((h) => [h.epoch, h.metrics[name] ?? Number.NaN] as const),
    dashed: true,
  }));
  await writeLineChart(join(dir, "curves.png"), {
    title: "learning curves",
    x: "epoch",
    y: scores.length ? "loss / score" : "loss",
    series: [...losses, ...scores],
  });
}
