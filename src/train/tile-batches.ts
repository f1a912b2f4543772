/**
 * `trainBatches(n)`: labelled tiles in, training batches out. Up to `n` tiles' images are stacked
 * into `x` `[n, h, w, bands]` and their labels into `y` `[n, h, w, labelBands]` (float32, label
 * nodata as NaN, which every loss leaves out), with `mask` `[n, h, w, 1]`: 0 where an image band
 * is invalid. Tiles whose core is all nodata are released at once and never trained on. The
 * tiles' reader slots are held until the trainer has used the batch (`release()`), so the
 * reader's concurrency bounds memory.
 *
 * @example
 * ```ts
 * import { openGeoTiff, planTiles, readTiles } from "tilecast";
 * import { trainBatches } from "tilecast/train";
 * const src = await openGeoTiff("fixtures/demo/scene.s2like.u16.4b.tif");
 * const labels = await openGeoTiff("fixtures/demo/scene.s2like.u16.4b.tif");
 * readTiles(src, planTiles({ width: 512, height: 512, tileSize: 128 }), { labels, concurrency: 8, bands: [0, 1] })
 *   .pipe(trainBatches(4))
 *   .subscribe((b) => {
 *     console.log(b.x.shape, b.y.shape); // [4, 128, 128, 2] [4, 128, 128, 4]
 *     b.x.dispose(); b.y.dispose(); b.mask?.dispose(); b.release?.();
 *   });
 * ```
 */
import { bufferCount, filter, map, type OperatorFunction, pipe } from "rxjs";
import { TilecastError } from "../errors.js";
import { isNodata, pixelValidity } from "../grid/grid.js";
import { stackTiles } from "../stages/batch.js";
import type { Tile } from "../stages/tile.js";
import { tf } from "../tfjs.js";
import type { TrainBatch } from "./trainer.js";

/** A tile's label as HWC float32 cells into `out` at `base`, nodata and masked cells NaN. */
function labelCells(t: Tile, out: Float32Array, base: number): void {
  const l = t.label;
  if (!l)
    throw new TilecastError("E_ARGUMENT", `tile ${t.spec.id} has no label: training needs input.labels`, {
      stage: "train",
    });
  const [c, h, w] = l.shape as [number, number, number];
  const n = h * w;
  for (let b = 0; b < c; b++)
    for (let i = 0; i < n; i++) {
      const k = b * n + i;
      const v = l.data[k] as number;
      out[base + i * c + b] = (l.mask && !l.mask[k]) || isNodata(v, l.nodata) ? Number.NaN : v;
    }
}

function toTrainBatch(tiles: Tile[]): TrainBatch {
  const [c, h, w] = (tiles[0]?.label?.shape ?? [1, 0, 0]) as [number, number, number];
  const n = h * w;
  const y = new Float32Array(tiles.length * n * c);
  const mask = new Float32Array(tiles.length * n).fill(1);
  tiles.forEach((t, k) => {
    labelCells(t, y, k * n * c);
    const valid = pixelValidity(t.grid);
    if (valid) for (let i = 0; i < n; i++) mask[k * n + i] = valid[i] as number;
  });
  return {
    x: stackTiles(tiles),
    y: tf.tensor4d(y, [tiles.length, h, w, c]),
    mask: tf.tensor4d(mask, [tiles.length, h, w, 1]),
    release: () => {
      for (const t of tiles) t.release();
    },
  };
}

/** Batches of `size` labelled tiles; see the module documentation. */
export function trainBatches(size: number): OperatorFunction<Tile, TrainBatch> {
  return pipe(
    filter((t: Tile) => {
      if (t.empty) t.release();
      return !t.empty;
    }),
    bufferCount(size),
    map(toTrainBatch),
  );
}
