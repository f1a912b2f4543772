/** The `unet` registry entry. */
import { unet, unetOptions } from "../unet.js";
import { architecture } from "./architecture.js";

/**
 * `model: {type: unet, depth: 3, filters: 16}` or `{type: unet, path: models/scene-water}`.
 *
 * @example
 * ```ts
 * import { createModel } from "tilecast/models";
 * console.log((await createModel({ type: "unet", depth: 2, filters: 4, classes: 3 }, 5)).bands); // 3
 * ```
 */
export const unetModel = architecture({
  name: "unet",
  summary: "U-Net segmentation (depth, filters, classes, batch norm, residual, upsampling)",
  options: unetOptions,
  build: (o, input) => unet({ ...o, inputShape: [input.height ?? null, input.width ?? null, input.bands] }),
});
