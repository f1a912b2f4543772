/**
 * `tilecast/tiling`: tile plans (size, halo, edge policies, periodic x), blending weights, the
 * bounded-memory stitcher and the block assembler. Pure arithmetic; loads no TensorFlow.js.
 *
 * @example
 * ```ts
 * import { planTiles } from "tilecast/tiling";
 * const plan = planTiles({ width: 1000, height: 600, tileSize: 256, overlap: 16 });
 * console.log(plan.count); // 12
 * ```
 */
export { type ErrorCode, isTilecastError, TilecastError } from "../errors.js";
export { BlockAssembler, type FinishedBlock } from "./assembler.js";
export { type OutsideMode, reflectIndex } from "./index-map.js";
export { planOfParts, shardParts } from "./parts.js";
export {
  type EdgePolicy,
  edgePolicy,
  type Padding,
  type PlanPart,
  padding,
  planTiles,
  type TilePlan,
  type TilePlanOptions,
  type TileSpec,
  tilesAlong,
} from "./plan.js";
export { type Region, Stitcher, type StitcherOptions, type TileValues } from "./stitcher.js";
export { type BlendWeights, blendWeights, blendWindow } from "./weights.js";
