/**
 * A Zarr variable as a {@link GridSource}: its last two dims are y and x; one more dim may be left
 * free (it becomes the bands, e.g. time steps), the others are fixed with `index`. Reads are
 * windowed (only touched chunks), CF-decoded (scale/offset, fill values -> NaN) and north-up.
 *
 * @example
 * ```ts
 * import { openZarrSource } from "tilecast";
 * const src = await openZarrSource("fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr", { variable: "t2m" });
 * src.meta.bands; // 4 time steps
 * src.meta.periodicX; // true: the grid spans 360 degrees of longitude
 * ```
 */
import { TilecastError } from "../../errors.js";
import type { TypedArray } from "../../grid/dtype.js";
import { createGrid, type Grid, selectBands, windowGeoref } from "../../grid/grid.js";
import { isEmpty, type Window } from "../../grid/window.js";
import { withoutTypedNames } from "../carried-attrs.js";
import type { GridSource, RasterMeta, ReadOptions } from "../types.js";
import { allocateWindow, planWindow } from "../window-buffer.js";
import { type CfEncoding, cfDecode, cfEncoding, decodedNodata, keptPacking } from "./cf.js";
import { isCfTime } from "./cf-time.js";
import type { ChunkCache } from "./chunk-cache.js";
import { curvilinearGeoref, irregularGeoref, latLon2d } from "./curvilinear.js";
import { openZarr, type ZarrArrayInfo } from "./dataset.js";
import { checkSpatialLast, transpose } from "./dims-order.js";
import { categoryNamesOf } from "./flag-meanings.js";
import { ownCrsText } from "./gdal-crs.js";
import { georefFromCoords, georefWithoutCoords, isLatLon, regularStep, unwrapLongitudes } from "./georef.js";
import { coordinateScale, gridMappingOf, withMappingNames } from "./grid-mapping.js";
import { groupView } from "./groups.js";
import { unitMetres } from "./length-units.js";
import { type AxisSelection, arrayDtype, readCoord, readSelection } from "./read.js";
import { checkCoordFinite, checkCoordLength } from "./validate.js";
import { coordLabels, dataVariables, namesAttr, timesAlong, timesAlongLabels } from "./variables.js";

/** Options for {@link openZarrSource}. */
export interface ZarrSourceOptions {
  /** The variable to read (default: the only data variable). */
  variable?: string;
  /** Fixed indices for dims other than y, x and the band dim, e.g. `{ level: 3 }`. */
  index?: Readonly<Record<string, number>>;
  /** Budget of the decoded-chunk cache in bytes (default: `TILECAST_ZARR_CACHE_MB`, 64 MiB; 0: none). */
  cacheBytes?: number;
  /**
   * `index` entries for dims the variable lacks are left out, not refused: variables stacked as
   * bands (`stack.ts`), a static field beside time series all fixed at `{ time: 0 }`.
   */
  indexWhereFound?: boolean;
  /** Read a packed variable as stored, its packing as the bands' scale and offset (`OpenOptions.packed`). */
  packed?: boolean;
}

/** Metadata of a Zarr-backed source. */
export interface ZarrMeta extends RasterMeta {
  readonly variable: string;
  readonly dims: readonly string[];
  readonly bandDim: string | null;
  readonly flipY: boolean;
  readonly zarrFormat: 2 | 3;
}

/** A variable of an open store; see the module documentation. */
export class ZarrSource implements GridSource {
  readonly meta: ZarrMeta;
  readonly #info: ZarrArrayInfo;
  readonly #fixed: ReadonlyMap<number, number>;
  readonly #enc: CfEncoding;
  /** Stored (..., x, y): each read is transposed. */
  readonly #transposed: boolean;
  /** The store's decoded-chunk cache (null when off). */
  readonly cache: ChunkCache | null;

  constructor(
    meta: ZarrMeta,
    info: ZarrArrayInfo,
    fixed: ReadonlyMap<number, number>,
    enc: CfEncoding,
    cache: ChunkCache | null = null,
    transposed = false,
  ) {
    this.meta = meta;
    this.cache = cache;
    this.#info = info;
    this.#fixed = fixed;
    this.#enc = enc;
    this.#transposed = transposed;
  }

  async readWindow(w: Window, options: ReadOptions = {}): Promise<Grid> {
    const m = this.meta;
    const plan = planWindow(m, w, options.bands, this.#enc.decoded);
    const { bands, inner } = plan;
    const nd = this.#info.dims.length;
    const [yAt, xAt] = this.#transposed ? [nd - 1, nd - 2] : [nd - 2, nd - 1];
    const select = (band: number): AxisSelection[] => {
      const y0 = m.flipY ? m.height - (inner.y + inner.height) : inner.y;
      return this.#info.dims.map((_, d) => {
        if (d === xAt) return [inner.x, inner.x + inner.width] as const;
        if (d === yAt) return [y0, y0 + inner.height] as const;
        return this.#fixed.get(d) ?? band;
      });
    };
    const read = async (band: number) => {
      const v = cfDecode((await readSelection(this.#info, select(band), m.path, options.signal)).data, this.#enc);
      return this.#transposed ? transpose(v, inner.width, inner.height) : v;
    };
    const grid = (data: TypedArray, mask: Uint8Array | null) =>
      createGrid(m.dtype, [bands.length, w.height, w.width], {
        data,
        georef: m.georef ? windowGeoref(m.georef, w) : null,
        nodata: m.nodata,
        mask,
        attrs: selectBands(m.attrs, bands),
      });
    let first: TypedArray | null = null;
    if (bands.length === 1 && plan.inside && !m.flipY && !isEmpty(inner)) {
      first = await read(bands[0] as number);
      if (first.length === plan.length) return grid(first, null); // the window is what was read: no copy
    }
    const { out, mask } = allocateWindow(m, plan);
    if (!isEmpty(inner)) {
      const plane = w.width * w.height;
      await Promise.all(
        bands.map(async (band, i) => {
          const values = i === 0 && first ? first : await read(band);
          for (let r = 0; r < inner.height; r++) {
            const src = (m.flipY ? inner.height - 1 - r : r) * inner.width;
            const dst = i * plane + (inner.y - w.y + r) * w.width + (inner.x - w.x);
            out.set(values.subarray(src, src + inner.width) as never, dst);
            mask?.fill(1, dst, dst + inner.width);
          }
        }),
      );
    }
    return grid(out, mask);
  }

  async close(): Promise<void> {}
}

/**
 * Open one variable of a Zarr store as a grid source.
 *
 * @throws TilecastError E_ARGUMENT naming the variable or index that does not exist.
 */
export async function openZarrSource(path: string, o: ZarrSourceOptions = {}): Promise<ZarrSource> {
  const opened = await openZarr(path, o); // its cache budget, and the variable a remote store may need
  const candidates = dataVariables(opened);
  const name = o.variable ?? (candidates.length === 1 ? candidates[0] : undefined);
  if (name === undefined) {
    throw new TilecastError("E_ARGUMENT", `choose a variable with --var (${candidates.join(", ") || "none found"})`, {
      path,
    });
  }
  const kind = opened.unreadable.get(name);
  if (kind)
    throw new TilecastError("E_UNSUPPORTED", `variable '${name}' holds ${kind}, which tilecast does not read`, {
      path,
    });
  // A variable in a group sees its own group's coordinates (groups.ts).
  const { ds, leaf } = groupView(opened, name);
  const info = ds.arrays.get(leaf);
  if (!info)
    throw new TilecastError("E_ARGUMENT", `variable '${name}' does not exist (${candidates.join(", ")})`, { path });
  if (info.dims.length < 2)
    throw new TilecastError("E_ARGUMENT", `variable '${name}' has ${info.dims.length} dims; need y and x`, { path });
  const transposed = checkSpatialLast(path, name, info.dims, (d) => ds.arrays.get(d)?.attrs);
  const nd = info.dims.length;
  // Where rows and columns are among the dims: (..., y, x), or (..., x, y) read transposed.
  const [yAt, xAt] = transposed ? [nd - 1, nd - 2] : [nd - 2, nd - 1];
  const fixed = new Map<number, number>();
  for (const [dim, i] of Object.entries(o.index ?? {})) {
    const d = info.dims.indexOf(dim);
    if (d < 0 && o.indexWhereFound) continue;
    if (d < 0)
      throw new TilecastError("E_ARGUMENT", `no dimension '${dim}' in '${name}' (${info.dims.join(", ")})`, { path });
    if (d >= nd - 2)
      throw new TilecastError("E_ARGUMENT", `'${dim}' is a spatial dimension; use a window, not --index`, { path });
    const n = info.shape[d] ?? 0;
    if (!Number.isInteger(i) || i < 0 || i >= n)
      throw new TilecastError("E_ARGUMENT", `--index ${dim}=${i} is out of range (0..${n - 1})`, { path });
    fixed.set(d, i);
  }
  const free = info.dims.slice(0, nd - 2).filter((_, d) => !fixed.has(d));
  if (free.length > 1)
    throw new TilecastError(
      "E_ARGUMENT",
      `dimensions ${free.join(", ")} of '${name}' need --index (one may stay free as bands)`,
      { path },
    );
  const bandDim = free[0] ?? null;
  const [yDim, xDim] = [info.dims[yAt], info.dims[xAt]] as [string, string];
  const yc = ds.arrays.get(yDim);
  const xc = ds.arrays.get(xDim);
  // The band coordinate's labels, asked for beside the spatial ones (over http, one round trip).
  const bandCoord = bandDim ? ds.arrays.get(bandDim) : undefined;
  const labels = bandCoord?.dims.length === 1 ? coordLabels(bandCoord, path) : undefined;
  labels?.catch(() => undefined); // awaited below, after the coordinates' own errors
  let georef = null;
  let flipY = false;
  let periodicX = false;
  // CF's grid mapping (rioxarray's spatial_ref; its CF parameters alone), else the variable's
  // own attribute: GDAL's _CRS, or a crs string (gdal-crs.ts).
  const metres = unitMetres(xc?.attrs.units) ?? 1;
  const gm = gridMappingOf(ds.arrays, name, info, { x: xDim, y: yDim, metres }, path);
  const crsText = gm?.crsText ?? ownCrsText(info.attrs, path);
  if (!yc && !xc) georef = georefWithoutCoords(gm?.attrs.GeoTransform, crsText, path);
  else if (yc && xc && yc.dims.length === 1 && xc.dims.length === 1) {
    const geo = isLatLon(yDim, xDim, yc.attrs, xc.attrs);
    // Positions in the CRS's units: a geostationary view's scan angles become metres, and
    // kilometres or feet on a CRS in metres become metres.
    const position = async (c: ZarrArrayInfo) => {
      const v = await readCoord(c, path);
      const k = coordinateScale(gm, crsText, c.attrs);
      return k === 1 ? v : v.map((t) => t * k);
    };
    const [ys, xs] = [position(yc), position(xc)]; // both asked for at once; y's error first
    xs.catch(() => undefined);
    const yv = await ys;
    const read = await xs;
    const xv = geo ? unwrapLongitudes(read) : read;
    checkCoordLength(path, yDim, yv.length, info.shape[yAt] ?? 0);
    checkCoordLength(path, xDim, xv.length, info.shape[xAt] ?? 0);
    checkCoordFinite(path, yDim, yv);
    checkCoordFinite(path, xDim, xv);
    const axes = [
      { name: yDim, values: yv },
      { name: xDim, values: xv },
    ] as const;
    const gt = gm?.attrs.GeoTransform;
    const g = georefFromCoords(...axes, crsText, geo, gt) ?? irregularGeoref(...axes, crsText, geo);
    if (g) ({ georef, flipY, periodicX } = g);
    // Uneven coordinates go along as they are, for a Zarr output to keep (Georef.axes).
    if (georef && (regularStep(yv) === null || regularStep(xv) === null))
      georef = { ...georef, axes: { x: xv, y: flipY ? yv.slice().reverse() : yv, x0: 0, y0: 0 } };
  }
  georef = withMappingNames(georef, gm);
  // Nothing that places it, yet 2-D latitude and longitude over its rows and columns (a swath's
  // geolocation): placed by them (curvilinear.ts).
  const aux = !transposed && (!georef?.crs || georef.noTransform) ? latLon2d(ds, info) : null;
  const curvi = aux ? await curvilinearGeoref(aux.lat, aux.lon, path) : null;
  if (curvi) ({ georef, flipY, periodicX } = curvi);
  const coded = cfEncoding(arrayDtype(info, path), info.attrs, info.missingFill);
  const kept = o.packed ? keptPacking(coded) : null;
  const enc = kept?.enc ?? coded;
  const d = info.dims.indexOf(bandDim ?? "");
  const coordNames = await labels;
  if (coordNames && bandDim) checkCoordLength(path, bandDim, coordNames.length, info.shape[d] ?? 0);
  // The names the variable lists (tilecast's `band_names`, rioxarray's `long_name` list of a
  // GeoTIFF's descriptions) over a band coordinate's values (1 to N), unless those are times.
  const listed = bandDim && !isCfTime(bandCoord?.attrs ?? {}) ? namesAttr(info.attrs, info.shape[d] ?? 0) : null;
  // Forecast steps (cfgrib's `step`, a forecast archive's `lead_time` with `--index init_time=N`)
  // are labelled by the valid times the variable names beside them (`valid_time`), as GDAL
  // labels a GRIB file's bands.
  const byName = new Map([...fixed].map(([at, i]) => [info.dims[at] as string, i]));
  const valid = bandDim && !isCfTime(bandCoord?.attrs ?? {}) ? timesAlong(ds, info, bandDim, byName) : undefined;
  const bandNames = listed?.names ?? (valid ? await timesAlongLabels(valid, path) : coordNames);
  const {
    scale_factor: _s,
    add_offset: _a,
    _FillValue: _f,
    missing_value: _m,
    grid_mapping: _g,
    _CRS: _c,
    ...attrs
  }: Record<string, unknown> = info.attrs;
  if (listed) delete attrs[listed.key]; // the names, not an attribute of the data
  const categoryNames = categoryNamesOf(attrs);
  const bands = bandDim ? (info.shape[d] ?? 1) : 1;
  const meta: ZarrMeta = {
    format: "zarr",
    path,
    width: info.shape[xAt] ?? 0,
    height: info.shape[yAt] ?? 0,
    bands,
    dtype: enc.decoded,
    georef,
    nodata: kept ? kept.nodata : decodedNodata(enc),
    blockWidth: info.chunks[xAt] ?? 1,
    blockHeight: info.chunks[yAt] ?? 1,
    periodicX,
    attrs: {
      ...withoutTypedNames(attrs),
      ...(bandNames ? { bandNames } : {}),
      ...(categoryNames ? { categoryNames } : {}),
      ...(kept ? { scale: Array(bands).fill(kept.scale), offset: Array(bands).fill(kept.offset) } : {}),
    },
    variable: name,
    dims: info.dims,
    bandDim,
    flipY,
    zarrFormat: ds.zarrFormat,
  };
  return new ZarrSource(meta, info, fixed, enc, ds.cache, transposed);
}
