/**
 * `abortWith(signal, error)`: pass values through until `signal` aborts, then fail the stream with
 * `error()`. Put it right after reading: the error flows through every later stage, so `write`
 * aborts its output and nothing half-written survives.
 *
 * @example
 * ```ts
 * import { interval, lastValueFrom } from "rxjs";
 * import { abortWith } from "tilecast/stages";
 * const c = new AbortController();
 * setTimeout(() => c.abort(), 20);
 * await lastValueFrom(interval(5).pipe(abortWith(c.signal, () => new Error("stopped")))).catch((e) => console.log(e.message)); // stopped
 * ```
 */
import { Observable, type OperatorFunction } from "rxjs";

/**
 * `abortWith(signal, error)`: pass values through until `signal` aborts, then fail the stream with `error()`.
 * Details and a complete example: the module documentation above.
 */
export function abortWith<T>(signal: AbortSignal, error: () => unknown): OperatorFunction<T, T> {
  return (source) =>
    new Observable<T>((out) => {
      if (signal.aborted) {
        out.error(error());
        return;
      }
      const onAbort = () => out.error(error());
      signal.addEventListener("abort", onAbort, { once: true });
      const sub = source.subscribe(out);
      return () => {
        signal.removeEventListener("abort", onAbort);
        sub.unsubscribe();
      };
    });
}
