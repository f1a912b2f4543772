/**
 * Whether statistics read from a file (`normalize.stats`) are those of the bands they normalize:
 * as many, and in the same order where both name them. Statistics of other bands normalize
 * without a complaint: a band past the file's last was left as it was (scale 1, shift 0), and a
 * file of `blue, green, red, nir` used on `input.bands: [2, 3]` scaled red and nir by blue's and
 * green's. Statistics pooled over a variable (`per: variable`) hold for any number of its bands.
 * Files written before names were recorded are checked by count only.
 *
 * Internal (used by input.ts).
 */
import { TilecastError } from "../errors.js";
import type { Stats } from "../grid/band-stats.js";
import type { GridSource } from "../io/types.js";
import { checkBandOrder } from "../models/descriptors/band-order.js";

/** Refuse `stats`, read from `file`, for the `bands` of `src` a pipeline normalizes; see the module note. */
export function checkStatsBands(
  stats: Stats,
  file: string,
  per: "band" | "variable",
  src: GridSource,
  bands: readonly number[] | undefined,
): void {
  if (per === "variable") return;
  const indices = bands ?? Array.from({ length: src.meta.bands }, (_, b) => b);
  if (stats.bands.length !== indices.length) {
    const picked = bands ? ` (input.bands picks ${indices.length} of its ${src.meta.bands})` : "";
    throw new TilecastError(
      "E_ARGUMENT",
      `the statistics are of ${stats.bands.length} bands; the input has ${indices.length}${picked}`,
      { path: file },
    );
  }
  if (!stats.names) return;
  const names = indices.map((b) => src.meta.attrs.bandNames?.[b]);
  checkBandOrder(stats.names, { names, indices, path: file }, file, "the statistics are of");
}
