/**
 * `convert`: stream a raster through the tile stages into another file. Reads windows of
 * `tileSize` pixels with an `overlap` halo, crops the halo, assembles the cores into the output's
 * blocks and writes them as they complete; the output appears atomically on success.
 * Lossless: pixels, georeferencing, CRS and nodata are carried unchanged, packed values as stored
 * with their scale and offset (bands one Zarr variable cannot keep packed are unpacked, with a
 * warning: `band-packing.ts`). A GeoTIFF's RGB bands
 * stay RGB and its alpha band alpha in a GeoTIFF or COG, and its internal mask is written into a
 * GeoTIFF or COG. A Zarr store keeps no mask: masked cells are written as the nodata value (NaN
 * for floats without one; integers without one are written as 0, with a warning).
 *
 * @example
 * ```ts
 * import { convertRaster } from "tilecast/pipeline";
 * await convertRaster("fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif", "/tmp/copy.tif", { tileSize: 32, overlap: 4 });
 * ```
 */
import { lastValueFrom, map, tap } from "rxjs";
import { TilecastError } from "../errors.js";
import { packingFor } from "../io/band-packing.js";
import type { GeoTiffMeta } from "../io/geotiff/describe.js";
import { maskedSpec } from "../io/masked-spec.js";
import { createSink, detectFormat, openSource, outputDriver } from "../io/registry.js";
import { cropHalo } from "../stages/crop-halo.js";
import { readTiles } from "../stages/read-tiles.js";
import { type TileWriteProgress, writeTiles } from "../stages/write-tiles.js";
import { planTiles } from "../tiling/plan.js";

/** Options for {@link convertRaster}. */
export interface ConvertOptions {
  /** Read window core size (default 512). */
  tileSize?: number;
  /** Halo read around each core and cropped on write (default 0). */
  overlap?: number;
  /** Output block size (default: the format's; 256 for GeoTIFF as GDAL, 512 for COG). */
  outputTileSize?: number;
  /** Output format id when the extension alone does not say (`"cog"` for a `.tif`). */
  format?: string;
  /**
   * The output format's own options, checked by its driver: GeoTIFF `compress`, `level`,
   * `predictor`, `bigTiff`; Zarr `variable`, `zarrFormat`, `compressor`.
   */
  write?: Record<string, unknown>;
  /** Tiles in flight (default 4). */
  concurrency?: number;
  /**
   * A store's variable to read (and the output's variable name, unless `write` says otherwise),
   * or several read as the output's bands (`src/io/stack.ts`). With an input of bands (a
   * GeoTIFF), one name only names the output's variable; several are refused.
   */
  variable?: string | readonly string[];
  /** Fixed indices for the variable's other dims. */
  index?: Readonly<Record<string, number>>;
  /** Called after each tile is written. */
  onProgress?: (p: TileWriteProgress & { tilesTotal: number }) => void;
  signal?: AbortSignal;
}

/** Summary of a finished conversion. */
export interface ConvertResult {
  output: string;
  tiles: number;
  blocksWritten: number;
  width: number;
  height: number;
  bands: number;
  /** What the output could not keep (a mask in a format without masks and no nodata value). */
  warnings: string[];
}

/**
 * Stream `input` into `output` (format by `o.format` or the extension), losslessly; see the module documentation.
 *
 * @example
 * ```ts
 * import { convertRaster } from "tilecast/pipeline";
 * const r = await convertRaster("fixtures/demo/scene.s2like.u16.4b.tif", "/tmp/scene.zarr", { write: { compressor: "zlib" } });
 * console.log(r.tiles, r.bands); // 1 4
 * ```
 */
export async function convertRaster(input: string, output: string, o: ConvertOptions = {}): Promise<ConvertResult> {
  // One name given with a file of bands names the output's variable only (a GeoTIFF to Zarr).
  const naming = typeof o.variable === "string" && !(await detectFormat(input)).variables;
  const opened = await openSource(input, {
    packed: true,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.variable && !naming ? { variable: o.variable } : {}),
    ...(o.index ? { index: o.index } : {}),
  });
  try {
    const driver = outputDriver(output, o.format);
    if (naming && !driver.variables)
      throw new TilecastError(
        "E_ARGUMENT",
        `--var names a store's variable; ${input} and this ${driver.title} output have bands, not variables`,
        { path: output },
      );
    const { source: src, warning: packing } = packingFor(opened, driver);
    const m = src.meta;
    const tiff = m as Partial<Pick<GeoTiffMeta, "maskSource" | "alphaBand" | "rgbBands">>; // a GeoTIFF input's
    const plan = planTiles({
      width: m.width,
      height: m.height,
      tileSize: o.tileSize ?? 512,
      overlap: o.overlap ?? 0,
    });
    const base = {
      width: m.width,
      height: m.height,
      bands: m.bands,
      dtype: m.dtype,
      georef: m.georef,
      nodata: m.nodata,
      attrs: m.attrs,
      ...(typeof o.variable === "string" ? { name: o.variable } : {}),
      ...(typeof tiff.alphaBand === "number" ? { alpha: tiff.alphaBand } : {}),
      ...(tiff.rgbBands ? { rgb: true } : {}),
    };
    const alphaOnly = typeof tiff.alphaBand === "number" && !tiff.maskSource;
    // A masked input's mask: kept beside the data, or as its nodata value (NaN for floats).
    const { spec, warning } = tiff.maskSource ? maskedSpec(base, driver) : { spec: base, warning: null };
    const sink = await createSink(output, spec, {
      ...(o.outputTileSize !== undefined ? { tileSize: o.outputTileSize } : {}),
      ...(o.format ? { format: o.format } : {}),
      ...o.write,
    });
    const concurrency = o.concurrency ?? 4;
    let last: TileWriteProgress = { tilesDone: 0, blocksWritten: 0, openBlocks: 0 };
    await lastValueFrom(
      readTiles(src, plan, { concurrency }).pipe(
        cropHalo(),
        // An alpha band is its own mask, written as a band: the cells it hides keep their
        // values, as gdal_translate keeps them (they were written as 0).
        map((t) => (alphaOnly && t.grid.mask ? { ...t, grid: { ...t.grid, mask: null } } : t)),
        writeTiles(sink, { concurrency }),
        tap((p) => {
          last = p;
          o.onProgress?.({ ...p, tilesTotal: plan.count });
        }),
      ),
      { defaultValue: last },
    );
    return {
      output,
      tiles: plan.count,
      blocksWritten: last.blocksWritten,
      width: m.width,
      height: m.height,
      bands: m.bands,
      warnings: [packing, warning].filter((w): w is string => w !== null),
    };
  } finally {
    await opened.close();
  }
}
