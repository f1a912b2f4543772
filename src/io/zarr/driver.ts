/** The Zarr driver: read v2/v3 stores (local or http), write v2 or v3 stores. */
import { z } from "zod";
import type { FormatDriver } from "../driver.js";
import { type Compressor, parseCompressor } from "./codecs.js";
import { isZarrStore } from "./detect.js";
import type { ZarrInfo } from "./inspect.js";
import type { ZarrWriteOptions } from "./sink.js";

// The reader, writer and inspector load on first use, so recognising a store stays cheap.
const inspector = () => import("./inspect.js");

const compressor = z.union([
  z.string().transform((name) => parseCompressor(name)),
  z.null(),
  z.custom<Compressor>((v) => typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "string"),
]);

/** Writer options of Zarr outputs (`output:` keys in pipeline files, `convert` flags). */
export const zarrOptions = z.strictObject({
  /** Variable name (default: the input's variable, else "band_data" as rioxarray names rasters). */
  variable: z.string().optional(),
  /** 2 (default: what xarray and zarr-python 2 read) or 3. */
  zarrFormat: z.union([z.literal(2), z.literal(3)]).optional(),
  /** Chunk compressor by name (blosc-zstd, blosc-lz4, zlib, gzip, zstd, lz4, none) or as an object. */
  compressor: compressor.optional(),
  /** Zarr v3: chunks stored in shards of this many pixels (a multiple of the chunk size). */
  shardSize: z.number().int().positive().optional(),
});

/**
 * Zarr: a directory store (`.zarr`, or any directory with Zarr metadata).
 *
 * @example
 * ```ts
 * import { zarrDriver } from "tilecast/io";
 * const info = await zarrDriver.describe("fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr");
 * console.log(Object.keys((info as { variables: object }).variables)); // ["t2m", "tp"]
 * ```
 */
export const zarrDriver: FormatDriver = {
  id: "zarr",
  title: "Zarr",
  layout: "directory",
  masks: false,
  bandPacking: false,
  variables: true,
  extensions: [".zarr"],
  detect: (path) => isZarrStore(path),
  open: async (path, o) => (await import("./source.js")).openZarrSource(path, o),
  async create(path, spec, options) {
    const o = options as ZarrWriteOptions;
    return (await import("./sink.js")).createZarrSink(path, spec, {
      ...o,
      ...(o.variable === undefined && spec.name ? { variable: spec.name } : {}),
    });
  },
  optionsSchema: zarrOptions,
  flags: [
    {
      key: "zarrFormat",
      flag: "--zarr-format <2|3>",
      help: "Zarr output: format 2 or 3 (default 2)",
      parse: (t) => (t === "2" || t === "3" ? Number(t) : t),
    },
    {
      key: "compressor",
      flag: "--compressor <name>",
      help: "Zarr output: blosc-zstd | blosc-lz4 | zlib | gzip | zstd | lz4 | none (default blosc-zstd)",
    },
    {
      key: "shardSize",
      flag: "--shard-size <N>",
      help: "Zarr v3 output: store chunks in shards of N x N pixels (a multiple of --block)",
      parse: (t) => (/^\d+$/.test(t) ? Number(t) : t),
    },
  ],
  describe: async (path, variable) => (await inspector()).inspectZarr(path, variable),
  formatDescription: async (info) => (await inspector()).formatZarrInfo(info as ZarrInfo),
};
