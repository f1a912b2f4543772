/**
 * What a pipeline's `output` section means for the sink it writes: the packing of an integer
 * output (`scale`, `offset`), how cells without data are kept when there is no nodata value
 * ({@link maskedSpec}), and the warning when an integer output could not hold every value.
 */
import type { DType } from "../grid/dtype.js";
import type { GridAttrs } from "../grid/grid.js";
import { maskedSpec } from "../io/masked-spec.js";
import { outputDriver } from "../io/registry.js";
import type { SinkSpec } from "../io/types.js";
import { type Packing, validRange } from "../tiling/region.js";
import { type Pipeline, type PipelineOutput, requireOutput } from "./config.js";
import { outputBandNames } from "./model-feed.js";

/** An output's packing (`scale`, `offset`), or undefined when it stores values as they are. */
export function outputPacking(o: PipelineOutput): Packing | undefined {
  if (o.scale === undefined && o.offset === undefined) return undefined;
  return { scale: o.scale ?? 1, offset: o.offset ?? 0 };
}

/** The scale and offset every band of an output of `bands` bands carries, or undefined unpacked. */
export function packingAttrs(o: PipelineOutput, bands: number): GridAttrs | undefined {
  const p = outputPacking(o);
  return p && { scale: Array(bands).fill(p.scale), offset: Array(bands).fill(p.offset) };
}

/**
 * `spec` for a run's output: without a nodata value, its masked cells are kept as its format can
 * ({@link maskedSpec}: a mask, NaN, or a warning that they are lost).
 */
export function keepMasked(spec: SinkSpec, o: PipelineOutput): { spec: SinkSpec; warning: string | null } {
  if (spec.nodata !== null) return { spec, warning: null };
  return maskedSpec(spec, outputDriver(o.path, o.format));
}

/**
 * The sink spec of a run's output from its size, bands, dtype, georeferencing and nodata: packed
 * as the output says, with cells without data kept as its format can; and a warning when they
 * cannot be.
 */
export function outputSpec(o: PipelineOutput, base: SinkSpec): { spec: SinkSpec; warning: string | null } {
  const attrs = packingAttrs(o, base.bands);
  return keepMasked(attrs ? { ...base, attrs: { ...base.attrs, ...attrs } } : base, o);
}

/**
 * {@link outputSpec} for a run of `p` (and its finalize, which must write the same): its bands
 * named as the model's card names its channels, where it does.
 */
export async function runOutputSpec(p: Pipeline, base: SinkSpec): Promise<{ spec: SinkSpec; warning: string | null }> {
  const names = await outputBandNames(p, base.bands);
  return outputSpec(requireOutput(p), names ? { ...base, attrs: { ...base.attrs, bandNames: names } } : base);
}

/**
 * The warning for `clamped` values an integer output clamped to its range (null for none): the
 * range in the model's units, so the dtype or packing that would hold them can be chosen.
 */
export function clampWarning(clamped: number, dtype: DType, nodata: number | null, packing?: Packing): string | null {
  if (clamped === 0) return null;
  const { scale, offset } = packing ?? { scale: 1, offset: 0 };
  const ends = validRange(dtype, nodata).map((v) => Number((v * scale + offset).toPrecision(7)));
  const [lo, hi] = scale < 0 ? [ends[1], ends[0]] : ends;
  const packed = packing ? ` with scale ${scale} and offset ${offset}` : "";
  return `${clamped} predicted value${clamped === 1 ? "" : "s"} fell outside ${lo}..${hi}, what ${dtype}${packed} holds here, and ${clamped === 1 ? "was" : "were"} clamped to it (output.dtype, output.scale or output.offset widen it)`;
}
