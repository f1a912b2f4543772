/**
 * The `output:` section of a pipeline file: the raster a run writes, its dtype, nodata and
 * packing, the products beside it (quicklook, class raster), and the output format's own
 * options, checked by that format's driver.
 *
 * ```yaml
 * output:
 *   path: ../out/scene-seg.tif
 *   dtype: uint8        # probabilities as bytes: stored = round(value / 0.004)
 *   scale: 0.004
 *   nodata: 255
 *   classes: ../out/scene-seg.classes.tif
 *   quicklook: ../out/scene-seg.png
 *   compress: zstd      # a GeoTIFF option
 * ```
 *
 * Internal (used by `config.ts`).
 */
import { z } from "zod";
import type { TilecastError } from "../errors.js";
import { dtypeSchema } from "../grid/dtype-schema.js";
import type { FormatDriver } from "../io/driver.js";
import { outputDriver, parseSinkOptions } from "../io/registry.js";

/** The schema of the output section (the format's own keys are checked by {@link checkOutput}). */
export const outputSection = z
  .object({
    path: z.string(),
    dtype: dtypeSchema.default("float32"),
    /** The value of cells without data; NaN (`.nan` in YAML) for a float output, the default there. */
    nodata: z.number().or(z.nan()).nullable().optional(),
    /**
     * An integer output's packing: stored = round((value - offset) / scale), with the scale and
     * offset written where GDAL and CF readers find them (probabilities as uint8: scale 0.004).
     * Null, as `--set output.scale=null` gives, means unpacked, as leaving it out does.
     */
    scale: z.number().positive().finite().nullable().optional(),
    offset: z.number().finite().nullable().optional(),
    /** Output tile size (default: the format's, 256 for GeoTIFF, 512 for COG). */
    block: z.number().int().positive().optional(),
    quicklook: z.string().optional(),
    /** A class raster beside the probabilities (uint8, 255 nodata): the arg-max, or p ≥ 0.5 for one band. */
    classes: z.string().optional(),
    /** A format id when the extension alone does not say (`cog` for a `.tif`). */
    format: z.string().optional(),
    /** Forecasts of a state model: how many steps the rollout runs (each a lead time). */
    steps: z.number().int().positive().optional(),
  })
  // The output format's own options (GeoTIFF `compress`, Zarr `compressor`, ...), checked by
  // its driver in checkOutput.
  .catchall(z.unknown());

type ParsedOutput = z.infer<typeof outputSection>;

/** The keys of the section itself; every other key is the format's. */
const OUTPUT_KEYS = new Set(Object.keys(outputSection.shape));

/** A pipeline's output, validated: the raster it writes. */
export type PipelineOutput = Pick<
  ParsedOutput,
  "path" | "dtype" | "nodata" | "block" | "quicklook" | "classes" | "steps"
> & {
  /** The packing (`stored = round((value - offset) / scale)`); absent when values are stored as they are. */
  scale?: number;
  offset?: number;
  /** The output format's driver id (by the path's extension). */
  format: string;
  /** The format's own options, as its driver parsed them. */
  options: Record<string, unknown>;
};

/** Reports a problem at a key of the pipeline file (its line found from `path`); never returns. */
export type Fail = (path: (string | number)[], key: string, msg: string) => never;

/** The output section: its format's driver (by extension or `format`) and that driver's own keys. */
export function checkOutput(o: ParsedOutput, abs: (q: string) => string, fail: Fail): PipelineOutput {
  let driver: FormatDriver | undefined;
  try {
    driver = outputDriver(o.path, o.format);
  } catch (e) {
    const at = o.format === undefined ? "path" : "format";
    fail(["output", at], `output.${at}`, (e as TilecastError).problem);
  }
  const packed = o.scale != null ? "scale" : o.offset != null ? "offset" : null;
  if (packed && o.dtype.startsWith("float"))
    fail(
      ["output", packed],
      `output.${packed}`,
      `packs values into an integer dtype; ${o.dtype} stores them as they are (set output.dtype: uint8, int16, ...)`,
    );
  if (typeof o.nodata === "number" && Number.isNaN(o.nodata) && !o.dtype.startsWith("float"))
    fail(["output", "nodata"], "output.nodata", `NaN is a float value; ${o.dtype} has none (set a value in its range)`);
  const extra = Object.fromEntries(Object.entries(o).filter(([k]) => !OUTPUT_KEYS.has(k)));
  let options: Record<string, unknown> = {};
  try {
    options = parseSinkOptions(driver as FormatDriver, extra);
  } catch (e) {
    const key = Object.keys(extra).find((k) => (e as Error).message.includes(k)) ?? Object.keys(extra)[0] ?? "";
    fail(["output", key], `output.${key}`, (e as TilecastError).problem);
  }
  return {
    path: abs(o.path),
    dtype: o.dtype,
    ...(o.block !== undefined ? { block: o.block } : {}),
    ...(o.nodata !== undefined ? { nodata: o.nodata } : {}),
    ...(o.scale != null ? { scale: o.scale } : {}),
    ...(o.offset != null ? { offset: o.offset } : {}),
    ...(o.quicklook ? { quicklook: abs(o.quicklook) } : {}),
    ...(o.classes ? { classes: abs(o.classes) } : {}),
    ...(o.steps !== undefined ? { steps: o.steps } : {}),
    format: (driver as FormatDriver).id,
    options,
  };
}
