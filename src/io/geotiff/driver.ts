/**
 * The GeoTIFF drivers: `geotiff` reads any GDAL-made GeoTIFF (local or http) and writes tiled
 * GeoTIFFs; `cog` writes Cloud-Optimized GeoTIFFs (chosen by `output.format: cog` or `--cog`,
 * read back by `geotiff`).
 */
import { z } from "zod";
import { TilecastError } from "../../errors.js";
import type { FormatDriver } from "../driver.js";
import type { CogWriteOptions } from "./cog.js";
import { isTiffSignature } from "./header.js";
import type { RasterInfo } from "./inspect.js";
import type { GeoTiffWriteOptions } from "./writer.js";

// The reader, writer and inspector load on first use, so recognising a file stays cheap.
const reader = () => import("./reader.js");
const inspector = () => import("./inspect.js");

const int = (name: string) => (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new TilecastError("E_ARGUMENT", `${name} must be an integer, got '${text}'`);
  return n;
};

/** Writer options of GeoTIFF outputs (`output:` keys in pipeline files, `convert` flags). */
export const geoTiffOptions = z.strictObject({
  /** Block compression: deflate (default), zstd or none. */
  compress: z.enum(["deflate", "zstd", "none"]).optional(),
  /** Deflate level 1-9 (default 6, as GDAL) or Zstandard level 1-22 (default 3); checked by the writer. */
  level: z.number().int().min(1).max(22).optional(),
  /** Predictor (default: 2 for integers, 3 for floats when compressing). */
  predictor: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  /** BigTIFF: true, false or auto (when the raster could pass 4 GiB). */
  bigTiff: z.union([z.boolean(), z.literal("auto")]).optional(),
});

/**
 * GeoTIFF: `.tif`, `.tiff`, `.gtiff`; recognised by the TIFF signature whatever the extension.
 *
 * @example
 * ```ts
 * import { geoTiffDriver } from "tilecast/io";
 * const info = await geoTiffDriver.describe("fixtures/geotiff/u8.none.strip.1b.tif");
 * console.log((await geoTiffDriver.formatDescription(info)).split("\n")[1]); //   format       geotiff
 * ```
 */
export const geoTiffDriver: FormatDriver = {
  id: "geotiff",
  title: "GeoTIFF",
  layout: "file",
  masks: true,
  bandPacking: true,
  variables: false,
  extensions: [".tif", ".tiff", ".gtiff"],
  detect: async (_path, head) => head !== null && isTiffSignature(head),
  open: async (path, o) => (await reader()).openGeoTiff(path, o.signal),
  create: async (path, spec, options) =>
    (await import("./writer.js")).createGeoTiffSink(path, spec, options as GeoTiffWriteOptions),
  optionsSchema: geoTiffOptions,
  flags: [
    { key: "compress", flag: "--compress <codec>", help: "GeoTIFF output: deflate | zstd | none (default deflate)" },
    {
      key: "level",
      flag: "--level <L>",
      help: "GeoTIFF output: deflate level 1-9 (default 6), zstd 1-22 (default 3)",
      parse: int("--level"),
    },
  ],
  async describe(path) {
    const src = await (await reader()).openGeoTiff(path);
    try {
      return (await inspector()).describeRaster(src);
    } finally {
      await src.close();
    }
  },
  formatDescription: async (info) => (await inspector()).formatInfo(info as RasterInfo),
};

/** Writer options of COG outputs: the GeoTIFF ones plus the overview resampling. */
export const cogOptions = geoTiffOptions.extend({
  /** Overview resampling (default: average for floats, nearest for integers). */
  overviews: z.enum(["average", "nearest", "mode"]).optional(),
});

/**
 * Cloud-Optimized GeoTIFF, in GDAL's COG layout with internal overviews; write-only (the
 * `geotiff` driver reads it).
 *
 * @example
 * ```ts
 * import { cogDriver } from "tilecast/io";
 * console.log(cogDriver.id, cogDriver.optionsSchema.parse({ overviews: "mode" })); // cog { overviews: "mode" }
 * ```
 */
export const cogDriver: FormatDriver = {
  ...geoTiffDriver,
  id: "cog",
  title: "Cloud-Optimized GeoTIFF",
  extensions: [".tif", ".tiff"],
  detect: async () => false,
  create: async (path, spec, options) =>
    (await import("./cog.js")).createCogSink(path, spec, options as CogWriteOptions),
  optionsSchema: cogOptions,
  flags: [
    ...geoTiffDriver.flags,
    {
      key: "overviews",
      flag: "--overviews <method>",
      help: "COG output: overview resampling average | nearest | mode (default average for floats, nearest for integers)",
    },
  ],
};
