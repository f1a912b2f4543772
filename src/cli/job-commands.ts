/**
 * The commands of the three jobs: `train` (a pipeline's train: section), `forecast` (alias
 * `nowcast`: forecast cycles into a product store) and `evaluate` (scores beside baselines).
 * Each loads its module on use.
 */
import type { Command } from "commander";
import { collectSet, positiveInt } from "./flags.js";

/** Add the job commands to the CLI. */
export function addJobCommands(cli: Command): void {
  cli
    .command("train")
    .description("train the model of a pipeline file's train: section (checkpoints, resume, learning curves)")
    .argument("<pipeline>", "pipeline YAML file with a train: section")
    .option("--set <key=value>", "override a key of the file, e.g. --set train.epochs=5 (repeatable)", collectSet, [])
    .option("--resume", "continue from the last checkpoint")
    .option("--force", "delete existing checkpoints and start over")
    .option("--json", "print the summary (with the history) as JSON")
    .option("--output-root <dir>", "refuse to write outside this directory (default $TILECAST_OUTPUT_ROOT)")
    .option("-q, --quiet", "no progress output")
    .action(async (file: string, o: import("./train.js").TrainFlags) => {
      await (await import("./train.js")).trainCommand(file, o);
    });
  cli
    .command("forecast")
    .alias("nowcast")
    .description("run a forecast cycle (or every cycle to --until) into a (time, lead_time, y, x) Zarr store")
    .argument(
      "<pipeline>",
      "pipeline YAML file: a time-series input, a trained nowcaster or global state model, a .zarr output",
    )
    .requiredOption("--cycle <time>", "the cycle's time (its last input frame), e.g. 2010-08-26T06:00Z")
    .option("--until <time>", "run every cycle from --cycle to this time")
    .option("--set <key=value>", "override a key of the file (repeatable)", collectSet, [])
    .option("--output-root <dir>", "refuse to write outside this directory (default $TILECAST_OUTPUT_ROOT)")
    .option("--json", "print the summary as JSON (cycles written, cycles skipped and why, leads, time)")
    .option("-q, --quiet", "no progress output (a bar over the cycles of a run to --until)")
    .action(async (file: string, o: import("./nowcast.js").NowcastFlags) => {
      await (await import("./nowcast.js")).nowcastCommand(file, o);
    });
  cli
    .command("evaluate")
    .description(
      "score a class raster (IoU, F1), a nowcast store (CSI, POD, FAR per lead, beside persistence and extrapolation) or a global forecast store (RMSE, ACC per lead, beside persistence and climatology)",
    )
    .argument("<prediction>", "class raster (a run's output.classes), or a forecast store (tilecast forecast)")
    .argument("<truth>", "reference class raster on the same grid, or the observed time series")
    .option("--classes <n>", "class rasters: the number of classes", positiveInt("--classes"))
    .option("--thresholds <list>", "nowcasts: rain thresholds, comma-separated (e.g. 1,5)")
    .option("--rmse", "global forecasts: latitude-weighted RMSE and ACC per lead")
    .option(
      "--climatology-until <time>",
      "global forecasts: the climatology averages states before this (default: the first cycle)",
    )
    .option("--plot <png>", "forecasts: draw the score against lead time")
    .option("--names <list>", "class names, comma-separated")
    .option("--json", "print the scores as JSON")
    .option("--out <file>", "also write the JSON to this file")
    .action(async (prediction: string, truth: string, o: import("./evaluate.js").EvaluateFlags) => {
      await (await import("./evaluate.js")).evaluateCommand(prediction, truth, o);
    });
}
