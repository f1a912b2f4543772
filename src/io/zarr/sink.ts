/**
 * Writing rasters to Zarr. {@link createZarrSink} makes a new store (Zarr v2 by default, v3 on
 * request) holding one `(band, y, x)` variable with x/y coordinates at pixel centres, a
 * `spatial_ref` variable with the CRS (`crs_wkt`, `spatial_ref`, `GeoTransform`, as rioxarray
 * writes it), and consolidated metadata. The store is built under a temporary name beside the
 * target and renamed on commit. Every chunk is written to a temporary key and renamed, so
 * {@link openZarrRegionSink} lets separate processes fill disjoint chunk-aligned regions of one
 * existing store at once.
 *
 * @example
 * ```ts
 * import { convertRaster } from "tilecast";
 * await convertRaster("fixtures/demo/scene.s2like.u16.4b.tif", "/tmp/scene.zarr", { outputTileSize: 256 });
 * ```
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, TilecastError } from "../../errors.js";
import { epsgKind } from "../../grid/crs.js";
import { allocate, DTYPE_INFO, type DType, fitsDtype } from "../../grid/dtype.js";
import { isNorthUp, pixelToWorld } from "../../grid/geotransform.js";
import type { Grid } from "../../grid/grid.js";
import { discard, publish, tempPathFor, trackTemp } from "../atomic.js";
import { type BlockGrid, blockWindow, type GridSink, makeBlockGrid, type SinkSpec } from "../types.js";
import { type Compressor, DEFAULT_COMPRESSOR, encodeChunk } from "./codecs.js";
import { openZarr } from "./dataset.js";
import { type ArraySpec, chunkKey, v2ArrayDocs, v3ArrayDoc } from "./metadata.js";

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
}

/** Write bytes to `path` atomically: a temporary file beside it, then rename. */
async function atomicWrite(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

/** Encode one band of a block as a full chunk (edge chunks padded with the fill value). */
function chunkBytes(g: Grid, band: number, chunkH: number, chunkW: number, dtype: DType, fill: number): Uint8Array {
  const [, h, w] = g.shape as [number, number, number];
  const out = allocate(dtype, chunkH * chunkW);
  if (fill !== 0 && (h < chunkH || w < chunkW)) out.fill(fill);
  const mask = g.mask;
  for (let y = 0; y < h; y++) {
    const s = band * h * w + y * w;
    if (mask) for (let x = 0; x < w; x++) out[y * chunkW + x] = mask[s + x] ? (g.data[s + x] as number) : fill;
    else out.set(g.data.subarray(s, s + w) as never, y * chunkW);
  }
  return new Uint8Array(out.buffer);
}

/** Writes chunks of one `(band, y, x)` variable into a store directory. */
class ZarrChunkWriter implements GridSink {
  readonly blockGrid: BlockGrid;
  #done = false;

  constructor(
    readonly root: string,
    readonly target: string,
    readonly format: 2 | 3,
    readonly array: Pick<ArraySpec, "name" | "dtype" | "fillValue" | "compressor"> & { bands: number },
    grid: BlockGrid,
    readonly finish: (() => Promise<void>) | null,
  ) {
    this.blockGrid = grid;
  }

  async writeBlock(col: number, row: number, g: Grid): Promise<void> {
    const win = blockWindow(this.blockGrid, col, row);
    const [bands, h, w] = g.shape as [number, number, number];
    if (bands !== this.array.bands || h !== win.height || w !== win.width) {
      throw new TilecastError(
        "E_WRITE",
        `block (${col}, ${row}) has shape ${g.shape.join("x")}, expected ${this.array.bands}x${win.height}x${win.width}`,
        { path: this.target },
      );
    }
    const { dtype, fillValue, compressor, name } = this.array;
    const fill = fillValue !== null && fitsDtype(fillValue, dtype) ? fillValue : 0;
    try {
      for (let b = 0; b < bands; b++) {
        const raw = chunkBytes(g, b, this.blockGrid.blockHeight, this.blockGrid.blockWidth, dtype, fill);
        await atomicWrite(
          join(this.root, chunkKey(this.format, name, [b, row, col])),
          await encodeChunk(raw, compressor),
        );
      }
    } catch (e) {
      if (e instanceof TilecastError) throw e;
      throw new TilecastError("E_WRITE", `cannot write chunk (${describe(e)})`, { path: this.target, cause: e });
    }
  }

  async commit(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    try {
      await this.finish?.();
    } catch (e) {
      await this.abort();
      throw new TilecastError("E_WRITE", `cannot finish the store (${describe(e)})`, { path: this.target, cause: e });
    }
  }

  async abort(): Promise<void> {
    if (this.finish && this.root !== this.target) await discard(this.root);
  }
}

function centres(n: number, origin: number, step: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => origin + (i + 0.5) * step);
}

/** Create a new store at `path` for a raster; see the module documentation. */
export async function createZarrSink(path: string, spec: SinkSpec, o: ZarrWriteOptions = {}): Promise<GridSink> {
  const format = o.zarrFormat ?? 2;
  const tile = o.tileSize ?? 256;
  const name = o.variable ?? "band_data";
  const compressor = o.compressor === undefined ? DEFAULT_COMPRESSOR : o.compressor;
  const gt = spec.georef?.transform ?? null;
  if (gt && !isNorthUp(gt))
    throw new TilecastError("E_UNSUPPORTED", "a rotated transform cannot be written as Zarr x/y coordinates", { path });
  const root = tempPathFor(path);
  trackTemp(root);
  const crs = spec.georef?.crs ?? null;
  const geographic = crs?.epsg ? epsgKind(crs.epsg) === "geographic" : /longlat/.test(crs?.proj4 ?? "");
  const [x0, y0] = gt ? pixelToWorld(gt, 0, 0) : [0, 0];
  const coordAttrs = (axis: "x" | "y") =>
    geographic
      ? {
          units: axis === "x" ? "degrees_east" : "degrees_north",
          standard_name: axis === "x" ? "longitude" : "latitude",
        }
      : { units: "metre", standard_name: `projection_${axis}_coordinate` };
  const varAttrs: Record<string, unknown> = {};
  if (crs) varAttrs.grid_mapping = "spatial_ref";
  const names = spec.attrs?.bandNames;
  if (names?.some((n) => n)) varAttrs.band_names = names;
  const scale = spec.attrs?.scale;
  const offset = spec.attrs?.offset;
  if (scale && scale.every((s) => s === scale[0]) && scale[0] !== 1) varAttrs.scale_factor = scale[0];
  if (offset && offset.every((s) => s === offset[0]) && offset[0] !== 0) varAttrs.add_offset = offset[0];
  const arrays: { spec: ArraySpec; data?: ArrayLike<number> }[] = [
    {
      spec: {
        name,
        dims: ["band", "y", "x"],
        shape: [spec.bands, spec.height, spec.width],
        chunks: [1, Math.min(tile, spec.height), Math.min(tile, spec.width)],
        dtype: spec.dtype,
        fillValue: spec.nodata,
        compressor,
        attrs: varAttrs,
      },
    },
    {
      spec: {
        name: "band",
        dims: ["band"],
        shape: [spec.bands],
        chunks: [spec.bands],
        dtype: "int32",
        fillValue: null,
        compressor: null,
        attrs: {},
      },
      data: Array.from({ length: spec.bands }, (_, i) => i + 1),
    },
  ];
  if (gt) {
    arrays.push(
      {
        spec: {
          name: "x",
          dims: ["x"],
          shape: [spec.width],
          chunks: [spec.width],
          dtype: "float64",
          fillValue: Number.NaN,
          compressor: null,
          attrs: coordAttrs("x"),
        },
        data: centres(spec.width, x0, gt[1]),
      },
      {
        spec: {
          name: "y",
          dims: ["y"],
          shape: [spec.height],
          chunks: [spec.height],
          dtype: "float64",
          fillValue: Number.NaN,
          compressor: null,
          attrs: coordAttrs("y"),
        },
        data: centres(spec.height, y0, gt[5]),
      },
    );
  }
  if (crs) {
    const text = crs.wkt ?? crs.proj4 ?? (crs.epsg ? `EPSG:${crs.epsg}` : "");
    const attrs: Record<string, unknown> = { crs_wkt: text, spatial_ref: text };
    if (gt) attrs.GeoTransform = gt.join(" ");
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
    for (const a of arrays) {
      if (format === 2) Object.assign(docs, v2ArrayDocs(a.spec));
      else docs[`${a.spec.name}/zarr.json`] = v3ArrayDoc(a.spec);
      if (a.data) {
        const raw = allocate(a.spec.dtype, a.data.length);
        (raw as Float64Array).set(a.data);
        await atomicWrite(
          join(
            root,
            chunkKey(
              format,
              a.spec.name,
              a.spec.shape.map(() => 0),
            ),
          ),
          new Uint8Array(raw.buffer),
        );
      }
    }
  } catch (e) {
    await discard(root);
    throw new TilecastError("E_WRITE", `cannot create store (${(e as NodeJS.ErrnoException).code ?? describe(e)})`, {
      path,
      cause: e,
    });
  }
  const finish = async () => {
    for (const [k, v] of Object.entries(docs)) await atomicWrite(join(root, k), JSON.stringify(v, null, 2));
    if (format === 2) {
      await atomicWrite(join(root, ".zgroup"), JSON.stringify({ zarr_format: 2 }));
      await atomicWrite(join(root, ".zattrs"), JSON.stringify({}));
      const metadata = { ".zgroup": { zarr_format: 2 }, ".zattrs": {}, ...docs };
      await atomicWrite(join(root, ".zmetadata"), JSON.stringify({ zarr_consolidated_format: 1, metadata }, null, 2));
    } else {
      const inline = Object.fromEntries(Object.entries(docs).map(([k, v]) => [k.replace(/\/zarr\.json$/, ""), v]));
      const group = {
        zarr_format: 3,
        node_type: "group",
        attributes: {},
        consolidated_metadata: { kind: "inline", must_understand: false, metadata: inline },
      };
      await atomicWrite(join(root, "zarr.json"), JSON.stringify(group, null, 2));
    }
    await publish(root, path);
  };
  const grid = makeBlockGrid(spec.width, spec.height, Math.min(tile, spec.width), Math.min(tile, spec.height));
  return new ZarrChunkWriter(
    root,
    path,
    format,
    { name, dtype: spec.dtype, fillValue: spec.nodata, compressor, bands: spec.bands },
    grid,
    finish,
  );
}

interface StoredCompression {
  compressor?: Compressor | null;
  codecs?: { name: string; configuration?: Record<string, unknown> }[];
}

/** The compressor an existing array uses (v2 `compressor`, or the v3 bytes-to-bytes codec). */
function storedCompressor(m: StoredCompression): Compressor | null {
  if (m.compressor !== undefined) return m.compressor;
  const c = (m.codecs ?? []).find((x) => x.name !== "bytes" && x.name !== "transpose");
  if (!c) return null;
  const cfg = c.configuration ?? {};
  if (c.name === "blosc") {
    const i = ["noshuffle", "shuffle", "bitshuffle"].indexOf(String(cfg.shuffle));
    const shuffle: 0 | 1 | 2 = i === 0 || i === 2 ? i : 1;
    return { id: "blosc", cname: cfg.cname as "zstd", clevel: Number(cfg.clevel ?? 5), shuffle, blocksize: 0 };
  }
  if (c.name === "zstd") return { id: "zstd", level: Number(cfg.level ?? 3) };
  if (c.name === "gzip" || c.name === "zlib") return { id: c.name, level: Number(cfg.level ?? 5) };
  throw new TilecastError("E_UNSUPPORTED", `cannot write chunks with codec ${c.name}`);
}

/**
 * A sink over an existing store's `(band, y, x)` variable, for filling chunk-aligned regions from
 * several processes at once: each chunk lands atomically, `commit()` publishes nothing.
 */
export async function openZarrRegionSink(
  path: string,
  variable: string,
  compressor?: Compressor | null,
): Promise<GridSink> {
  const ds = await openZarr(path);
  const info = ds.arrays.get(variable);
  if (!info || info.dims.length !== 3)
    throw new TilecastError("E_ARGUMENT", `no (band, y, x) variable '${variable}'`, { path });
  const [bands, h, w] = info.shape as [number, number, number];
  const [cb, ch, cw] = info.chunks as [number, number, number];
  if (cb !== 1) throw new TilecastError("E_UNSUPPORTED", `variable '${variable}' must have band chunks of 1`, { path });
  const key = ds.zarrFormat === 3 ? `/${variable}/zarr.json` : `/${variable}/.zarray`;
  const bytes = await ds.store.get(key as `/${string}`);
  const meta = (bytes ? JSON.parse(new TextDecoder().decode(bytes)) : {}) as StoredCompression;
  const dtype = info.dtype as DType;
  if (!(dtype in DTYPE_INFO))
    throw new TilecastError("E_UNSUPPORTED", `dtype ${info.dtype} cannot be written`, { path });
  const c = compressor === undefined ? storedCompressor(meta) : compressor;
  return new ZarrChunkWriter(
    path,
    path,
    ds.zarrFormat,
    { name: variable, dtype, fillValue: info.fillValue, compressor: c, bands },
    makeBlockGrid(w, h, cw, ch),
    null,
  );
}
