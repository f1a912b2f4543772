/**
 * Timers that keep their word however long they are. Node's `setTimeout` takes at most
 * 2^31 - 1 ms (24.8 days) and turns a longer delay into 1 ms, so a monthly schedule's next fire
 * time, a doubling backoff after many retries or a generous HTTP timeout would fire at once.
 * Here a long delay is a chain of shorter timers; {@link sleepUntil} also reads the wall clock
 * at each link, so a machine that slept (suspend, a paused VM) or a clock stepped by NTP wakes
 * at the wall-clock time asked for, not at a monotonic delay that no longer matches it.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { sleepUntil } from "tilecast";
 * await sleepUntil(Date.now() + 50); // resolves 50 ms from now, by the wall clock
 * ```
 */
import { TilecastError } from "../errors.js";

/** The longest delay one `setTimeout` honours. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Call `fn` after `ms` (any length; NaN or negative: at once). Returns a function that cancels
 * it. The timers do not keep the process alive beyond what `setTimeout` would (`unref` is not
 * applied).
 */
export function after(ms: number, fn: () => void): () => void {
  let left = ms > 0 ? ms : 0;
  let t: NodeJS.Timeout;
  const link = () => {
    const step = Math.min(left, MAX_TIMER_MS);
    left -= step;
    t = setTimeout(left > 0 ? link : fn, step);
  };
  link();
  return () => clearTimeout(t);
}

const stopped = () => new TilecastError("E_ABORTED", "stopped");

/** Wait `ms` (any length), or reject with E_ABORTED when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(stopped());
    const stop = () => {
      cancel();
      reject(stopped());
    };
    const cancel = after(ms, () => {
      signal?.removeEventListener("abort", stop);
      resolve();
    });
    signal?.addEventListener("abort", stop, { once: true });
  });
}

/**
 * Wait until the wall clock reads `when` (ms since the epoch), looking at it again at least
 * every `stepMs` (default 60 s: a wake-up at most that late after a suspend), or reject with
 * E_ABORTED when `signal` aborts.
 */
export async function sleepUntil(when: number, signal?: AbortSignal, stepMs = 60_000): Promise<void> {
  if (signal?.aborted) throw stopped();
  for (let left = when - Date.now(); left > 0; left = when - Date.now()) await sleep(Math.min(left, stepMs), signal);
}
