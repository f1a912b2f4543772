/**
 * Keys of a pipeline file that a forecast does not apply, refused by name. A forecast reads
 * every frame's whole grid and writes one store of float32 leads; before, it ran without a word
 * past `output.quicklook` and `output.classes` (no picture, no class raster), a Zarr compressor or
 * block size, `output.nodata`, `input.bands` and `input.labels`, tile `stages:` and, for a
 * sequence model, `output.steps` (a ConvLSTM gives the leads its card says).
 *
 * Internal (used by `forecast.ts`).
 */
import { TilecastError } from "../errors.js";
import type { Pipeline } from "./config.js";
import type { PipelineOutput } from "./output-config.js";

/** Refuse the keys a forecast would ignore; see the module documentation. */
export function checkForecastKeys(p: Pipeline, output: PipelineOutput, sequenceModel: boolean): void {
  const ignored: string[] = [
    ...(output.quicklook ? ["output.quicklook"] : []),
    ...(output.classes ? ["output.classes"] : []),
    ...(output.block !== undefined ? ["output.block"] : []),
    ...(output.nodata !== undefined ? ["output.nodata"] : []),
    ...Object.keys(output.options).map((k) => `output.${k}`),
    ...(p.input.bands ? ["input.bands"] : []),
    ...(p.input.labels ? ["input.labels"] : []),
    ...(p.stages.length ? ["stages"] : []),
    ...(sequenceModel && output.steps !== undefined ? ["output.steps"] : []),
  ];
  if (ignored.length === 0) return;
  const why = ignored.includes("output.steps")
    ? "a sequence model gives the leads its card says, and a forecast writes only its store of float32 leads"
    : "a forecast reads whole frames and writes only its store of float32 leads";
  throw new TilecastError(
    "E_ARGUMENT",
    `${ignored.join(", ")}: ${ignored.length === 1 ? "does" : "do"} not apply to a forecast (${why}); remove ${ignored.length === 1 ? "it" : "them"}`,
    { path: p.file },
  );
}
