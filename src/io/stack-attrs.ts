/**
 * The attributes of variables stacked as one raster's bands (`stack.ts`): what each variable says
 * of itself stays with its own bands, as GDAL's netCDF driver gives each band its variable's
 * attributes.
 * - Each band's unit is its variable's (`t2m` in K beside `tp` in m), written by a GeoTIFF output
 *   as each band's unit type.
 * - Scale and offset stay per band, where a variable has them (the values are stacked as read).
 * - Descriptive attributes (`long_name`, `standard_name`) every variable has with the same value
 *   stay the raster's; the others go to each of the variable's bands' metadata, beside the band's
 *   own items.
 *
 * Internal (used by `stackSources`).
 */
import type { GridAttrs } from "../grid/grid.js";
import { bandUnitsOf, carriedAttrs } from "./carried-attrs.js";
import type { RasterMeta } from "./types.js";

type Items = Record<string, string>;

/** Is `v` at least one band's value (not all null or missing)? */
const some = <T>(v: readonly (T | null)[]): boolean => v.some((x) => x !== null);

/**
 * The stack's attributes for `metas`' bands, one after another, named `bandNames`, the variables
 * named `variables`.
 */
export function stackAttrs(
  metas: readonly RasterMeta[],
  variables: readonly string[],
  bandNames: readonly string[],
): GridAttrs {
  const own = metas.map((m) => new Map(carriedAttrs(m.attrs)));
  const [first = new Map()] = own;
  const shared = new Map([...first].filter(([k, v]) => own.every((a) => a.get(k) === v)));
  const bandVariables = metas.flatMap((m, s) => Array<string>(m.bands).fill(variables[s] as string));
  const attrs: GridAttrs = { ...Object.fromEntries(shared), bandNames, bandVariables };

  const units = metas.flatMap((m) => bandUnitsOf(m.attrs, m.bands) ?? Array<string | null>(m.bands).fill(null));
  if (some(units) && !shared.has("units")) attrs.bandUnits = units;

  if (metas.some((m) => m.attrs.scale || m.attrs.offset)) {
    attrs.scale = metas.flatMap((m) => Array.from({ length: m.bands }, (_, b) => m.attrs.scale?.[b] ?? 1));
    attrs.offset = metas.flatMap((m) => Array.from({ length: m.bands }, (_, b) => m.attrs.offset?.[b] ?? 0));
  }

  const items = metas.flatMap((m, s) => {
    const mine: Items = {};
    for (const [k, v] of own[s] ?? []) if (!shared.has(k) && k !== "units") mine[k] = String(v);
    return Array.from({ length: m.bands }, (_, b): Items | null => {
      const band = { ...mine, ...(m.attrs.bandMetadata?.[b] ?? {}) };
      return Object.keys(band).length ? band : null;
    });
  });
  if (some(items)) attrs.bandMetadata = items;
  return attrs;
}
