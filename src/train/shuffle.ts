/**
 * Seeded shuffles for training data: {@link shuffled} permutes a list (the order tiles are read
 * in each epoch), and {@link shuffleBuffer} mixes a stream through a bounded buffer (tiles arrive
 * in read order, a few at a time; the buffer breaks up what the reader's concurrency keeps
 * together). Memory stays bounded by the buffer size, never by the dataset.
 *
 * @example
 * ```ts
 * import { from } from "rxjs";
 * import { Rng } from "tilecast";
 * import { shuffleBuffer, shuffled } from "tilecast/train";
 * console.log(shuffled([1, 2, 3, 4, 5], new Rng(1))); // the same permutation for seed 1, every time
 * from([1, 2, 3, 4, 5, 6]).pipe(shuffleBuffer(3, new Rng(2))).subscribe((v) => console.log(v));
 * ```
 */
import { Observable, type OperatorFunction } from "rxjs";
import type { Rng } from "../augment/rng.js";

/** A seeded Fisher-Yates permutation of `items` (a new array). */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Hold up to `size` values; once full, each arrival sends out a random held value in its
 * place; at the end the rest leave in random order. `drop` frees values held when the stream
 * fails or is unsubscribed.
 */
export function shuffleBuffer<T>(size: number, rng: Rng, drop?: (value: T) => void): OperatorFunction<T, T> {
  return (source) =>
    new Observable<T>((out) => {
      const held: T[] = [];
      const take = (): T => {
        const i = Math.floor(rng.uniform() * held.length);
        const v = held[i] as T;
        held[i] = held[held.length - 1] as T;
        held.pop();
        return v;
      };
      const sub = source.subscribe({
        next(v) {
          held.push(v);
          if (held.length > size) out.next(take());
        },
        error(e) {
          out.error(e);
        },
        complete() {
          while (held.length > 0) out.next(take());
          out.complete();
        },
      });
      return () => {
        sub.unsubscribe();
        for (const v of held.splice(0)) drop?.(v);
      };
    });
}
