/**
 * tilecast: streaming weather and Earth-observation deep learning in TypeScript.
 *
 * The root re-exports every subpath: `tilecast/grid`, `/io`, `/tiling`, `/augment` (none of
 * which loads TensorFlow.js), `/stages`, `/nn`, `/models`, `/train`, `/pipeline`. Import a subpath to keep
 * startup light when no tensors are needed.
 *
 * @example
 * ```ts
 * import { lastValueFrom } from "rxjs";
 * import { createGeoTiffSink, cropHalo, openGeoTiff, planTiles, readTiles, writeTiles } from "tilecast";
 * const src = await openGeoTiff("fixtures/demo/scene.s2like.u16.4b.tif");
 * const sink = await createGeoTiffSink("/tmp/scene.tif", src.meta);
 * const plan = planTiles({ width: src.meta.width, height: src.meta.height, tileSize: 128, overlap: 16 });
 * await lastValueFrom(readTiles(src, plan).pipe(cropHalo(), writeTiles(sink)));
 * ```
 */
export * from "./augment/index.js";
export { exitCodeFor, stageError } from "./errors.js";
export * from "./grid/index.js";
export * from "./io/index.js";
export * from "./models/index.js";
export * from "./nn/index.js";
export * from "./pipeline/index.js";
export * from "./stages/index.js";
export * from "./tiling/index.js";
export * from "./train/index.js";
