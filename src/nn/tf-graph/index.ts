/** Native TensorFlow graphs of tilecast's models: export as a SavedModel, and run. */
export { exportSavedModel } from "./export.js";
export { type TfGraphModel, tfGraphModel } from "./graph-model.js";
