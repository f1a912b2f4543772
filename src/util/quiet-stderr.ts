/**
 * `withStderrSilenced(shim, fn)`: run `fn` synchronously with descriptor 2 on /dev/null, then
 * put the original back, using `dup`/`dup2` (Node has neither; `tilecast native build` compiles
 * them, see `nn/native/stdio-shim.ts`). Loading TensorFlow's libraries inside this keeps the
 * lines they log while loading off a user's terminal and logs. Anything else written to stderr
 * while `fn` runs is dropped too, so `fn` must be synchronous and short.
 *
 * @example
 * ```ts internal
 * import { withStderrSilenced } from "../util/quiet-stderr.js";
 * const n = withStderrSilenced(shim, () => 1 + 1); // 2; nothing written meanwhile reaches stderr
 * ```
 */
import { closeSync, openSync } from "node:fs";

/** POSIX `dup` and `dup2`. */
export interface DescriptorCalls {
  dup(fd: number): number;
  dup2(from: number, to: number): number;
}

/** Run `fn` with descriptor 2 on /dev/null, restored however `fn` ends; see the module doc. */
export function withStderrSilenced<T>(calls: DescriptorCalls, fn: () => T): T {
  const saved = calls.dup(2);
  try {
    const blank = openSync("/dev/null", "a");
    calls.dup2(blank, 2);
    closeSync(blank);
    return fn();
  } finally {
    calls.dup2(saved, 2);
    closeSync(saved);
  }
}
