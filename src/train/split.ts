/**
 * Training and validation tiles split by space, never by random tiles of one scene (neighbouring
 * tiles are nearly the same sample, and a random split scores the model on what it has seen).
 *
 * - `blocks`: tiles are grouped into square blocks of `block × block` tiles; a seeded shuffle of
 *   the blocks gives the first ⌈fraction · blocks⌉ to validation (at least one, and at least one
 *   left for training).
 * - `region`: tiles whose core meets the pixel window `region` validate.
 *
 * Then every training tile whose read window (core plus halo) touches a validation core is
 * dropped, so no pixel is both trained on and scored: the split is disjoint in pixels, not only in
 * tiles. A split that leaves no training tile is an error.
 *
 * @example
 * ```ts
 * import { planTiles } from "tilecast";
 * import { splitTiles } from "tilecast/train";
 * const plan = planTiles({ width: 512, height: 512, tileSize: 64 });
 * const s = splitTiles(plan, { by: "blocks", block: 2, validation: 0.25, seed: 1 });
 * console.log(s.train.length, s.validation.length, s.dropped); // 48 16 0
 * ```
 */
import { z } from "zod";
import { Rng } from "../augment/rng.js";
import { TilecastError } from "../errors.js";
import { intersect, isEmpty, type Window } from "../grid/window.js";
import type { TilePlan, TileSpec } from "../tiling/plan.js";
import { shuffled } from "./shuffle.js";

const region = z.strictObject({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

/** How tiles are split (pipeline files' `train.split`). */
export const splitSpec = z.discriminatedUnion("by", [
  z.strictObject({
    by: z.literal("blocks"),
    /** Block side in tiles (default 4). */
    block: z.number().int().positive().default(4),
    /** Share of blocks that validate (default 0.2). */
    validation: z.number().gt(0).lt(1).default(0.2),
    seed: z.number().int().default(0),
  }),
  z.strictObject({ by: z.literal("region"), validation: region }),
]);

/** What {@link splitSpec} accepts. */
export type SplitSpec = z.input<typeof splitSpec>;

/** The tiles of each side, and how many training tiles the halo rule dropped. */
export interface TileSplit {
  train: TileSpec[];
  validation: TileSpec[];
  dropped: number;
}

const touches = (a: Window, b: Window) => !isEmpty(intersect(a, b));

/** Split a plan's tiles; see the module documentation. */
export function splitTiles(plan: TilePlan, spec: SplitSpec): TileSplit {
  const s = splitSpec.parse(spec);
  const tiles = [...plan.tiles()].filter((t) => !t.guest);
  let isVal: (t: TileSpec) => boolean;
  if (s.by === "blocks") {
    const across = Math.ceil(plan.tilesAcross / s.block);
    const blockOf = (t: TileSpec) => Math.floor(t.row / s.block) * across + Math.floor(t.col / s.block);
    const blocks = [...new Set(tiles.map(blockOf))].sort((a, b) => a - b);
    if (blocks.length < 2)
      throw new TilecastError(
        "E_ARGUMENT",
        `split: ${blocks.length} block of ${s.block}×${s.block} tiles cannot be split; make train.split.block smaller`,
      );
    const n = Math.min(blocks.length - 1, Math.max(1, Math.ceil(s.validation * blocks.length)));
    const chosen = new Set(shuffled(blocks, new Rng(s.seed, 17)).slice(0, n));
    isVal = (t) => chosen.has(blockOf(t));
  } else {
    const r = s.validation;
    isVal = (t) => touches(t.core, r);
  }
  const validation = tiles.filter(isVal);
  const candidates = tiles.filter((t) => !isVal(t));
  // A read window reaches ⌈overlap / size⌉ tiles each way (around the globe on a periodic axis).
  const byPlace = new Map(validation.map((v) => [`${v.row},${v.col}`, v]));
  const reach = Math.ceil(plan.overlap / plan.tileSize);
  const nearValidation = (t: TileSpec) => {
    for (let dr = -reach; dr <= reach; dr++)
      for (let dc = -reach; dc <= reach; dc++) {
        const col = plan.periodicX ? (t.col + dc + plan.tilesAcross) % plan.tilesAcross : t.col + dc;
        const v = byPlace.get(`${t.row + dr},${col}`);
        if (v && (plan.periodicX || touches(t.read, v.core))) return true;
      }
    return false;
  };
  const train = candidates.filter((t) => !nearValidation(t));
  if (validation.length === 0)
    throw new TilecastError("E_ARGUMENT", "split: no tile validates (the region is outside the raster?)");
  if (train.length === 0)
    throw new TilecastError(
      "E_ARGUMENT",
      "split: no training tile is left once validation tiles and their halo are taken out",
    );
  return { train, validation, dropped: candidates.length - train.length };
}
