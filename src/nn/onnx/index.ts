/** ONNX export of tilecast models and ONNX Runtime sessions (see each module). */
export { type ExportOptions, exportOnnx, type InputScaling, OPSET } from "./export.js";
export { exportModelDir, type OnnxExport, onnxBytesFor, weightsDigest } from "./model-file.js";
export {
  loadOnnxRuntime,
  type OnnxRuntimeInfo,
  onnxRuntimeInfo,
  onnxSpinning,
  onnxThreads,
  pipelineOnnxThreads,
  pipelineSessions,
} from "./runtime.js";
export { OnnxSession } from "./session.js";
export { OnnxSessionPool } from "./session-pool.js";
export { vulkanGpu } from "./vulkan.js";
