/**
 * The `Grid<D>`: a typed array of dtype `D` with its shape, named dims, georeference, nodata and
 * attributes. Cells are stored C-order (last dim fastest); rasters use dims `["band", "y", "x"]`.
 *
 * @example
 * ```ts
 * import { createGrid } from "tilecast";
 * const g = createGrid("float32", [2, 3, 4], { nodata: -9999 });
 * g.data.length; // 24
 * g.dims; // ["band", "y", "x"]
 * ```
 */

import { TilecastError } from "../errors.js";
import type { Crs } from "./crs.js";
import { allocate, DTYPE_INFO, type DType, type TypedArray } from "./dtype.js";
import { type GeoTransform, IDENTITY_TRANSFORM, windowTransform } from "./geotransform.js";
import { windowRpc } from "./rpc.js";

/** Where a grid sits on Earth. */
export interface Georef {
  /** GDAL-order affine transform from pixel corners to CRS coordinates. */
  readonly transform: GeoTransform;
  /** The CRS, or null when the source had none. */
  readonly crs: Crs | null;
  /** "point" when the source declared PixelIsPoint (the transform still refers to corners). */
  readonly rasterType: "area" | "point";
  /**
   * Ground control points, when the source is georeferenced by them instead of a transform (a
   * Sentinel-1 scene, a scanned map); `transform` is then GDAL's stand-in, (0, 1, 0, 0, 0, 1).
   */
  readonly gcps?: readonly Gcp[];
  /**
   * True when the source gives no transform and no GCPs, only a CRS or RPCs (GDAL's
   * GetGeoTransform fails on it); `transform` is then GDAL's stand-in, and writers write none.
   */
  readonly noTransform?: true;
  /**
   * Rational polynomial coefficients (`rpc.ts`): a satellite scene not yet orthorectified places
   * its pixels by them, beside or instead of a transform.
   */
  readonly rpc?: readonly number[];
  /**
   * Where the latitudes and longitudes behind `gcps` are, cell by cell: 2-D arrays of a Zarr store
   * (a swath's geolocation, `io/zarr/curvilinear.ts`), this raster's cell (0, 0) at their cell
   * (`x`, `y`). A Zarr output copies them, so its cells keep their positions.
   */
  readonly geolocation?: Geolocation;
  /**
   * The coordinates of every column's and row's cell centre (rows in this raster's order), where
   * a Zarr source gives them unevenly spaced: a Gaussian grid's latitudes, which `transform`
   * approximates, or a stretched grid's, which `gcps` sample. A Zarr output writes them as its
   * coordinates, so each cell keeps its exact position.
   */
  readonly axes?: Axes;
}

/** Cell-centre coordinates of a raster's columns and rows; its first cell at (`x0`, `y0`) in them. */
export interface Axes {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly x0: number;
  readonly y0: number;
}

/** 2-D latitude and longitude arrays in a Zarr store, and where a raster's first cell is in them. */
export interface Geolocation {
  readonly store: string;
  readonly lat: string;
  readonly lon: string;
  readonly x: number;
  readonly y: number;
}

/**
 * The transform that places `g`'s pixels, or null where it has none of its own: GCPs stand in for
 * it, or the source gave a CRS or RPCs alone.
 */
export function placingTransform(g: Georef | null): GeoTransform | null {
  return g && !g.gcps?.length && !g.noTransform ? g.transform : null;
}

/** A ground control point: a pixel position (from the raster's top-left corner) and where it lies in the CRS. */
export interface Gcp {
  readonly pixel: number;
  readonly line: number;
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** `g` for the window `w` of its raster: the transform moved to the window, and its GCPs, RPCs, geolocation and axes with it. */
export function windowGeoref(g: Georef, w: { x: number; y: number }): Georef {
  const moved: Georef = { ...g, transform: windowTransform(g.transform, w) };
  return {
    ...moved,
    ...(g.gcps ? { gcps: g.gcps.map((p) => ({ ...p, pixel: p.pixel - w.x, line: p.line - w.y })) } : {}),
    ...(g.rpc ? { rpc: windowRpc(g.rpc, w.x, w.y) } : {}),
    ...(g.geolocation ? { geolocation: { ...g.geolocation, x: g.geolocation.x + w.x, y: g.geolocation.y + w.y } } : {}),
    ...(g.axes ? { axes: { ...g.axes, x0: g.axes.x0 + w.x, y0: g.axes.y0 + w.y } } : {}),
  };
}

/** A colour table entry: red, green, blue and alpha, 0-255. */
export type ColorEntry = readonly [number, number, number, number];

/** Attributes carried with a grid. */
export interface GridAttrs {
  /** One name per band, when known. */
  bandNames?: readonly (string | null)[];
  /**
   * The first band's colour table (a palette GeoTIFF's, GDAL's `GetColorTable`): entry `i` is the
   * colour of value `i`. Written to one- or two-band uint8 and uint16 GeoTIFFs.
   */
  colorTable?: readonly ColorEntry[];
  /**
   * The first band's class names: entry `i` names value `i` (GDAL's category names, which a
   * GeoTIFF keeps in its `.aux.xml` sidecar; QGIS labels a paletted legend with them).
   */
  categoryNames?: readonly string[];
  /** Per-band scale and offset: physical = stored * scale + offset. */
  scale?: readonly number[];
  offset?: readonly number[];
  /** Each band's unit (GDAL's unit type: "K", "m", "mm/h"), when known. A Zarr variable's is `units`. */
  bandUnits?: readonly (string | null)[];
  /** Each band's other metadata items (GDAL's band metadata: a wavelength, a sensor's band name). */
  bandMetadata?: readonly (Readonly<Record<string, string>> | null)[];
  /**
   * Each band's variable, where the bands were read from several variables of a store (`--var
   * t2m,tp`): a Zarr output writes each variable back as its own.
   */
  bandVariables?: readonly string[];
  /** Metadata items in GDAL domains other than the default one (`IMAGERY`, a product's own), by domain. */
  metadataDomains?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Anything else (kept through conversions where the format allows). */
  [key: string]: unknown;
}

/** A typed n-dimensional array with georeferencing and a nodata mask. */
export interface Grid<D extends DType = DType> {
  readonly dtype: D;
  readonly data: TypedArray<D>;
  readonly shape: readonly number[];
  readonly dims: readonly string[];
  readonly georef: Georef | null;
  /** The value that marks missing cells (may be NaN), or null. */
  readonly nodata: number | null;
  /**
   * Explicit validity mask, one byte per cell (1 valid, 0 missing), or null when validity follows
   * from `nodata` alone. See {@link validMask}.
   */
  readonly mask: Uint8Array | null;
  readonly attrs: GridAttrs;
}

/** Options for {@link createGrid}. */
export interface CreateGridOptions<D extends DType> {
  data?: TypedArray<D>;
  dims?: readonly string[];
  georef?: Georef | null;
  nodata?: number | null;
  mask?: Uint8Array | null;
  attrs?: GridAttrs;
}

/** Default dim names by rank. */
function defaultDims(rank: number): string[] {
  if (rank === 2) return ["y", "x"];
  if (rank === 3) return ["band", "y", "x"];
  return Array.from({ length: rank }, (_, i) => `dim_${i}`);
}

/** Build a grid, allocating zeroed data unless `data` is given. Checks that sizes agree. */
export function createGrid<D extends DType>(
  dtype: D,
  shape: readonly number[],
  options: CreateGridOptions<D> = {},
): Grid<D> {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = options.data ?? allocate(dtype, size);
  if (data.length !== size) {
    throw new TilecastError("E_ARGUMENT", `data has ${data.length} cells, shape ${shape.join("x")} needs ${size}`);
  }
  const dims = options.dims ?? defaultDims(shape.length);
  if (dims.length !== shape.length) throw new TilecastError("E_ARGUMENT", "dims and shape differ in rank");
  if (options.mask && options.mask.length !== size) throw new TilecastError("E_ARGUMENT", "mask size differs");
  return {
    dtype,
    data,
    shape: [...shape],
    dims: [...dims],
    georef: options.georef ?? null,
    nodata: options.nodata ?? null,
    mask: options.mask ?? null,
    attrs: options.attrs ?? {},
  };
}

/** Attributes for a subset of bands: per-band lists (names, scale, offset, units, metadata) picked in that order. */
export function selectBands(attrs: GridAttrs, bands: readonly number[]): GridAttrs {
  const pick = <T>(a: readonly T[] | undefined) => (a ? bands.map((b) => a[b] as T) : undefined);
  const out: GridAttrs = { ...attrs };
  if (attrs.bandNames) out.bandNames = pick(attrs.bandNames);
  if (attrs.scale) out.scale = pick(attrs.scale);
  if (attrs.offset) out.offset = pick(attrs.offset);
  if (attrs.bandUnits) out.bandUnits = pick(attrs.bandUnits);
  if (attrs.bandMetadata) out.bandMetadata = pick(attrs.bandMetadata);
  if (attrs.bandVariables) out.bandVariables = pick(attrs.bandVariables);
  // The colour table is band 1's: it stays only while band 1 stays first.
  if (attrs.colorTable && bands[0] !== 0) delete out.colorTable;
  return out;
}

/** A georef with no transform of its own (`noTransform`): a CRS alone, or none where RPCs place the pixels. */
export function unplacedGeoref(crs: Crs | null, rasterType: "area" | "point" = "area"): Georef {
  return { transform: IDENTITY_TRANSFORM, crs, rasterType, noTransform: true };
}

/** A georef with the identity transform and no CRS. */
export function plainGeoref(): Georef {
  return { transform: IDENTITY_TRANSFORM, crs: null, rasterType: "area" };
}

/** True when `v` equals the nodata value (NaN-aware). */
export function isNodata(v: number, nodata: number | null): boolean {
  if (nodata === null) return false;
  return Number.isNaN(nodata) ? Number.isNaN(v) : v === nodata;
}

/** The validity of every cell (1 valid, 0 missing): the explicit mask AND the nodata test. */
export function validMask(g: Grid): Uint8Array {
  const out = g.mask ? Uint8Array.from(g.mask) : new Uint8Array(g.data.length).fill(1);
  if (g.nodata !== null) {
    const d = g.data;
    const nd = g.nodata;
    if (Number.isNaN(nd)) {
      for (let i = 0; i < d.length; i++) if (Number.isNaN(d[i] as number)) out[i] = 0;
    } else {
      for (let i = 0; i < d.length; i++) if (d[i] === nd) out[i] = 0;
    }
  }
  return out;
}

/** One byte per pixel: 1 when every band of the input is valid there. */
export function pixelValidity(g: Grid): Uint8Array | null {
  if (g.nodata === null && !g.mask) return null;
  const [bands, h, w] = g.shape as [number, number, number];
  const n = h * w;
  const out = new Uint8Array(n).fill(1);
  for (let b = 0; b < bands; b++)
    for (let i = 0; i < n; i++) {
      const k = b * n + i;
      if ((g.mask && !g.mask[k]) || isNodata(g.data[k] as number, g.nodata)) out[i] = 0;
    }
  return out;
}

/** Bytes of cell data a grid of this dtype and shape holds. */
export function byteSize(dtype: DType, shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1) * DTYPE_INFO[dtype].bytes;
}
