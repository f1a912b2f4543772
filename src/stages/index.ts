/**
 * `tilecast/stages`: the RxJS operators a pipeline is made of, one per file: `readTiles`,
 * `computeStats`, `normalize`, `augment`, `batch`, `predict`, `stitch`, `write`, `cropHalo`,
 * `writeTiles`, plus `abortWith` and `stageName`. Loads TensorFlow.js (batches are tensors).
 *
 * @example
 * ```ts
 * import { lastValueFrom } from "rxjs";
 * import { openGeoTiff } from "tilecast/io";
 * import { planTiles } from "tilecast/tiling";
 * import { batch, predict, readTiles, stitch, write } from "tilecast/stages";
 * import { createGeoTiffSink } from "tilecast/io";
 * const src = await openGeoTiff("fixtures/demo/scene.s2like.u16.4b.tif");
 * const plan = planTiles({ width: 512, height: 512, tileSize: 128, overlap: 16 });
 * const sink = await createGeoTiffSink("/tmp/copy.tif", { ...src.meta, dtype: "float32", nodata: null });
 * await lastValueFrom(readTiles(src, plan, { concurrency: 8 }).pipe(batch(4), predict((x) => x.clone()), stitch(plan, { dtype: "float32", nodata: null }), write(sink)));
 * ```
 */
export { type ErrorCode, isTilecastError, stageError, TilecastError } from "../errors.js";
export { abortWith } from "./abort.js";
export { type AugmentStageOptions, augment, augmentStageOptions, augmentTile } from "./augment.js";
export { type Batch, type BatchedTile, type BatchOptions, batch, stackTiles } from "./batch.js";
export { type ComputeStatsOptions, computeStats, loadStats, saveStats } from "./compute-stats.js";
export { cropHalo } from "./crop-halo.js";
export { inOrder } from "./in-order.js";
export {
  denormalizeValue,
  type Normalization,
  type NormalizeMethod,
  type NormalizeOperator,
  type NormalizeOptions,
  normalize,
  normalizeGrid,
  normalizeMethod,
  normalizeStageOptions,
} from "./normalize.js";
export {
  type AsyncPredictor,
  isAsyncPredictor,
  type Prediction,
  type Predictor,
  predict,
  runPredictor,
  runPredictorAsync,
} from "./predict.js";
export { coreIsEmpty, loadTiles, type ReadTilesOptions, readTiles } from "./read-tiles.js";
export type { OutsideRules } from "./read-window.js";
export { stageName } from "./stage-name.js";
export { markStage, type StallWatch, stageHolding, watchStalls } from "./stall.js";
export { type StitchOptions, stitch } from "./stitch.js";
export type { Tile } from "./tile.js";
export { type SinkOrFactory, type WritableRegion, type WriteOptions, type WriteProgress, write } from "./write.js";
export { type TileWriteProgress, writeTiles } from "./write-tiles.js";
