/**
 * The queue zarrita's `get` runs a selection's chunk reads on, at most {@link GET_CONCURRENCY}
 * at a time. zarrita's own starts every read at once: a coordinate stored one value a chunk (a
 * `time` appended a step at a time: 150 000 chunk files) failed with "EMFILE: too many open
 * files", and a remote store was sent every request at once.
 *
 * Internal (used by read.ts and text.ts).
 */
import { mapLimit } from "../../util/map-limit.js";

/** Chunk reads in flight for one selection. */
export const GET_CONCURRENCY = 64;

/** A queue for `zarr.get`'s `createQueue` option: reads start at `onIdle`, `limit` at a time. */
export function boundedQueue(limit = GET_CONCURRENCY): {
  add(fn: () => Promise<void>): void;
  onIdle(): Promise<void[]>;
} {
  const tasks: (() => Promise<void>)[] = [];
  return {
    add: (fn) => {
      tasks.push(fn);
    },
    onIdle: () => mapLimit(tasks, limit, (fn) => fn()).then(() => []),
  };
}
