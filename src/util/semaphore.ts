/**
 * A counting semaphore: `acquire()` resolves when one of `permits` is free; `release()` frees it.
 * Stages use it to bound how many tiles are alive between a read and the stage that ends them.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { Semaphore } from "tilecast";
 * const s = new Semaphore(2);
 * await s.acquire(); await s.acquire(); // a third acquire() waits for a release()
 * s.release();
 * ```
 */
import { TilecastError } from "../errors.js";
export class Semaphore {
  #free: number;
  /** Waiters from `#head` on, in order (a queue without `shift()`, which is O(n) a call). */
  readonly #waiting: ((() => void) | undefined)[] = [];
  #head = 0;

  constructor(permits: number) {
    if (!(Number.isInteger(permits) && permits > 0))
      throw new TilecastError("E_ARGUMENT", `permits must be a positive integer, got ${permits}`);
    this.#free = permits;
  }

  /** Permits currently free. */
  get available(): number {
    return this.#free;
  }

  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting[this.#head];
    if (!next) {
      this.#free++;
      return;
    }
    this.#waiting[this.#head++] = undefined;
    if (this.#head >= 1024 && this.#head * 2 >= this.#waiting.length) {
      this.#waiting.splice(0, this.#head);
      this.#head = 0;
    }
    next();
  }
}
