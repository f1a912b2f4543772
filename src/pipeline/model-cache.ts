/**
 * The network a run loaded, kept for the process's next run of the same model: a worker takes
 * scene after scene and a schedule runs cycle after cycle, each loading the model anew. For the
 * scene U-Net on ONNX Runtime that load (weights, batch norm folded, the ONNX export, the
 * sessions) was 130-150 ms of a 0.4 s scene, and TF.js keeps every loaded model's tensor names
 * in a map it never empties (about 10 KB a load: a gigabyte over a year of 5-minute cycles).
 *
 * A model is the same when its spec, the files under its path (by content), what it is loaded
 * for (bands, runtime, batch, the normalization it takes into its graph, the input's band names)
 * and `TILECAST_BACKEND` are: a retrained model is loaded afresh. Runs at once share it. Once
 * no run uses it, one model stays loaded; an older one is freed.
 *
 * A forecast's model (its network and the folded copy it runs) is kept the same way.
 *
 * Internal (used by `model-feed.ts` and `forecast-runner.ts`).
 */

/** What the cache keeps: a model with a way to free it. */
export interface Releasable {
  release?(): Promise<void>;
}

interface Entry {
  readonly key: string;
  readonly model: Promise<Releasable>;
  users: number;
  /** When it was last taken, for which idle model to keep. */
  used: number;
}

/** Idle models kept loaded. */
const KEEP = 1;
const entries: Entry[] = [];
let clock = 0;

/**
 * The model for `key`: the kept one, or `load()`'s. `again` is called when a kept model is taken
 * (a TF.js model selects its backend again, as its load did). Its `release` ends this run's use.
 */
export async function sharedModel<T extends Releasable>(
  key: string,
  load: () => Promise<T>,
  again?: (m: T) => Promise<unknown>,
): Promise<T> {
  let e = entries.find((x) => x.key === key);
  const kept = e !== undefined;
  if (!e) {
    // Idle models give way to the new one before it loads. The entry goes in at once, so a run
    // asking for the same model meanwhile waits for this load instead of starting its own.
    const freed = freeSharedModels();
    e = { key, model: freed.then(load), users: 0, used: 0 };
    entries.push(e);
  }
  const entry = e;
  entry.users++;
  entry.used = ++clock;
  let m: T;
  try {
    // The entry under `key` was made by a `load` of this same `T`.
    m = (await entry.model) as T;
    if (kept) await again?.(m);
  } catch (err) {
    entry.users--;
    // A load that failed is forgotten: the next run tries again.
    const i = entries.indexOf(entry);
    if (i >= 0 && !kept) entries.splice(i, 1);
    throw err;
  }
  let released = false;
  return {
    ...m,
    release: async () => {
      if (released) return;
      released = true;
      entry.users--;
      await freeIdle();
    },
  };
}

/** Free the idle models past the {@link KEEP} most recently used. */
async function freeIdle(): Promise<void> {
  const idle = entries.filter((x) => x.users === 0).sort((a, b) => b.used - a.used);
  for (const x of idle.slice(KEEP)) {
    entries.splice(entries.indexOf(x), 1);
    await (await x.model).release?.();
  }
}

/** Free every model no run uses (tests; a process that wants its memory back). */
export async function freeSharedModels(): Promise<void> {
  for (const x of entries.filter((e) => e.users === 0)) {
    entries.splice(entries.indexOf(x), 1);
    await (await x.model).release?.();
  }
}
