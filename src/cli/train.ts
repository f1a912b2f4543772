/**
 * `tilecast train <pipeline>`: train the pipeline's model (its `train:` section), with a progress
 * bar per epoch (loss as it goes; plain lines per epoch when not a TTY) and a summary: epochs, the
 * best epoch and its scores, where the model, checkpoints and learning curves went.
 */
import cliProgress from "cli-progress";
import { TilecastError } from "../errors.js";
import { describeBackend, selectBackend } from "../nn/backend.js";
import { loadPipeline } from "../pipeline/config.js";
import { type TrainSummary, trainPipeline } from "../pipeline/train.js";
import type { EpochRecord } from "../train/history.js";
import { bundledPipeline } from "./bundled.js";

/** Flags of `tilecast train`. */
export interface TrainFlags {
  set: string[];
  resume?: boolean;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
  outputRoot?: string;
}

/** Four decimals, or four significant digits for small values (a loss of 3e-5 is not 0.0000). */
const fmt = (v: number | undefined) =>
  v === undefined ? "-" : v !== 0 && Math.abs(v) < 0.01 ? v.toPrecision(4) : v.toFixed(4);

/** One line per epoch: loss, validation loss and scores, rate, time. */
export function epochLine(r: EpochRecord, epochs: number): string {
  const scores = Object.entries(r.metrics)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(" ");
  return `epoch ${r.epoch}/${epochs}  loss ${fmt(r.loss)}  val ${fmt(r.valLoss)}  ${scores}  lr ${r.lr.toExponential(2)}  ${r.seconds.toFixed(1)} s`;
}

function summaryText(s: TrainSummary, backend: string): string {
  const best = s.history.find((h) => h.epoch === s.bestEpoch);
  return [
    `trained ${s.output}${s.resumed ? " (resumed)" : ""}`,
    `  epochs      ${s.epochs}${s.stoppedEarly ? " (stopped early)" : ""}; best ${s.bestEpoch} by ${s.monitor}`,
    ...(best ? [`  best        ${epochLine(best, s.epochs).replace(/^epoch \S+\s+/, "")}`] : []),
    s.tiles.unit === "tiles"
      ? `  tiles       ${s.tiles.train} train, ${s.tiles.validation} validation${s.tiles.dropped ? `, ${s.tiles.dropped} left out (their halo reaches validation)` : ""}`
      : `  ${s.tiles.unit.padEnd(11)} ${s.tiles.train} train, ${s.tiles.validation} validation ${s.tiles.unit === "pairs" ? "(whole grid)" : "per tile"}${s.tiles.dropped ? `, ${s.tiles.dropped} left out (they straddle the split)` : ""}`,
    `  time        ${s.seconds.toFixed(1)} s`,
    `  backend     ${backend}${s.replicas > 1 ? ` in ${s.replicas} worker replicas` : ""}`,
    `  checkpoints ${s.checkpoints} (history.json, curves.png)`,
  ].join("\n");
}

/** Train a pipeline file's model. */
export async function trainCommand(file: string, o: TrainFlags): Promise<void> {
  if (o.resume && o.force)
    throw new TilecastError(
      "E_ARGUMENT",
      "--resume continues from the last checkpoint and --force deletes it: give one",
    );
  const bundled = bundledPipeline(file);
  const p = await loadPipeline(bundled?.file ?? file, [...(bundled?.sets ?? []), ...o.set]);
  const backend = await selectBackend();
  const epochs = p.train?.epochs ?? 0;
  const tty = process.stderr.isTTY && !o.quiet && !o.json;
  let bar: cliProgress.SingleBar | null = null;
  const s = await trainPipeline(p, {
    ...(o.resume ? { resume: true } : {}),
    ...(o.force ? { force: true } : {}),
    ...(o.outputRoot ? { outputRoot: o.outputRoot } : {}),
    onStep(epoch, step, steps, loss) {
      if (!tty) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            format: "epoch {epoch} [{bar}] {value}/{total} steps | loss {loss}",
            hideCursor: true,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(steps, 0, { epoch: `${epoch + 1}/${epochs}`, loss: "-" });
      }
      bar.update(step, { loss: fmt(loss) });
    },
    onEpoch(r) {
      (bar as cliProgress.SingleBar | null)?.stop();
      bar = null;
      if (!o.quiet && !o.json) process.stderr.write(`${epochLine(r, epochs)}\n`);
    },
  });
  process.stdout.write(
    o.json ? `${JSON.stringify({ ...s, backendInfo: backend })}\n` : `${summaryText(s, describeBackend(backend))}\n`,
  );
}
