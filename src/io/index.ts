/**
 * `tilecast/io`: format drivers (GeoTIFF, Zarr), the source and sink contracts, opening and
 * creating by path, inspection and PNG quicklooks. Loads no TensorFlow.js.
 *
 * @example
 * ```ts
 * import { openSource } from "tilecast/io";
 * const src = await openSource("fixtures/demo/scene.s2like.u16.4b.tif");
 * const g = await src.readWindow({ x: 0, y: 0, width: 4, height: 4 }, { bands: [3] });
 * console.log(g.shape); // [1, 4, 4]
 * await src.close();
 * ```
 */
export { type ErrorCode, errorLine, isTilecastError, TilecastError } from "../errors.js";
export { packingFor } from "./band-packing.js";
export type { CommonSinkOptions, DriverFlag, FormatDriver, OpenOptions } from "./driver.js";
export { type ForeignFormat, foreignFormat } from "./foreign-formats.js";
export { CogSink, type CogWriteOptions, createCogSink } from "./geotiff/cog.js";
export type { GeoTiffMeta } from "./geotiff/describe.js";
export { cogDriver, cogOptions, geoTiffDriver, geoTiffOptions } from "./geotiff/driver.js";
export { describeRaster, formatInfo, type RasterInfo } from "./geotiff/inspect.js";
export { defaultResampling, type OverviewResampling } from "./geotiff/overview.js";
export { GeoTiffSource, openGeoTiff } from "./geotiff/reader.js";
export { createGeoTiffSink, GeoTiffSink, type GeoTiffWriteOptions, needsBigTiff } from "./geotiff/writer.js";
export { maskedSpec } from "./masked-spec.js";
export { CLASS_PALETTE, classColorTable, renderClassOverlay, writeClassOverlay } from "./png/class-overlay.js";
export { type ChartSeries, type LineChart, lineChartSvg, writeLineChart } from "./png/line-chart.js";
export {
  type QuicklookOptions,
  renderQuicklook,
  stretchRanges,
  writePng,
  writeQuicklook,
} from "./png/quicklook.js";
export { QuicklookSampler } from "./png/quicklook-sampler.js";
export {
  createSink,
  detectFormat,
  driverForExtension,
  formats,
  inspectPath,
  openSource,
  outputDriver,
  parseSinkOptions,
  registerFormat,
  type SinkOptions,
  type SourceOptions,
} from "./registry.js";
export { type ResampleSpec, resampleFactor, resampleMethod, resampleSource, resampleSpec } from "./resample.js";
export { stackSources } from "./stack.js";
export { teeSink } from "./tee-sink.js";
export type { GridSink, GridSource, RasterMeta, ReadOptions, SinkSpec, StoredBlocks } from "./types.js";
export { isPacked, unpackSource } from "./unpack.js";
export { MAX_WINDOW_BYTES } from "./window-buffer.js";
export { type CfEncoding, cfDecode, cfEncoding } from "./zarr/cf.js";
export { decodeCfTime, isCfTime, parseCfTime } from "./zarr/cf-time.js";
export { ChunkCache, type DecodedChunk, defaultCacheBytes } from "./zarr/chunk-cache.js";
export { type Compressor, DEFAULT_COMPRESSOR, parseCompressor } from "./zarr/codecs.js";
export { type OpenZarrOptions, openZarr, type ZarrArrayInfo, type ZarrDataset } from "./zarr/dataset.js";
export { zarrDriver, zarrOptions } from "./zarr/driver.js";
export { type ForecastGrid, type ForecastSlot, writeForecastSlot } from "./zarr/forecast-store.js";
export { type CoordGeoref, georefFromCoords, regularStep } from "./zarr/georef.js";
export {
  formatZarrInfo,
  inspectZarr,
  type ZarrArraySummary,
  type ZarrCoordSummary,
  type ZarrInfo,
} from "./zarr/inspect.js";
export { longitudeForm } from "./zarr/longitude-form.js";
export { openZarrRegionSink } from "./zarr/region.js";
export { createZarrSink, type ZarrWriteOptions } from "./zarr/sink.js";
export { openZarrSource, type ZarrMeta, ZarrSource, type ZarrSourceOptions } from "./zarr/source.js";
export { dataVariables } from "./zarr/variables.js";
