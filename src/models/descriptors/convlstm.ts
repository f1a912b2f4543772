/** The `convlstm` registry entry: bands are frames × channels, frame-major, in and out. */
import { TilecastError } from "../../errors.js";
import { convLstmNowcaster, convLstmOptions } from "../convlstm.js";
import { architecture } from "./architecture.js";

/**
 * `model: {type: convlstm, inputFrames: 4, outputFrames: 6}`: a ConvLSTM encoder-forecaster.
 *
 * @example
 * ```ts
 * import { createModel } from "tilecast/models";
 * const m = await createModel({ type: "convlstm", inputFrames: 2, outputFrames: 3, filters: [2] }, 4);
 * console.log(m.bands); // 6 (3 frames x 2 channels)
 * ```
 */
export const convLstmModel = architecture({
  name: "convlstm",
  summary: "ConvLSTM encoder-forecaster nowcaster (T frames in, K out)",
  options: convLstmOptions,
  sequence: true,
  build(o, input) {
    if (input.bands % o.inputFrames !== 0)
      throw new TilecastError(
        "E_ARGUMENT",
        `model convlstm: ${input.bands} bands do not split into ${o.inputFrames} frames`,
      );
    return convLstmNowcaster({
      ...o,
      outputFrames: o.outputFrames ?? 1,
      height: input.height ?? null,
      width: input.width ?? null,
      channels: input.bands / o.inputFrames,
    });
  },
});
