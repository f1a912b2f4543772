/**
 * `tilecast/models`: the architectures (U-Net, ConvLSTM nowcaster, periodic global CNN), their
 * building blocks, autoregressive rollout, and the model registry pipeline files use.
 *
 * @example
 * ```ts
 * import { createModel, modelTypes } from "tilecast/models";
 * console.log(modelTypes()); // ["convlstm", "global-cnn", "identity", "ndvi", "unet"]
 * const m = await createModel({ type: "unet", depth: 2, filters: 4 }, 4);
 * console.log(m.bands); // 1
 * ```
 */
export { type ErrorCode, isTilecastError, TilecastError } from "../errors.js";
export {
  type ConvBlockOptions,
  conv,
  convBlock,
  type HeadActivation,
  headActivation,
  headLayer,
  periodicConv2d,
} from "./blocks.js";
export { type ConvLstmOptions, convLstmNowcaster, convLstmOptions } from "./convlstm.js";
export { type ArchitectureDef, architecture } from "./descriptors/architecture.js";
export { checkBandOrder, type InputBands } from "./descriptors/band-order.js";
export { type GlobalCnnOptions, globalCnn, globalCnnOptions } from "./global-cnn.js";
export { parseOptions } from "./options.js";
export {
  type ArchitectureInput,
  architectureNames,
  buildArchitecture,
  createModel,
  type LoadedModel,
  type ModelDescriptor,
  modelDescriptor,
  modelTypes,
  registerModel,
} from "./registry.js";
export { type OneStepModel, rollout } from "./rollout.js";
export { type ResolvedUNetOptions, resolveUNetOptions, type UNetOptions, unet, unetOptions } from "./unet.js";
