/**
 * `augment(options)`: random transforms of each tile's image and label, for training (see
 * {@link augmentSample} for the transforms). Each tile gets its own generator seeded from
 * `seed`, the tile id and the `epoch`, so a run is reproducible whatever order tiles arrive in.
 * Augmented tiles no longer line up with the map: use them to train or preview, not to stitch.
 * Empty tiles pass through unchanged.
 *
 * @example
 * ```ts
 * import { augment, openGeoTiff, planTiles, readTiles } from "tilecast";
 * const src = await openGeoTiff("fixtures/demo/scene.s2like.u16.4b.tif");
 * const plan = planTiles({ width: 512, height: 512, tileSize: 128 });
 * readTiles(src, plan)
 *   .pipe(augment({ seed: 1, hflip: { p: 0.5 }, rotate: { p: 0.5, degrees: 30 }, noise: { std: 10 } }))
 *   .subscribe((t) => t.release());
 * ```
 */

import { map, type OperatorFunction } from "rxjs";
import { z } from "zod";
import { augmentOptions, augmentSample } from "../augment/augment.js";
import { Rng } from "../augment/rng.js";
import { fromSample, toSample } from "../augment/sample.js";
import type { Tile } from "./tile.js";

/** The options of the augment stage: the transforms plus the seed and epoch (validated by pipeline files). */
export const augmentStageOptions = augmentOptions.extend({
  /** Default 0. */
  seed: z.number().int().optional(),
  /** Vary transforms between epochs of the same seed (default 0). */
  epoch: z.number().int().optional(),
});

/** Options for {@link augment}: the transforms plus the seed and epoch. */
export type AugmentStageOptions = z.infer<typeof augmentStageOptions>;

/** Augment one tile (see the module documentation). */
export function augmentTile(t: Tile, o: AugmentStageOptions): Tile {
  if (t.empty) return t;
  const rng = new Rng((o.seed ?? 0) + 7919 * (o.epoch ?? 0), t.spec.id);
  const s = augmentSample(toSample(t.grid, t.label), o, rng);
  const { image, label } = fromSample(s, t.grid);
  return { ...t, grid: image, ...(label ? { label } : {}) };
}

/**
 * `augment(options)`: random transforms of each tile's image and label, for training (see {@link augmentSample} for the transforms).
 * Details and a complete example: the module documentation above.
 */
export function augment(options: AugmentStageOptions): OperatorFunction<Tile, Tile> {
  return map((t) => augmentTile(t, options));
}
