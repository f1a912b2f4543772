/**
 * `tilecast/nn`: backend selection, conv arithmetic and receptive fields, custom layers
 * (`PeriodicPadding2D`, `RepeatFrames`), model summaries, and model directories with cards.
 *
 * @example
 * ```ts
 * import { convOutputSize, selectBackend } from "tilecast/nn";
 * console.log(convOutputSize(227, 11, { stride: 4 })); // 55
 * console.log((await selectBackend({ prefer: "cpu" })).backend); // cpu
 * ```
 */
export { type ErrorCode, isTilecastError, TilecastError } from "../errors.js";
export { type BackendName, type BackendReport, describeBackend, selectBackend } from "./backend.js";
export { ChannelSlice, type ChannelSliceArgs } from "./channel-slice.js";
export {
  type ConvGeometry,
  type ConvPadding,
  convOutputSize,
  convParams,
  effectiveKernel,
  type RfLayer,
  receptiveField,
  samePadding,
} from "./conv-arithmetic.js";
export { fileIO } from "./file-io.js";
export { foldBatchNorm } from "./fold-batch-norm.js";
export { type InferenceModel, inferenceModel } from "./inference-model.js";
export { LastFrame } from "./last-frame.js";
export {
  anomalyCorrelation,
  type ClassScores,
  type Contingency,
  confusionMatrix,
  contingency,
  csi,
  f1,
  far,
  iou,
  latitudeWeightedRmse,
  latitudeWeights,
  matrixAccuracy,
  matrixF1,
  matrixIou,
  pixelAccuracy,
  pod,
  rmse,
} from "./metrics.js";
export { loadModelDir, type ModelCard, modelCardSchema, readModelCard, saveModelDir } from "./model-card.js";
export {
  type ExportOptions,
  exportModelDir,
  exportOnnx,
  type InputScaling,
  loadOnnxRuntime,
  type OnnxExport,
  type OnnxRuntimeInfo,
  OnnxSession,
  OnnxSessionPool,
  OPSET,
  onnxBytesFor,
  onnxRuntimeInfo,
  vulkanGpu,
  weightsDigest,
} from "./onnx/index.js";
export {
  type LatitudePadding,
  latitudePadding,
  PeriodicPadding2D,
  type PeriodicPadding2DArgs,
  periodicPad,
} from "./periodic-padding.js";
export { isTfjsNoise, silenceTfjsNoise } from "./quiet.js";
export { RepeatFrames, type RepeatFramesArgs } from "./repeat-frames.js";
export { formatModelSummary, type LayerSummary, type ModelSummary, modelSummary } from "./summary.js";
export {
  type FromArrayOptions,
  takeSource,
  tensorFromArray,
  tensorSource,
  tensorValues,
  transferableSource,
} from "./tensor-array.js";
export { exportSavedModel, type TfGraphModel, tfGraphModel } from "./tf-graph/index.js";
export { registerWasmTrainingKernels } from "./wasm/register.js";
