/**
 * Which of the input's frames a forecast cycle reads: the `T` frames one step apart that end at
 * the cycle's time, each found by its time. A frame missing from the archive (a radar outage, a
 * file not yet arrived) is an `E_NOT_FOUND` error naming the times that are missing, which a
 * scheduled cycle waits for (`ops/cycle.ts`); it is never bridged by the frame before the gap,
 * which would feed the model a sequence twice as long in time as the one it learned.
 *
 * @example
 * ```ts
 * import { cycleFrames } from "tilecast/pipeline";
 * const min = 60_000;
 * const framesAt = cycleFrames([0, 5, 10, 15].map((m) => m * min), 5 * min, 3, String, "radar.zarr");
 * framesAt(15 * min); // [1, 2, 3]
 * ```
 */
import { TilecastError } from "../errors.js";
import { checkRegular } from "../train/sequences.js";

/**
 * The input's step (its smallest, in ms), from its frames' labels; an error naming the input
 * where it steps by calendar months or years, which fixed-length leads cannot describe.
 */
export function inputStep(labels: readonly string[], path: string): number {
  const { stepMs, cadence } = checkRegular(labels, true, path);
  if (cadence !== "fixed")
    throw new TilecastError(
      "E_UNSUPPORTED",
      `the input steps by calendar ${cadence}s: a forecast's leads are fixed steps (hours, days)`,
      { path },
    );
  return stepMs;
}

/**
 * The band indices, oldest first, of the `count` frames `step` apart ending at a cycle's time `t`,
 * as a function of `t`; it throws an error naming the missing times (labelled by `label`) when any
 * is not in `times`. The times are indexed once, for every cycle of a run.
 */
export function cycleFrames(
  times: readonly number[],
  step: number,
  count: number,
  label: (ms: number) => string,
  path: string,
): (t: number) => number[] {
  const index = new Map(times.map((v, i) => [v, i]));
  return (t) => {
    if (!index.has(t))
      throw new TilecastError(
        "E_NOT_FOUND",
        `no frame at ${label(t)} (the input has ${label(times[0] as number)} to ${label(times.at(-1) as number)})`,
        { path },
      );
    const need = Array.from({ length: count }, (_, f) => t - (count - 1 - f) * step);
    if ((need[0] as number) < (times[0] as number))
      throw new TilecastError("E_NOT_FOUND", `${count} frames end at ${label(t)}: the input starts later`, { path });
    const missing = need.filter((v) => !index.has(v));
    if (missing.length)
      throw new TilecastError(
        "E_NOT_FOUND",
        `${count} frames end at ${label(t)}, but ${missing.map(label).join(", ")} ${missing.length === 1 ? "is" : "are"} missing from the input`,
        { path },
      );
    return need.map((v) => index.get(v) as number);
  };
}
