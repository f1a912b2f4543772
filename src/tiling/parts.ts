/**
 * Some of a plan's parts: the unit of resumable runs and of shards. A part (a rectangle of whole
 * tiles, see {@link PlanPart}) is tiled, stitched and written on its own, so a run may do any
 * subset of parts, in any process, and the pixels are those of a run doing them all.
 *
 * Shards take contiguous runs of parts: shard `i` of `n` gets parts
 * `[floor(i * P / n), floor((i + 1) * P / n))` of `P`, so every part is in exactly one shard and
 * shard sizes differ by at most one part.
 *
 * @example
 * ```ts
 * import { planTiles } from "tilecast";
 * import { planOfParts, shardParts } from "tilecast/tiling";
 * const plan = planTiles({ width: 1024, height: 1024, tileSize: 128, overlap: 16, stripeWidth: 512, partHeight: 512, stripeGuests: true });
 * plan.parts.length; // 4
 * shardParts(plan.parts.length, 1, 2); // [2, 3]
 * planOfParts(plan, [2, 3]).count; // 32: the tiles whose cores lie in parts 2 and 3
 * ```
 */
import { TilecastError } from "../errors.js";
import type { TilePlan } from "./plan.js";

/** The part ids of shard `index` (from 0) of `count`. */
export function shardParts(parts: number, index: number, count: number): number[] {
  if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 0 && index < count))
    throw new TilecastError("E_ARGUMENT", `shard ${index}/${count}: expected i/n with 0 <= i < n`);
  const from = Math.floor((index * parts) / count);
  const to = Math.floor(((index + 1) * parts) / count);
  return Array.from({ length: to - from }, (_, k) => from + k);
}

/** The plan restricted to the parts `ids` (in the plan's order); its `count` is theirs. */
export function planOfParts(plan: TilePlan, ids: Iterable<number>): TilePlan {
  const want = new Set(ids);
  for (const id of want)
    if (!plan.parts.some((p) => p.id === id))
      throw new TilecastError("E_ARGUMENT", `the plan has no part ${id} (it has ${plan.parts.length})`);
  const parts = plan.parts.filter((p) => want.has(p.id));
  return {
    ...plan,
    count: parts.reduce((n, p) => n + p.tiles, 0),
    parts,
    *tiles() {
      for (const t of plan.tiles()) if (want.has(t.part ?? 0)) yield t;
    },
  };
}
