/**
 * Whether an output keeps its input's packing. `convert` copies packed values as stored, with
 * their scale and offset (as `gdal_translate` does): a GeoTIFF keeps a packing per band, and a
 * Zarr variable one for all its bands (CF's `scale_factor` and `add_offset`). Bands that one
 * variable would hold, packed differently (a GeoTIFF of temperature in 0.01 K and pressure in
 * 10 Pa steps), cannot keep theirs there; they are written unpacked, as floats, and said so,
 * rather than as their stored integers without a packing, which every reader would take as
 * the values.
 *
 * @example
 * ```ts
 * import { openSource, packingFor, zarrDriver } from "tilecast/io";
 * const src = await openSource("fixtures/geotiff/i16.lzw.pred2.tiled.band.2b.tif");
 * const { source, warning } = packingFor(src, zarrDriver);
 * console.log(source.meta.dtype, warning); // float32 "bands 1 and 2 are packed differently ..."
 * ```
 */
import type { FormatDriver } from "./driver.js";
import type { GridSource } from "./types.js";
import { packingTerm, unpackSource } from "./unpack.js";

/** The bands of `src` that an output variable holds together: by the variable they came from, else all. */
function groups(src: GridSource): number[][] {
  const of = src.meta.attrs.bandVariables;
  const all = Array.from({ length: src.meta.bands }, (_, b) => b);
  if (!of) return [all];
  return [...new Set(of)].map((v) => all.filter((b) => of[b] === v));
}

/**
 * `src` as `driver`'s output can keep it: as it is, or unpacked where bands of one variable are
 * packed differently, with the warning that says so.
 */
export function packingFor(
  src: GridSource,
  driver: Pick<FormatDriver, "bandPacking" | "title">,
): { source: GridSource; warning: string | null } {
  if (driver.bandPacking) return { source: src, warning: null };
  const { scale = [], offset = [] } = src.meta.attrs;
  const term = (b: number) => packingTerm(scale[b] ?? 1, offset[b] ?? 0);
  for (const bands of groups(src)) {
    const [first = 0, ...rest] = bands;
    const other = rest.find((b) => term(b) !== term(first));
    if (other === undefined) continue;
    const source = unpackSource(src);
    return {
      source,
      warning: `bands ${first + 1} and ${other + 1} are packed differently (${term(first)}; ${term(other)}) and a ${driver.title} variable holds one packing: written unpacked, as ${source.meta.dtype}`,
    };
  }
  return { source: src, warning: null };
}
