/**
 * The time windows a `train.sequence` section trains and validates on: the input's band axis
 * must be time, regular (a missing step is an error naming both times unless `allowGaps`, and
 * then windows across a gap are left out), and split at `until` ({@link timeSplit}).
 */
import { TilecastError } from "../errors.js";
import type { GridSource } from "../io/types.js";
import { checkRegular, timeSplit } from "../train/sequences.js";
import type { Pipeline } from "./config.js";
import type { TrainSection } from "./train-config.js";

/** Window starts on each side of the split, and how many straddle it. */
export interface WindowStarts {
  train: number[];
  validation: number[];
  straddling: number;
}

/** See the module documentation. */
export function windowStarts(p: Pipeline, src: GridSource, seq: NonNullable<TrainSection["sequence"]>): WindowStarts {
  const times = (src.meta.attrs.bandNames ?? []).map((v) => v ?? "");
  if (times.length !== src.meta.bands)
    throw new TilecastError("E_ARGUMENT", "train.sequence: the input's band axis has no time labels", {
      path: p.input.path,
    });
  const { gaps } = checkRegular(times, seq.allowGaps, p.input.path);
  const window = seq.input + seq.output;
  const clear = (s: number) => !gaps.some((g) => g > s && g < s + window); // no gap inside the window
  const split = timeSplit(times, seq.input, seq.output, seq.until);
  const train = split.train.filter(clear);
  const validation = split.validation.filter(clear);
  if (train.length === 0 || validation.length === 0)
    throw new TilecastError(
      "E_ARGUMENT",
      `train.sequence.until ${seq.until} leaves ${train.length} training and ${validation.length} validation windows`,
      { path: p.file },
    );
  return { train, validation, straddling: split.straddling };
}
