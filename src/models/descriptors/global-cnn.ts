/** The `global-cnn` registry entry. */
import { TilecastError } from "../../errors.js";
import { globalCnn, globalCnnOptions } from "../global-cnn.js";
import { architecture } from "./architecture.js";

/**
 * `model: {type: global-cnn, blocks: 4, filters: 32}`: longitude-periodic convolutions.
 *
 * @example
 * ```ts
 * import { createModel } from "tilecast/models";
 * console.log((await createModel({ type: "global-cnn", blocks: 1, filters: 4 }, 3)).bands); // 3
 * ```
 */
export const globalCnnModel = architecture({
  name: "global-cnn",
  summary: "global CNN of longitude-periodic convolutions (state t -> t + dt)",
  options: globalCnnOptions,
  build(o, input) {
    const history = o.history ?? 1;
    if (input.bands % history !== 0)
      throw new TilecastError(
        "E_ARGUMENT",
        `model global-cnn: ${input.bands} bands do not split into ${history} time levels`,
      );
    return globalCnn({
      ...o,
      height: input.height ?? null,
      width: input.width ?? null,
      channels: input.bands / history,
    });
  },
});
