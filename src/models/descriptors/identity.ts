/** The `identity` model: the input unchanged, for checking a pipeline end to end. */
import { z } from "zod";
import type { ModelDescriptor } from "../registry.js";

const options = z.strictObject({});

/**
 * `model: {type: identity}`: predicts its input.
 *
 * @example
 * ```ts
 * import { createModel } from "tilecast/models";
 * console.log((await createModel({ type: "identity" }, 4)).bands); // 4
 * ```
 */
export const identityModel: ModelDescriptor<typeof options> = {
  name: "identity",
  summary: "the input unchanged (checks a pipeline end to end)",
  options,
  // The batch itself (`predict` keeps an output that is its input): nothing runs on the backend,
  // the batch stays on the host, and the stitcher reads its array.
  load: async (_o, { inputBands }) => ({ predictor: (x) => x, bands: inputBands, host: true }),
};
