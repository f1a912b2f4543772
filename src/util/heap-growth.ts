/**
 * How far V8 lets the old generation grow past what survived the last full collection before it
 * starts marking again. tilecast's processes hold a small JavaScript heap (about 35 MB: TF.js,
 * ONNX Runtime's glue, the pipeline) and pass large arrays through it. V8 sizes the next limit
 * from the live heap (about 1.7x here), and once the room left under it is smaller than the young
 * generation it starts the next incremental marking at once. A tile pipeline then marks the whole
 * heap every 150-250 ms: 57 full collections in one 14 s segmentation run (`--trace-gc`), with
 * 6.5 s of CPU on V8's helper threads against the model's 15. With the old generation allowed to
 * grow to 3x the live heap, the same run made 10 full collections and 4.1 s on the helpers.
 *
 * The `tilecast` command applies this at start; a program using tilecast as a library can call
 * {@link tuneHeapGrowth} itself (`tilecast/pipeline`), or start Node with `--heap-growing-percent`.
 * `TILECAST_HEAP_GROWING_PERCENT` sets the percentage (0: leave V8's own).
 *
 * @example
 * ```ts
 * import { heapGrowthFlag, tuneHeapGrowth } from "tilecast/pipeline";
 * console.log(heapGrowthFlag([], {})); // --heap-growing-percent=200
 * tuneHeapGrowth(); // before the run starts its work
 * ```
 */
import { setFlagsFromString } from "node:v8";
import { TilecastError } from "../errors.js";

/** The growth tilecast asks for: the old generation may grow to 3x what survived. */
export const HEAP_GROWING_PERCENT = 200;

/**
 * The `--heap-growing-percent` flag to set, or null to leave V8's: null when Node was started
 * with the flag (the user's choice stands) or the environment says 0.
 */
export function heapGrowthFlag(execArgv: readonly string[], env: NodeJS.ProcessEnv): string | null {
  if (execArgv.some((a) => /^--heap[-_]growing[-_]percent(=|$)/.test(a))) return null;
  const given = env.TILECAST_HEAP_GROWING_PERCENT;
  const percent = given === undefined || given.trim() === "" ? HEAP_GROWING_PERCENT : Number(given);
  if (!(Number.isInteger(percent) && percent >= 0))
    throw new TilecastError("E_ARGUMENT", `TILECAST_HEAP_GROWING_PERCENT must be a whole number >= 0, got '${given}'`);
  return percent === 0 ? null : `--heap-growing-percent=${percent}`;
}

/** Apply {@link heapGrowthFlag} to this process (and the worker threads it starts later). */
export function tuneHeapGrowth(execArgv = process.execArgv, env = process.env): string | null {
  const flag = heapGrowthFlag(execArgv, env);
  if (flag) setFlagsFromString(flag);
  return flag;
}
