/** ONNX export of tilecast models and ONNX Runtime sessions (see each module). */
export { exportOnnx, OPSET } from "./export.js";
export { exportModelDir, type OnnxExport, onnxBytesFor, weightsDigest } from "./model-file.js";
export {
  loadOnnxRuntime,
  type OnnxRuntimeInfo,
  onnxRuntimeInfo,
  onnxSpinning,
  onnxThreads,
  pipelineOnnxThreads,
} from "./runtime.js";
export { OnnxSession } from "./session.js";
