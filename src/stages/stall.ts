/**
 * Stall detection for bounded readers. `readTiles` hands out at most `concurrency` tiles and waits
 * for `release()` before reading more; a stream whose consumer never releases (a `toArray()` at
 * the end of a pipe, a stage that drops tiles) would wait forever, and Node, finding nothing left
 * to do, would exit silently with code 13. A watch registered here fails such a stream instead:
 * when the event loop is about to empty while a reader still waits for a slot (Node's
 * `beforeExit`), or after `timeoutMs` without a release. The error names the stage that last
 * passed the held tiles on (see {@link markStage}).
 */
import { TilecastError } from "../errors.js";

const lastStage = new WeakMap<() => void, string>();

/**
 * Record that `stage` passed on the tile owning `release` (tiles are copied between stages; their
 * `release` function is what stays the same).
 *
 * @example
 * ```ts
 * import { markStage, stageHolding } from "tilecast/stages";
 * const release = () => {};
 * markStage(release, "normalize");
 * console.log(stageHolding(release)); // normalize
 * ```
 */
export function markStage(release: () => void, stage: string): void {
  lastStage.set(release, stage);
}

/**
 * The last stage recorded for a tile's `release` (`readTiles` when none).
 *
 * @example
 * ```ts
 * import { stageHolding } from "tilecast/stages";
 * console.log(stageHolding(() => {})); // readTiles
 * ```
 */
export function stageHolding(release: () => void): string {
  return lastStage.get(release) ?? "readTiles";
}

/** What a reader tells its watch. */
export interface StallWatch {
  /** Reads waiting for a slot. */
  waiting(): number;
  /** `release` functions of the tiles handed out and not yet released. */
  held(): Iterable<() => void>;
  fail(e: TilecastError): void;
}

const watches = new Set<StallWatch>();
let hooked = false;

function onBeforeExit(): void {
  for (const w of [...watches]) if (w.waiting() > 0) w.fail(stallError(w));
}

/** The error for a stalled reader, naming where its tiles are held. */
export function stallError(w: StallWatch): TilecastError {
  const by = new Map<string, number>();
  for (const r of w.held()) {
    const s = stageHolding(r);
    by.set(s, (by.get(s) ?? 0) + 1);
  }
  const where = [...by].map(([s, n]) => `${n} after '${s}'`).join(", ");
  return new TilecastError(
    "E_STALL",
    `readTiles is waiting for a free slot but every tile it handed out is still held (${where || "none"}) and none is released: the stage that ends a tile's life must call tile.release() (stitch, write and computeStats do); to collect tiles, use readTiles(source, plan, { autoRelease: true })`,
    { stage: "read" },
  );
}

/**
 * Watch a reader until the returned function is called.
 *
 * @example
 * ```ts
 * import { watchStalls } from "tilecast/stages";
 * const stop = watchStalls({ waiting: () => 0, held: () => [], fail: () => {} });
 * stop();
 * ```
 */
export function watchStalls(w: StallWatch): () => void {
  watches.add(w);
  if (!hooked) {
    process.on("beforeExit", onBeforeExit);
    hooked = true;
  }
  return () => {
    watches.delete(w);
  };
}
