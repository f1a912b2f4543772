/**
 * `tilecast/grid`: the grid model (typed arrays with shape, dims, georeference, nodata and
 * mask), dtypes, windows, block grids, geotransforms, CRSs and band statistics. Pure; loads no
 * TensorFlow.js.
 *
 * @example
 * ```ts
 * import { createGrid, pixelToWorld } from "tilecast/grid";
 * const g = createGrid("uint8", [1, 2, 2], { data: Uint8Array.of(1, 2, 3, 4) });
 * console.log(g.shape, pixelToWorld([500000, 10, 0, 4600000, 0, -10], 1, 1)); // [1, 2, 2] [500010, 4599990]
 * ```
 */
export { type ErrorCode, errorLine, isTilecastError, TilecastError, type TilecastErrorOptions } from "../errors.js";
export {
  type BandStats,
  BandStatsAccumulator,
  pooledStats,
  type Stats,
  transformValue,
  type ValueTransform,
  valueTransform,
} from "./band-stats.js";
export { type BlockGrid, blockWindow, makeBlockGrid } from "./block-grid.js";
export { type Calendar, dateFromDays, daysFromDate, monthDays } from "./calendars.js";
export { classify } from "./classes.js";
export { cropGrid } from "./crop.js";
export {
  type Crs,
  type CrsKind,
  crsFromEpsg,
  epsgKind,
  epsgName,
  extensionProj4,
  isGeographic,
  isRotatedPole,
  parseCrs,
  proj4Definition,
  sameCrs,
  transformPoint,
} from "./crs.js";
export {
  allocate,
  DTYPE_INFO,
  DTYPES,
  type DType,
  fitsDtype,
  isDType,
  storedValue,
  type TypedArray,
  type TypedArrayMap,
} from "./dtype.js";
export { dtypeSchema } from "./dtype-schema.js";
export {
  bounds,
  type GeoTransform,
  IDENTITY_TRANSFORM,
  isNorthUp,
  pixelToWorld,
  shiftHalfPixel,
  windowTransform,
  worldToPixel,
} from "./geotransform.js";
export {
  byteSize,
  type ColorEntry,
  type CreateGridOptions,
  createGrid,
  type Georef,
  type Grid,
  type GridAttrs,
  isNodata,
  pixelValidity,
  placingTransform,
  plainGeoref,
  selectBands,
  validMask,
} from "./grid.js";
export { type GridShape, gridMismatch } from "./grid-match.js";
export { extrapolate, fft2, phaseCorrelation, shiftFrame } from "./motion.js";
export { proj4Wkt } from "./proj-wkt.js";
export { type LabelTime, parseTimeIn, parseTimeLabel, timeLabel } from "./time-labels.js";
export { parseUtc } from "./utc-time.js";
export {
  area as windowArea,
  contains as windowContains,
  intersect as intersectWindows,
  isEmpty as isEmptyWindow,
  pad as padWindow,
  relativeTo as windowRelativeTo,
  type Window,
  win as makeWindow,
} from "./window.js";
