/** The `augment` stage: seeded joint image + label transforms. */
import { augment, augmentStageOptions } from "../../stages/augment.js";
import type { StageDescriptor } from "../stages.js";

/**
 * `{type: augment, seed: 1, hflip: {p: 0.5}, ...}` (see `augmentOptions` for the transforms).
 *
 * @example
 * ```ts
 * import { stageDescriptor } from "tilecast/pipeline";
 * console.log(stageDescriptor("augment").name); // augment
 * ```
 */
export const augmentStage: StageDescriptor<typeof augmentStageOptions> = {
  name: "augment",
  summary: "seeded flips, rotations, warps, lighting and noise on image and label together",
  options: augmentStageOptions,
  create: (o) => augment(o),
};
