/**
 * tilecast: streaming weather and Earth-observation deep learning in TypeScript.
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
export * from "./augment/augment.js";
export * from "./augment/rng.js";
export * from "./augment/sample.js";
export * from "./augment/warp.js";
export * from "./errors.js";
export * from "./grid/band-stats.js";
export * from "./grid/crop.js";
export * from "./grid/crs.js";
export * from "./grid/dtype.js";
export * from "./grid/geotransform.js";
export * from "./grid/grid.js";
export * from "./grid/window.js";
export * from "./io/atomic.js";
export {
  type GeoTiffMeta,
  GeoTiffSource,
  openGeoTiff,
} from "./io/geotiff/reader.js";
export {
  createGeoTiffSink,
  GeoTiffSink,
  type GeoTiffWriteOptions,
  needsBigTiff,
} from "./io/geotiff/writer.js";
export * from "./io/png/quicklook.js";
export * from "./io/registry.js";
export * from "./io/types.js";
export { MAX_WINDOW_BYTES, type WindowBuffer, windowBuffer } from "./io/window-buffer.js";
export * from "./io/zarr/cf.js";
export { type Compressor, DEFAULT_COMPRESSOR, parseCompressor } from "./io/zarr/codecs.js";
export { openZarr, type ZarrArrayInfo, type ZarrDataset } from "./io/zarr/dataset.js";
export { type CoordGeoref, georefFromCoords, regularStep } from "./io/zarr/georef.js";
export { openZarrRegionSink } from "./io/zarr/region.js";
export { createZarrSink, type ZarrWriteOptions } from "./io/zarr/sink.js";
export { dataVariables, openZarrSource, type ZarrMeta, ZarrSource, type ZarrSourceOptions } from "./io/zarr/source.js";
export * from "./models/architectures.js";
export * from "./models/blocks.js";
export * from "./models/convlstm.js";
export * from "./models/global-cnn.js";
export * from "./models/pipeline-models.js";
export * from "./models/rollout.js";
export * from "./models/unet.js";
export * from "./nn/backend.js";
export * from "./nn/conv-arithmetic.js";
export * from "./nn/file-io.js";
export * from "./nn/model-card.js";
export * from "./nn/periodic-padding.js";
export * from "./nn/repeat-frames.js";
export * from "./nn/summary.js";
export * from "./nn/wasm/register.js";
export { tileInto } from "./nn/wasm/tile.js";
export * from "./pipeline/config.js";
export * from "./pipeline/convert.js";
export * from "./pipeline/inspect.js";
export * from "./pipeline/inspect-zarr.js";
export * from "./pipeline/models.js";
export * from "./pipeline/output-quicklook.js";
export * from "./pipeline/preview.js";
export * from "./pipeline/run.js";
export * from "./stages/augment.js";
export * from "./stages/batch.js";
export * from "./stages/compute-stats.js";
export * from "./stages/crop-halo.js";
export * from "./stages/normalize.js";
export * from "./stages/predict.js";
export * from "./stages/read-tiles.js";
export * from "./stages/read-window.js";
export * from "./stages/stitch.js";
export * from "./stages/tile.js";
export * from "./stages/write.js";
export * from "./stages/write-tiles.js";
export * from "./tiling/assembler.js";
export * from "./tiling/index-map.js";
export * from "./tiling/plan.js";
export * from "./tiling/stitch-axis.js";
export * from "./tiling/stitcher.js";
export * from "./tiling/weights.js";
export * from "./util/map-limit.js";
export * from "./util/semaphore.js";
