/**
 * A trained tile model's outputs as its card lists them: one per output channel, named by
 * `train.classes` where given. A model of one channel holds one probability, of the second of two
 * classes (`[land, water]`: water); a model of `k` channels, `k` class probabilities. Names of
 * another count are refused: before, `train.classes: [land, water]` with `model.classes: 4`
 * trained a four-channel model whose card listed one output, `water`.
 *
 * Internal (used by train.ts).
 */
import { TilecastError } from "../errors.js";
import type { Pipeline } from "./config.js";

/** The card's outputs for a model of `channels` output channels. */
export function tileOutputs(p: Pipeline, channels: number): { name: string; units?: string }[] {
  const names = p.train?.classes;
  const want = channels === 1 ? 2 : channels;
  if (names && names.length !== want)
    throw new TilecastError(
      "E_ARGUMENT",
      `train.classes names ${names.length} classes; the model has ${channels} output channel${channels === 1 ? " (a probability of the second of 2 classes)" : `s (${channels} classes)`}: set model.classes or the names to agree`,
      { path: p.file },
    );
  if (channels === 1) return [names ? { name: names[1] as string, units: "probability" } : { name: "output" }];
  const classes = names ?? Array.from({ length: channels }, (_, i) => `class ${i}`);
  return classes.map((name) => ({ name, units: "probability" }));
}
