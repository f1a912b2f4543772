/**
 * `batch(n)`: tiles in, batches out: up to `n` tiles stacked into one NHWC float32 tensor
 * `[n, h, w, bands]` (tiles are `(bands, h, w)` grids; every tile of a plan has the same read
 * size). Empty tiles (all nodata) ride along in `tiles` but are left out of the tensor.
 * A partial batch is flushed when the stream ends, or when no tile has arrived for `maxWaitMs`
 * (so a reader whose concurrency is smaller than `n` can never stall the pipeline).
 *
 * With `{ normalize }` (a `normalize()` operator's `normalization`), tiles are normalized as
 * they are stacked: the values and validity `normalize()` then `batch()` give, in one pass and
 * without a float32 copy of each tile. The pipeline runner does this for a last `normalize` stage.
 *
 * With `{ planar }` (the scaling a model applies itself: ONNX Runtime with the normalization in
 * its graph), tiles are stacked raw and bands first, `[n, bands, h, w]` (`layout: "nchw"`): one
 * copy a tile (`stack-planar.ts`). The pipeline runner does this when its model says so.
 *
 * Tensors live only from here until `predict` and `stitch`, which dispose them.
 *
 * @example
 * ```ts
 * import { batch, openGeoTiff, planTiles, readTiles } from "tilecast";
 * const src = await openGeoTiff("fixtures/demo/scene.s2like.u16.4b.tif");
 * const plan = planTiles({ width: 512, height: 512, tileSize: 128 });
 * readTiles(src, plan, { concurrency: 8 }).pipe(batch(4)).subscribe((b) => {
 *   console.log(b.x?.shape); // [4, 128, 128, 4]
 *   b.x?.dispose();
 *   for (const t of b.tiles) t.release();
 * });
 * ```
 */

import { asyncScheduler, Observable, type OperatorFunction, type Subscription } from "rxjs";
import { TilecastError } from "../errors.js";
import { pixelValidity } from "../grid/grid.js";
import { tensorFromArray } from "../nn/tensor-array.js";
import { tf } from "../tfjs.js";
import { batchArray } from "../util/batch-buffers.js";
import type { Normalization } from "./normalize.js";
import { normalizeInterleaved } from "./normalize-interleaved.js";
import { type InputScaling, stackRaw } from "./stack-planar.js";
import { markStage } from "./stall.js";
import type { Tile } from "./tile.js";

/**
 * A tile once its pixels are in a batch tensor: its place, its per-pixel validity (for
 * masking predictions) and its release. The pixel grid itself is dropped, so memory holds each
 * tile's pixels once, in the tensor.
 */
export interface BatchedTile {
  readonly spec: Tile["spec"];
  readonly window: Tile["window"];
  readonly empty: boolean;
  /** One byte per pixel: 1 where every input band is valid (null: all valid). */
  readonly valid: Uint8Array | null;
  release(): void;
}

/** A batch of tiles and, for the non-empty ones, their stacked pixels. */
export interface Batch {
  readonly tiles: readonly BatchedTile[];
  /**
   * `[k, h, w, bands]` for the `k` non-empty tiles, in the order of `index` (`[k, bands, h, w]`
   * when `layout` is `nchw`); null if all are empty.
   */
  readonly x: tf.Tensor4D | null;
  /** How `x` is laid out (default `nhwc`; `nchw` for `batch`'s `planar`). */
  readonly layout?: "nhwc" | "nchw";
  /** Positions in `tiles` of the tensor's rows. */
  readonly index: readonly number[];
}

/** Options for {@link batch}. */
export interface BatchOptions {
  /** Flush a partial batch after this long without a new tile (default 50 ms). */
  maxWaitMs?: number;
  /**
   * Normalize while stacking, as `normalize(stats, { method })` just before `batch` would (the
   * same values and validity), without a float32 copy of each tile: a {@link normalize}
   * operator's `normalization`. The pipeline runner passes its last tile stage here when that is
   * `normalize`.
   */
  normalize?: Normalization;
  /**
   * Stack on the host (the cpu backend) whatever the active backend: for a model that reads its
   * input on the JavaScript side (ONNX Runtime), which would otherwise find the batch copied into
   * wasm's or TensorFlow's memory for nothing. The pipeline runner sets it for models that say
   * so (`LoadedModel.host`: ONNX Runtime, `identity`).
   */
  host?: boolean;
  /**
   * Stack raw values bands first for a model that scales them itself (see the module
   * documentation); takes the place of `normalize`, and implies `host`.
   */
  planar?: InputScaling;
}

function interleave4(d: Float32Array, out: Float32Array, base: number, n: number): void {
  const b0 = d.subarray(0, n);
  const b1 = d.subarray(n, 2 * n);
  const b2 = d.subarray(2 * n, 3 * n);
  const b3 = d.subarray(3 * n, 4 * n);
  for (let i = 0, j = base; i < n; i++, j += 4) {
    out[j] = b0[i] as number;
    out[j + 1] = b1[i] as number;
    out[j + 2] = b2[i] as number;
    out[j + 3] = b3[i] as number;
  }
}

/** Copy a CHW grid's cells into `out` from `base` as HWC. */
function interleave(d: Tile["grid"]["data"], out: Float32Array, base: number, n: number, c: number): void {
  if (d instanceof Float32Array) {
    // The common cases (normalized tiles), kept monomorphic so they compile to plain copy loops;
    // four bands (RGB + NIR) write each pixel's cells together.
    if (c === 1) out.set(d, base);
    else if (c === 4) interleave4(d, out, base, n);
    else
      for (let b = 0; b < c; b++) {
        const band = d.subarray(b * n, (b + 1) * n);
        for (let i = 0, j = base + b; i < n; i++, j += c) out[j] = band[i] as number;
      }
    return;
  }
  for (let b = 0; b < c; b++) for (let i = 0; i < n; i++) out[base + i * c + b] = d[b * n + i] as number;
}

/** Refuse a tile whose grid is not `c x h x w`, the batch's shape. */
function sameShape(t: Tile, c: number, h: number, w: number): void {
  const [tc, th, tw] = t.grid.shape as [number, number, number];
  if (tc !== c || th !== h || tw !== w)
    throw new TilecastError("E_ARGUMENT", `tile ${t.spec.id} is ${tc}x${th}x${tw}, the batch is ${c}x${h}x${w}`, {
      stage: "batch",
    });
}

/**
 * Stack tiles (CHW grids) into an NHWC float32 tensor; with `normalization`, normalized on the
 * way, each tile's pixel validity then written to `valid` (see {@link BatchOptions.normalize});
 * with `host`, on the cpu backend ({@link BatchOptions.host}). The tensor is `consumable`: the
 * model that reads it may take its array (`takeSource`), disposing it.
 */
export function stackTiles(
  tiles: readonly Tile[],
  normalization?: Normalization,
  valid?: (Uint8Array | null)[],
  host = false,
): tf.Tensor4D {
  const [c, h, w] = tiles[0]?.grid.shape as [number, number, number];
  const n = h * w;
  const buf = new Float32Array(tiles.length * n * c);
  tiles.forEach((t, k) => {
    sameShape(t, c, h, w);
    if (!normalization) interleave(t.grid.data, buf, k * n * c, n, c);
    else {
      markStage(t.release, "normalize");
      const v = normalizeInterleaved(t.grid, normalization.stats, normalization.method, buf, k * n * c);
      if (valid) valid[k] = v;
    }
  });
  return tensorFromArray<tf.Rank.R4>(buf, [tiles.length, h, w, c], { host, consumable: true });
}

/** Stack tiles raw into `[k, bands, h, w]` on the host, each tile's validity to `valid`. */
function stackPlanar(tiles: readonly Tile[], shift: Float32Array, valid: (Uint8Array | null)[]): tf.Tensor4D {
  const [c, h, w] = tiles[0]?.grid.shape as [number, number, number];
  const size = c * h * w;
  const buf = batchArray(tiles.length * size); // every cell is written below
  tiles.forEach((t, k) => {
    sameShape(t, c, h, w);
    if (c !== shift.length)
      throw new TilecastError("E_ARGUMENT", `tile ${t.spec.id} has ${c} bands, the model scales ${shift.length}`, {
        stage: "batch",
      });
    markStage(t.release, "normalize");
    valid[k] = stackRaw(t.grid, shift, buf, k * size);
  });
  return tensorFromArray<tf.Rank.R4>(buf, [tiles.length, c, h, w], { host: true, consumable: true });
}

function toBatch(tiles: Tile[], options: BatchOptions): Batch {
  const { normalize: normalization, planar } = options;
  const index = tiles.flatMap((t, i) => (t.empty ? [] : [i]));
  const fusedValid: (Uint8Array | null)[] = [];
  const stacked = index.map((i) => tiles[i] as Tile);
  const x =
    index.length === 0
      ? null
      : planar
        ? stackPlanar(stacked, Float32Array.from(planar.shift), fusedValid)
        : stackTiles(stacked, normalization, fusedValid, options.host ?? false);
  const fused = planar !== undefined || normalization !== undefined;
  const row = new Map(index.map((i, k) => [i, k]));
  // Keep only what stitching needs, so the tiles' grids can be collected (`release` is a closure
  // of the reader's and does not hold the tile).
  const refs = tiles.map(({ spec, window, empty, grid, release }, i) => ({
    spec,
    window,
    empty: empty ?? false,
    valid: empty ? null : fused ? (fusedValid[row.get(i) as number] ?? null) : pixelValidity(grid),
    release,
  }));
  return { tiles: refs, x, index, ...(planar ? { layout: "nchw" as const } : {}) };
}

/**
 * `batch(n)`: tiles in, batches out: up to `n` tiles stacked into one NHWC float32 tensor `[n, h, w, bands]` (tiles are `(bands, h, w)` grids.
 * Details and a complete example: the module documentation above.
 */
export function batch(size: number, options: BatchOptions = {}): OperatorFunction<Tile, Batch> {
  if (!(Number.isInteger(size) && size > 0))
    throw new TilecastError("E_ARGUMENT", `batch size must be a positive integer, got ${size}`, { stage: "batch" });
  const wait = options.maxWaitMs ?? 50;
  return (tiles) =>
    new Observable<Batch>((out) => {
      let buf: Tile[] = [];
      let timer: Subscription | null = null;
      const flush = () => {
        timer?.unsubscribe();
        timer = null;
        if (buf.length === 0) return;
        const ready = buf;
        buf = [];
        try {
          out.next(toBatch(ready, options));
        } catch (e) {
          for (const t of ready) t.release();
          out.error(e);
        }
      };
      const sub = tiles.subscribe({
        next(t) {
          buf.push(t);
          if (buf.length >= size) flush();
          else {
            timer?.unsubscribe();
            timer = asyncScheduler.schedule(flush, wait);
          }
        },
        error(e) {
          timer?.unsubscribe();
          for (const t of buf) t.release();
          out.error(e);
        },
        complete() {
          flush();
          out.complete();
        },
      });
      return () => {
        timer?.unsubscribe();
        sub.unsubscribe();
      };
    });
}
