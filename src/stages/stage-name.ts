/**
 * `stageName(name)`: put after a stage so its failures name it. A {@link TilecastError} keeps its
 * message and gains `stage` (unless an earlier stage already claimed it: errors flow downstream
 * through every later stage); any other error (a user's stage or model throwing its own) becomes
 * an `E_STAGE` error whose message starts `stage NAME:`, the original kept as `cause`.
 *
 * @example
 * ```ts
 * import { throwError } from "rxjs";
 * import { stageName } from "tilecast/stages";
 * throwError(() => new RangeError("bad")).pipe(stageName("clip")).subscribe({ error: (e) => console.log(e.message) }); // stage clip: bad
 * ```
 */
import { catchError, type MonoTypeOperatorFunction, throwError } from "rxjs";
import { stageError } from "../errors.js";

/**
 * `stageName(name)`: put after a stage so its failures name it.
 * Details and a complete example: the module documentation above.
 */
export function stageName<T>(name: string): MonoTypeOperatorFunction<T> {
  return catchError((e: unknown) => throwError(() => stageError(name, e)));
}
