/**
 * Writing rasters to Zarr. {@link createZarrSink} makes a new store (Zarr v2 by default, v3 on
 * request) holding one `(band, y, x)` variable with x/y coordinates at pixel centres (`(time, y,
 * x)` with a CF time coordinate when every band is named by an instant, as a time series is; bands
 * read from several variables go back to one variable each, band-variables.ts), a
 * `spatial_ref` variable with the CRS (`crs_wkt`, `spatial_ref`, `GeoTransform`, as rioxarray
 * writes it), and consolidated metadata. The store is built under a temporary name beside the
 * target and renamed on commit. Every chunk is written to a temporary key and renamed (see
 * region.ts for filling an existing store from several processes).
 *
 * @example
 * ```ts
 * import { convertRaster } from "tilecast";
 * await convertRaster("fixtures/demo/scene.s2like.u16.4b.tif", "/tmp/scene.zarr", { outputTileSize: 256 });
 * ```
 */
import { mkdir } from "node:fs/promises";
import { errorLine, TilecastError } from "../../errors.js";
import { makeBlockGrid } from "../../grid/block-grid.js";
import { allocate } from "../../grid/dtype.js";
import { isNorthUp, pixelToWorld } from "../../grid/geotransform.js";
import { discard, publish, tempPathFor, trackTemp } from "../atomic.js";
import type { GridSink, SinkSpec } from "../types.js";
import { exactAxes } from "./axes.js";
import { bandLayout } from "./band-variables.js";
import { ZarrChunkWriter } from "./chunk-writer.js";
import { type Compressor, DEFAULT_COMPRESSOR } from "./codecs.js";
import { spatialRefAttrs, storeWkt, xyCoordAttrs } from "./crs-attrs.js";
import { fillAttr } from "./fill-marks.js";
import { gdalCrsAttr } from "./gdal-crs.js";
import { copyGeolocation, geolocationFor } from "./geolocation-write.js";
import { type ArraySpec, chunkKey, v2ArrayDocs, v3ArrayDoc } from "./metadata.js";
import { ShardWriter } from "./shard-writer.js";
import { writeKey } from "./store-write.js";
import { variableAttrs } from "./variable-attrs.js";

/** Options for {@link createZarrSink}. */
export interface ZarrWriteOptions {
  /** Variable name (default "band_data", as rioxarray names rasters). */
  variable?: string;
  /** 2 (default: what xarray and zarr-python 2 read) or 3. */
  zarrFormat?: 2 | 3;
  /** Chunk compressor (default blosc zstd, level 5, shuffle); null for none. */
  compressor?: Compressor | null;
  /** Chunk size in y and x (default 256). */
  tileSize?: number;
  /**
   * Zarr v3 only: store chunks in shards of this many pixels in y and x (a multiple of the chunk
   * size), many chunks per file, as large archives do. Default: no sharding.
   */
  shardSize?: number;
}

/** A 1-D coordinate `name` holding `data`, in one uncompressed chunk. */
function axisArray(
  name: string,
  dtype: ArraySpec["dtype"],
  data: ArrayLike<number>,
  attrs: Record<string, unknown>,
  fillValue: number | null = null,
) {
  const n = data.length;
  const spec: ArraySpec = { name, dims: [name], shape: [n], chunks: [n], dtype, fillValue, compressor: null, attrs };
  return { spec, data };
}

/** A 1-D float64 coordinate at pixel centres: `origin + (i + 0.5) * step`. */
function coordArray(name: "x" | "y", n: number, origin: number, step: number, attrs: Record<string, unknown>) {
  const data = Float64Array.from({ length: n }, (_, i) => origin + (i + 0.5) * step);
  return axisArray(name, "float64", data, attrs, Number.NaN);
}

/** Create a new store at `path` for a raster; see the module documentation. */
export async function createZarrSink(path: string, spec: SinkSpec, o: ZarrWriteOptions = {}): Promise<GridSink> {
  const format = o.zarrFormat ?? 2;
  const tile = o.tileSize ?? 256;
  const name = o.variable ?? "band_data";
  const compressor = o.compressor === undefined ? DEFAULT_COMPRESSOR : o.compressor;
  const shard = o.shardSize;
  if (shard !== undefined) {
    if (format !== 3)
      throw new TilecastError("E_ARGUMENT", "shards are a Zarr v3 feature; add zarrFormat: 3 (--zarr-format 3)", {
        path,
      });
    if (!Number.isInteger(shard) || shard <= 0 || shard % tile !== 0)
      throw new TilecastError(
        "E_ARGUMENT",
        `shard size ${shard} must be a positive multiple of the chunk size ${tile}`,
        {
          path,
        },
      );
  }
  // GCPs place a swath read from 2-D latitude and longitude: those are copied (geolocation-write.ts);
  // other GCPs have no Zarr form.
  const gcps = spec.georef?.gcps?.length ? spec.georef.gcps : null;
  // Uneven 1-D coordinates (a Gaussian grid, a stretched one) are written as they came (axes.ts).
  const axes = exactAxes(spec.georef, spec.width, spec.height);
  const geo =
    gcps && !axes ? await geolocationFor(spec.georef?.geolocation, gcps, spec.width, spec.height, path) : null;
  if (spec.georef?.noTransform)
    throw new TilecastError(
      "E_UNSUPPORTED",
      "a raster without a transform (a CRS or RPCs alone) has no Zarr x/y coordinates: give it one (gdal_edit -a_ullr), orthorectify it (gdalwarp) or write a GeoTIFF",
      { path },
    );
  const gt = gcps ? null : (spec.georef?.transform ?? null);
  if (gt && !isNorthUp(gt))
    throw new TilecastError("E_UNSUPPORTED", "a rotated transform cannot be written as Zarr x/y coordinates", { path });
  const root = tempPathFor(path);
  trackTemp(root);
  const crs = spec.georef?.crs ?? null;
  const [x0, y0] = gt ? pixelToWorld(gt, 0, 0) : [0, 0];
  const coordAttrs = (axis: "x" | "y") => xyCoordAttrs(crs, axis);
  const layout = bandLayout(spec.attrs, spec.bands, name);
  const arrays: { spec: ArraySpec; data?: ArrayLike<number> }[] = layout.variables.map((v) => {
    const attrs = variableAttrs(spec.attrs, v, layout.stacked);
    if (crs) {
      attrs.grid_mapping = "spatial_ref";
      attrs._CRS = gdalCrsAttr(crs); // GDAL's Zarr driver reads this, not the grid mapping (3.6)
    }
    if (geo) attrs.coordinates = "lat lon";
    // A v3 store's nodata is the `_FillValue` attribute for xarray (fill-marks.ts).
    if (format === 3 && spec.nodata !== null) attrs._FillValue = fillAttr(spec.nodata, spec.dtype);
    const [band, chunk] = v.axis ? [[v.bands.length], [1]] : [[], []];
    const dims = [...(v.axis ? [v.axis.name] : []), "y", "x"];
    const spatial = shard ? [tile, tile] : [Math.min(tile, spec.height), Math.min(tile, spec.width)];
    return {
      spec: {
        name: v.name,
        dims,
        shape: [...band, spec.height, spec.width],
        chunks: [...chunk, ...spatial],
        ...(shard ? { shards: [...chunk, shard, shard] } : {}),
        dtype: spec.dtype,
        fillValue: spec.nodata,
        compressor,
        attrs,
      },
    };
  });
  for (const a of layout.axes)
    arrays.push(
      a.times
        ? axisArray(a.name, "float64", a.times.values, {
            units: a.times.units,
            calendar: a.times.calendar,
            standard_name: "time",
          })
        : axisArray(
            a.name,
            "int32",
            a.labels.map((_, i) => i + 1),
            {},
          ),
    );
  if (axes)
    arrays.push(
      axisArray("x", "float64", axes.x, coordAttrs("x"), Number.NaN),
      axisArray("y", "float64", axes.y, coordAttrs("y"), Number.NaN),
    );
  else if (gt)
    arrays.push(
      coordArray("x", spec.width, x0, gt[1], coordAttrs("x")),
      coordArray("y", spec.height, y0, gt[5], coordAttrs("y")),
    );
  if (crs) {
    const attrs = spatialRefAttrs(crs, storeWkt(crs), gt ?? undefined);
    arrays.push({
      spec: {
        name: "spatial_ref",
        dims: [],
        shape: [],
        chunks: [],
        dtype: "int32",
        fillValue: null,
        compressor: null,
        attrs,
      },
      data: [0],
    });
  }
  const docs: Record<string, unknown> = {};
  try {
    await mkdir(root, { recursive: false });
    if (geo)
      for (const s of await copyGeolocation(root, format, geo, spec.width, spec.height, tile, compressor, path))
        arrays.push({ spec: s });
    for (const a of arrays) {
      if (format === 2) Object.assign(docs, v2ArrayDocs(a.spec));
      else docs[`${a.spec.name}/zarr.json`] = v3ArrayDoc(a.spec);
      if (a.data) {
        const raw = allocate(a.spec.dtype, a.data.length);
        (raw as Float64Array).set(a.data);
        const key = chunkKey(
          format,
          a.spec.name,
          a.spec.shape.map(() => 0),
        );
        await writeKey(root, path, key, new Uint8Array(raw.buffer));
      }
    }
  } catch (e) {
    await discard(root);
    // A swath's geolocation refused, or a key that could not be written (store-write.ts).
    if (e instanceof TilecastError && (e.code === "E_UNSUPPORTED" || e.path === path)) throw e;
    throw new TilecastError("E_WRITE", `cannot create store (${(e as NodeJS.ErrnoException).code ?? errorLine(e)})`, {
      path,
      cause: e,
    });
  }
  const finish = async () => {
    const put = (key: string, doc: unknown, indent?: number) =>
      writeKey(root, path, key, JSON.stringify(doc, null, indent));
    for (const [k, v] of Object.entries(docs)) await put(k, v, 2);
    if (format === 2) {
      await put(".zgroup", { zarr_format: 2 });
      await put(".zattrs", {});
      const metadata = { ".zgroup": { zarr_format: 2 }, ".zattrs": {}, ...docs };
      await put(".zmetadata", { zarr_consolidated_format: 1, metadata }, 2);
    } else {
      const inline = Object.fromEntries(Object.entries(docs).map(([k, v]) => [k.replace(/\/zarr\.json$/, ""), v]));
      const group = {
        zarr_format: 3,
        node_type: "group",
        attributes: {},
        consolidated_metadata: { kind: "inline", must_understand: false, metadata: inline },
      };
      await put("zarr.json", group, 2);
    }
    await publish(root, path);
  };
  const array = { name, dtype: spec.dtype, fillValue: spec.nodata, compressor, bands: spec.bands, place: layout.place };
  if (shard)
    return new ShardWriter(root, path, array, makeBlockGrid(spec.width, spec.height, tile, tile), shard / tile, finish);
  const grid = makeBlockGrid(spec.width, spec.height, Math.min(tile, spec.width), Math.min(tile, spec.height));
  return new ZarrChunkWriter(root, path, format, array, grid, finish);
}
