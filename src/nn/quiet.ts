/**
 * TensorFlow.js prints advice meant for its own users: "Orthogonal initializer ... Slowness may
 * result" on every ConvLSTM build and load, and an "install tfjs-node" banner on first use of the
 * cpu backend. tilecast reports its backend itself, so these lines are dropped unless
 * `TILECAST_DEBUG` is set (the CLI's `--debug` sets it). Nothing else printed is touched.
 *
 * @example
 * ```ts
 * import { silenceTfjsNoise } from "tilecast/nn";
 * silenceTfjsNoise(); // idempotent
 * ```
 */

const NOISE = [
  /^Orthogonal initializer is being called on a matrix/,
  /looks like you are running TensorFlow\.js in Node/,
];

let installed = false;

/** True for a console line that is tfjs advice tilecast replaces with its own report. */
export function isTfjsNoise(text: string): boolean {
  return NOISE.some((re) => re.test(text.trim().replace(/^=+\s*/, "")));
}

/** Drop tfjs's advice lines from `console.warn` and `console.log` (see the module doc). */
export function silenceTfjsNoise(): void {
  if (installed) return;
  installed = true;
  for (const level of ["warn", "log"] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      if (!process.env.TILECAST_DEBUG && typeof args[0] === "string" && isTfjsNoise(args[0])) return;
      original(...args);
    };
  }
}
