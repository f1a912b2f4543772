/** The `normalize` stage: statistics loaded or computed first, then per-band scaling. */
import { normalize, normalizeStageOptions } from "../../stages/normalize.js";
import { normalizeStats } from "../input.js";
import type { StageDescriptor } from "../stages.js";

/**
 * `{type: normalize, method: zscore, stats: compute | FILE, transforms, saveStats}`; the
 * pipeline's top-level `normalize:` key is this stage, run first.
 *
 * @example
 * ```ts
 * import { stageDescriptor } from "tilecast/pipeline";
 * console.log(stageDescriptor("normalize").paths); // ["stats", "saveStats"]
 * ```
 */
export const normalizeStage: StageDescriptor<typeof normalizeStageOptions> = {
  name: "normalize",
  summary: "per-band z-score or min/max scaling (statistics from a file or a streaming pass)",
  options: normalizeStageOptions,
  paths: ["stats", "saveStats"],
  writes: ["saveStats"],
  async create(o, ctx) {
    const stats = await normalizeStats(o, ctx.pipeline, ctx.source, ctx.plan);
    ctx.log("stats", { bands: stats.bands, file: o.saveStats ?? o.stats });
    return normalize(stats, { method: o.method });
  },
};
