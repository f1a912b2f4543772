/**
 * `mapAsyncOrdered(fn, depth)`: like rxjs `concatMap` over a promise-returning `fn`, but with up
 * to `depth` calls running at once, results still emitted in input order. A model in a worker
 * thread is kept busy this way: the next batch is already queued there when one finishes, instead
 * of waiting for the main thread to notice the result and send another.
 *
 * A failed call errors the stream at once. After an error or an unsubscribe, inputs not started,
 * results not yet emitted and results that arrive later go to `discard`, so what they hold
 * (tensors, tile buffers) is freed.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { from, lastValueFrom, toArray } from "rxjs";
 * import { mapAsyncOrdered } from "tilecast";
 * const slowFirst = (v: number) => new Promise<number>((r) => setTimeout(() => r(v * 10), v === 1 ? 20 : 0));
 * console.log(await lastValueFrom(from([1, 2, 3]).pipe(mapAsyncOrdered(slowFirst, 2), toArray()))); // [10, 20, 30]
 * ```
 */
import { Observable, type OperatorFunction } from "rxjs";

/** What to do with inputs and results dropped after an error or an unsubscribe. */
export interface Discard<T, R> {
  input?(value: T): void;
  result?(value: R): void;
}

type Slot<R> = { state: "running" } | { state: "ok"; value: R };

/** See the module documentation. */
export function mapAsyncOrdered<T, R>(
  fn: (value: T) => Promise<R>,
  depth: number,
  discard: Discard<T, R> = {},
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((out) => {
      const waiting: T[] = [];
      const slots: Slot<R>[] = [];
      let stopped = false;
      let sourceDone = false;

      const stop = () => {
        stopped = true;
        for (const v of waiting.splice(0)) discard.input?.(v);
        for (const s of slots.splice(0)) if (s.state === "ok") discard.result?.(s.value);
      };
      const drain = () => {
        while (!stopped && slots[0]?.state === "ok") out.next((slots.shift() as { value: R }).value);
        start();
        if (!stopped && sourceDone && slots.length === 0 && waiting.length === 0) out.complete();
      };
      const start = () => {
        while (!stopped && slots.length < depth && waiting.length > 0) {
          const slot: { state: Slot<R>["state"]; value?: R } = { state: "running" };
          slots.push(slot as Slot<R>);
          const value = waiting.shift() as T;
          new Promise<R>((resolve) => resolve(fn(value))).then(
            (result) => {
              if (stopped) return discard.result?.(result);
              Object.assign(slot, { state: "ok", value: result });
              drain();
            },
            (error: unknown) => {
              if (stopped) return;
              stop(); // fail at once: calls still running are discarded when they end
              out.error(error);
            },
          );
        }
      };
      const sub = source.subscribe({
        next(v) {
          waiting.push(v);
          start();
        },
        error(e) {
          stop();
          out.error(e);
        },
        complete() {
          sourceDone = true;
          drain();
        },
      });
      return () => {
        sub.unsubscribe();
        if (!stopped) stop();
      };
    });
}
