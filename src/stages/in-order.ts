/**
 * `inOrder(position)`: values that arrive out of order (tiles read concurrently finish in any
 * order) leave in the order of `position(value)` = 0, 1, 2, ... Training uses it so an epoch's
 * batches depend only on the seed, never on I/O timing: a rerun reproduces the model. Held values
 * are bounded by the reader's concurrency (its slots are handed out first come, first served, so
 * the next value in order always gets one). `drop` frees values held when the stream fails.
 *
 * @example
 * ```ts
 * import { from } from "rxjs";
 * import { inOrder } from "tilecast/stages";
 * from([2, 0, 1]).pipe(inOrder((v) => v)).subscribe((v) => console.log(v)); // 0 1 2
 * ```
 */
import { Observable, type OperatorFunction } from "rxjs";
import { TilecastError } from "../errors.js";

/** Emit values by `position`; see the module documentation. */
export function inOrder<T>(position: (value: T) => number, drop?: (value: T) => void): OperatorFunction<T, T> {
  return (source) =>
    new Observable<T>((out) => {
      const held = new Map<number, T>();
      let next = 0;
      const sub = source.subscribe({
        next(v) {
          const at = position(v);
          if (!(Number.isInteger(at) && at >= next) || held.has(at)) {
            out.error(new TilecastError("E_ARGUMENT", `inOrder: position ${at} is not new (next is ${next})`));
            return;
          }
          held.set(at, v);
          for (let h = held.get(next); h !== undefined; h = held.get(next)) {
            held.delete(next);
            next++;
            out.next(h);
          }
        },
        error: (e) => out.error(e),
        complete() {
          if (held.size > 0)
            out.error(new TilecastError("E_ARGUMENT", `inOrder: the stream ended before position ${next}`));
          else out.complete();
        },
      });
      return () => {
        sub.unsubscribe();
        for (const v of held.values()) drop?.(v);
        held.clear();
      };
    });
}
