/**
 * Variables inside groups of a store (`measurements/r10m/b02`, as ESA's Sentinel-2 Zarr products
 * and xarray's DataTree lay them out): a variable sees the arrays of its own group by their names,
 * and those of the groups above where its own has none, as netCDF-4 scopes dimensions, so its
 * `x` and `y` are its own group's and a product's 10 m and 20 m bands each keep their grid.
 *
 * Internal to the Zarr reader; for example:
 * ```ts internal
 * groupView(ds, "measurements/r10m/b02").leaf; // "b02", with ds's "measurements/r10m/x" as "x"
 * ```
 */
import type { ZarrArrayInfo, ZarrDataset } from "./dataset.js";

/** The store as `variable`'s group sees it, and the variable's name there. */
export function groupView(ds: ZarrDataset, variable: string): { ds: ZarrDataset; leaf: string } {
  const cut = variable.lastIndexOf("/");
  if (cut < 0) return { ds, leaf: variable };
  const groups = variable.slice(0, cut).split("/");
  const arrays = new Map<string, ZarrArrayInfo>();
  // The root's arrays first, each group below replacing what it names again.
  for (let depth = 0; depth <= groups.length; depth++) {
    const prefix = groups.slice(0, depth).join("/");
    for (const [key, a] of ds.arrays) {
      const rest = !prefix ? key : key.startsWith(`${prefix}/`) ? key.slice(prefix.length + 1) : "";
      if (rest && !rest.includes("/")) arrays.set(rest, { ...a, name: rest });
    }
  }
  return { ds: { ...ds, arrays }, leaf: variable.slice(cut + 1) };
}
