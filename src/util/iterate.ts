/**
 * An Observable as an async iterator, for a consumer that pulls at its own pace (a training
 * loop). Values are queued as they arrive; the source's own budget (a reader's concurrency,
 * held until a value is released) bounds the queue. Leaving the loop early unsubscribes and hands
 * every queued value to `drop` (to free its tensors).
 *
 * @example
 * ```ts internal
 * import { of } from "rxjs";
 * for await (const v of iterate(of(1, 2, 3))) console.log(v);
 * ```
 */
import type { Observable } from "rxjs";

/** Iterate `source`; see the module documentation. */
export async function* iterate<T>(source: Observable<T>, drop?: (value: T) => void): AsyncGenerator<T> {
  const queue: T[] = [];
  let finished = false;
  let failed = false;
  let error: unknown;
  let wake: (() => void) | null = null;
  const poke = () => {
    wake?.();
    wake = null;
  };
  const sub = source.subscribe({
    next: (v) => {
      queue.push(v);
      poke();
    },
    error: (e) => {
      failed = true;
      error = e;
      poke();
    },
    complete: () => {
      finished = true;
      poke();
    },
  });
  try {
    for (;;) {
      if (failed) throw error;
      if (queue.length > 0) yield queue.shift() as T;
      else if (finished) return;
      else await new Promise<void>((r) => (wake = r));
    }
  } finally {
    sub.unsubscribe();
    for (const v of queue.splice(0)) drop?.(v);
  }
}
