/**
 * Which variables a Zarr output holds, and where each band goes. A raster is one variable of all
 * its bands (`band_data (band, y, x)` as rioxarray writes it, or `(time, y, x)` where every band
 * is named by an instant). Bands read from several variables of a store (`--var t2m,tp`,
 * stack.ts) go back to one variable each, as xarray had opened them: `t2m (time, y, x)` and
 * `tp (time, y, x)` sharing one time coordinate, a variable of one band as `(y, x)`. Variables
 * whose times (or band labels) differ get an axis each: `time`, `time_2`, ...
 *
 * Where the variables cannot be written under their own names (two of one name in different
 * groups, a name the store's coordinates take), the raster is written as one variable, its bands
 * named by variable (`band_names`).
 *
 * Internal (used by sink.ts).
 */
import type { GridAttrs } from "../../grid/grid.js";
import { encodeCfTime } from "./cf-time.js";
import type { BandPlace } from "./metadata.js";

/** A variable's band axis: its labels, and their CF encoding where they are times. */
export interface BandAxis {
  name: string;
  labels: readonly (string | null)[];
  times: ReturnType<typeof encodeCfTime>;
}

/** One variable of the output: the raster's bands it holds, and its band axis (none for one band). */
export interface OutVariable {
  name: string;
  bands: readonly number[];
  axis: BandAxis | null;
}

/**
 * The output's variables and their band axes; `place[b]` is where band `b` goes; `stacked` where
 * the variables are those the bands were read from.
 */
export interface BandLayout {
  stacked: boolean;
  variables: OutVariable[];
  axes: BandAxis[];
  place: BandPlace[];
}

/** Names a variable cannot take: the store's coordinates. */
const TAKEN = new Set(["x", "y", "lat", "lon", "band", "time", "spatial_ref"]);

/** The layout of one variable `name` holding every band (see the module documentation). */
function oneVariable(attrs: GridAttrs | undefined, bands: number, name: string): BandLayout {
  const names = attrs?.bandNames;
  const labels = names && names.length === bands ? names : Array<null>(bands).fill(null);
  const times = names && names.length === bands ? encodeCfTime(names) : null;
  const axis: BandAxis = { name: times ? "time" : "band", labels, times };
  const all = Array.from({ length: bands }, (_, b) => b);
  const place = all.map((b) => ({ name, index: b }));
  return { stacked: false, variables: [{ name, bands: all, axis }], axes: [axis], place };
}

/** The variables `bands` bands with `attrs` are written as; `name` names a single variable. */
export function bandLayout(attrs: GridAttrs | undefined, bands: number, name: string): BandLayout {
  const of = attrs?.bandVariables;
  if (!of || of.length !== bands) return oneVariable(attrs, bands, name);
  const groups = new Map<string, number[]>();
  of.forEach((v, b) => {
    groups.set(v, [...(groups.get(v) ?? []), b]);
  });
  const leaf = (v: string) => v.slice(v.lastIndexOf("/") + 1);
  const leaves = [...groups.keys()].map(leaf);
  const valid = (n: string) => n !== "" && !n.startsWith(".") && !n.startsWith("__") && !TAKEN.has(n);
  if (new Set(leaves).size !== leaves.length || !leaves.every(valid)) return oneVariable(attrs, bands, name);

  const axes: BandAxis[] = [];
  const axisFor = (labels: (string | null)[]): BandAxis => {
    const times = encodeCfTime(labels);
    const same = axes.find((a) => !a.times === !times && a.labels.join("\n") === labels.join("\n"));
    if (same) return same;
    const base = times ? "time" : "band";
    const count = axes.filter((a) => !a.times === !times).length;
    const axis = { name: count ? `${base}_${count + 1}` : base, labels, times };
    axes.push(axis);
    return axis;
  };
  const variables = [...groups].map(([v, bs]): OutVariable => {
    // A band of a variable with several is named `variable:label` (stack.ts).
    const labels = bs.map((b) => {
      const n = attrs?.bandNames?.[b] ?? null;
      return n?.startsWith(`${v}:`) ? n.slice(v.length + 1) : n;
    });
    return { name: leaf(v), bands: bs, axis: bs.length > 1 ? axisFor(labels) : null };
  });
  if (axes.some((a) => leaves.includes(a.name))) return oneVariable(attrs, bands, name);
  const place = Array.from({ length: bands }, (): BandPlace => ({ name, index: null }));
  for (const v of variables)
    for (const [i, b] of v.bands.entries()) place[b] = { name: v.name, index: v.axis ? i : null };
  return { stacked: true, variables, axes, place };
}
