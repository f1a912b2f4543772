/**
 * The attributes of one variable of a Zarr output (band-variables.ts): what describes its values
 * (`units`, `long_name`, a GRIB parameter) first, then its scale and offset where its bands share
 * them, and the labels of bands that are not times (`band_names`). A variable read from a store
 * among others (`--var t2m,tp`) gets back the attributes stack-attrs.ts kept with its bands.
 *
 * Internal (used by sink.ts).
 */
import { type GridAttrs, selectBands } from "../../grid/grid.js";
import { carriedAttrs, commonUnit } from "../carried-attrs.js";
import type { OutVariable } from "./band-variables.js";
import { flagAttrs } from "./flag-meanings.js";

/** The items every one of `items` has with the same value. */
function sharedItems(items: readonly (Readonly<Record<string, string>> | null)[]): [string, string][] {
  const [first, ...rest] = items;
  return Object.entries(first ?? {}).filter(([k, v]) => rest.every((i) => i?.[k] === v));
}

/** The one value every entry of `values` has, or null. */
const same = (values: readonly number[] | undefined): number | null =>
  values?.length && values.every((v) => v === values[0]) ? (values[0] as number) : null;

/** `v`'s attributes, from the raster's `attrs`; `stacked` where `v` is a variable the bands were read from. */
export function variableAttrs(attrs: GridAttrs | undefined, v: OutVariable, stacked: boolean): Record<string, unknown> {
  const own = selectBands(attrs ?? {}, v.bands);
  const out: Record<string, unknown> = Object.fromEntries(carriedAttrs(attrs, true));
  if (stacked && own.bandMetadata) for (const [k, x] of sharedItems(own.bandMetadata)) out[k] ??= x;
  const units = commonUnit(own, v.bands.length);
  if (units) out.units = units;
  if (v.axis && !v.axis.times && v.axis.labels.some((n) => n)) out.band_names = v.axis.labels;
  const scale = same(own.scale);
  const offset = same(own.offset);
  if (scale !== null && scale !== 1) out.scale_factor = scale;
  if (offset !== null && offset !== 0) out.add_offset = offset;
  // A class raster's names (the first band's), as CF's flags, unless the data's own are there.
  const names = attrs?.categoryNames;
  if (names?.length && v.bands.length === 1 && v.bands[0] === 0 && out.flag_meanings === undefined)
    Object.assign(out, flagAttrs(names));
  return out;
}
