/**
 * Which arrays of a store are data, and what a variable's bands are called: arrays of two or more
 * dims that no other array names as a coordinate or CF names as no data (bounds, cell measures,
 * formula terms), as xarray's `decode_coords="all"` tells them apart; band labels from a band
 * coordinate (times, text or numbers), from the valid times named beside forecast steps, or from
 * a names attribute.
 *
 * Internal to the Zarr reader; for example:
 * ```ts internal
 * dataVariables(await openZarr("cmip.zarr")); // ["tas"], not lat_bnds or time_bnds
 * ```
 */
import { cfTimeLabels, isCfTime } from "./cf-time.js";
import type { ZarrArrayInfo, ZarrDataset } from "./dataset.js";
import { type AxisSelection, readCoord } from "./read.js";
import { isTextDtype, readText } from "./text.js";
import { readTimeValues } from "./time-values.js";

/**
 * Attributes through which CF names other arrays that describe a variable rather than being data
 * (cell bounds, a climatology's bounds, cell areas, formula terms of a vertical coordinate, grid
 * mappings, UGRID's node arrays), as xarray's `decode_coords="all"` reads them: `"lat_bnds"`, or
 * `"area: areacella"`-style lists, whose names follow the colons.
 */
const RELATED = [
  "bounds",
  "climatology",
  "cell_measures",
  "formula_terms",
  "grid_mapping",
  "geometry",
  "node_coordinates",
  "node_count",
  "part_node_count",
  "interior_ring",
];

/** The array names one attribute value lists (the `coordinates` attribute included). */
function namedArrays(key: string, v: unknown): string[] {
  if (typeof v !== "string") return [];
  const words = v.trim().split(/\s+/).filter(Boolean);
  // "area: areacella", "a: ap b: b ps: ps": the names after each "key:" (the keys are no arrays);
  // grid_mapping's "crs: x y" names mappings and the coordinates they apply to, neither data.
  if (key === "grid_mapping") return words.map((w) => w.replace(/:$/, ""));
  return key === "cell_measures" || key === "formula_terms" ? words.filter((w) => !w.endsWith(":")) : words;
}

/**
 * Data variables: arrays of two or more dims that are not themselves a coordinate, neither a
 * dimension's nor one another array names in its `coordinates` attribute (a swath's 2-D latitude
 * and longitude) or in an attribute of {@link RELATED} (CMIP's `lat_bnds` and `time_bnds`, a
 * model's `areacella`), as xarray tells them apart with `decode_coords="all"`.
 */
export function dataVariables(ds: ZarrDataset): string[] {
  const arrays = [...ds.arrays.values()];
  const coords = new Set(arrays.flatMap((a) => a.dims));
  for (const a of arrays) {
    // Names in an attribute are the array's own group's (groups.ts): "lat_bnds" beside "g/tas" is "g/lat_bnds".
    const group = a.name.slice(0, a.name.lastIndexOf("/") + 1);
    for (const key of ["coordinates", ...RELATED])
      for (const n of namedArrays(key, a.attrs[key])) coords.add(n).add(group + n);
  }
  return arrays.filter((a) => a.dims.length >= 2 && !coords.has(a.name)).map((a) => a.name);
}

/** Values of a 1-D coordinate as labels: times for CF time, its text, or numbers. */
export async function coordLabels(c: ZarrArrayInfo, where: string): Promise<string[]> {
  if (isTextDtype(c.dtype)) return readText(c, where);
  if (isCfTime(c.attrs))
    return cfTimeLabels(await readTimeValues(c, [[0, c.shape[0] ?? 0]], where), c.attrs, where, c.name);
  return Array.from(await readCoord(c, where), String);
}

/**
 * The one CF time coordinate along `dim` that a variable names in its `coordinates` attribute,
 * and its selection: cfgrib's `valid_time` beside its `step` dimension, or a forecast archive's
 * `valid_time (init_time, lead_time)` with the run fixed (`fixed`: indices by dimension name);
 * undefined when none or several.
 */
export function timesAlong(
  ds: ZarrDataset,
  info: ZarrArrayInfo,
  dim: string,
  fixed: ReadonlyMap<string, number> = new Map(),
): { coord: ZarrArrayInfo; select: AxisSelection[] } | undefined {
  const found = namedArrays("coordinates", info.attrs.coordinates).flatMap((n) => {
    const a = ds.arrays.get(n);
    if (!a?.dims.includes(dim) || !isCfTime(a.attrs) || !a.dims.every((d) => d === dim || fixed.has(d))) return [];
    const select = a.dims.map((d, i): AxisSelection => (d === dim ? [0, a.shape[i] ?? 0] : (fixed.get(d) ?? 0)));
    return [{ coord: a, select }];
  });
  return found.length === 1 ? found[0] : undefined;
}

/** The labels of the times {@link timesAlong} found. */
export async function timesAlongLabels(
  t: { coord: ZarrArrayInfo; select: AxisSelection[] },
  where: string,
): Promise<string[]> {
  return cfTimeLabels(await readTimeValues(t.coord, t.select, where), t.coord.attrs, where, t.coord.name);
}

/**
 * Band names a variable lists in its attributes (`band_names`, or `long_name` given as a list),
 * when the list has one string (or null) per band; else null.
 */
export function namesAttr(
  attrs: Readonly<Record<string, unknown>>,
  bands: number,
): { key: string; names: (string | null)[] } | null {
  for (const key of ["band_names", "long_name"]) {
    const v = attrs[key];
    if (Array.isArray(v) && v.length === bands && v.every((n) => n === null || typeof n === "string"))
      return { key, names: v as (string | null)[] };
  }
  return null;
}
