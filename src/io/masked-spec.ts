/**
 * How an output keeps the cells its data marks missing: in a mask beside the data where its
 * format has one (GeoTIFF, COG: `SinkSpec.mask`), else as the nodata value. A float output
 * without one gets NaN; an integer output without one cannot keep them, which is said, not
 * silently lost.
 *
 * @example
 * ```ts
 * import { maskedSpec, zarrDriver } from "tilecast/io";
 * const spec = { width: 4, height: 4, bands: 1, dtype: "float32", georef: null, nodata: null } as const;
 * console.log(maskedSpec(spec, zarrDriver).spec.nodata); // NaN
 * ```
 */
import type { FormatDriver } from "./driver.js";
import type { SinkSpec } from "./types.js";

/**
 * `spec` for data with masked cells written in `driver`'s format, and a warning when they cannot
 * be kept (an integer output without a nodata value in a format without masks).
 */
export function maskedSpec(
  spec: SinkSpec,
  driver: Pick<FormatDriver, "masks" | "title">,
): { spec: SinkSpec; warning: string | null } {
  if (driver.masks) return { spec: { ...spec, mask: true }, warning: null };
  if (spec.nodata !== null) return { spec, warning: null };
  if (spec.dtype.startsWith("float")) return { spec: { ...spec, nodata: Number.NaN }, warning: null };
  return {
    spec,
    warning: `a ${driver.title} output keeps no mask: cells without data are written as 0; set a nodata value to mark them`,
  };
}
