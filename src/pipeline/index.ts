/**
 * `tilecast/pipeline`: pipeline files (YAML, validated), the runner with its stage registry,
 * `convert` and `preview`.
 *
 * @example
 * ```ts
 * import { loadPipeline, runPipeline } from "tilecast/pipeline";
 * const s = await runPipeline(await loadPipeline("pipelines/scene-ndvi.yaml", ["output.path=/tmp/ndvi.tif"]));
 * console.log(s.width, s.height); // 512 512
 * ```
 */
export { type ErrorCode, isTilecastError, TilecastError } from "../errors.js";
export { HEAP_GROWING_PERCENT, heapGrowthFlag, tuneHeapGrowth } from "../util/heap-growth.js";
export { checkAligned } from "./aligned.js";
export {
  loadPipeline,
  type Pipeline,
  type PipelineOutput,
  parsePipeline,
  parseSets,
  pipelineSchema,
  requireOutput,
} from "./config.js";
export { type ConvertOptions, type ConvertResult, convertRaster } from "./convert.js";
export { cycleFrames, inputStep } from "./cycle-frames.js";
export { type ClassEvaluation, evaluateClasses } from "./evaluate.js";
export { evaluateGlobal, type GlobalEvaluation, type GlobalScores } from "./evaluate-global.js";
export { evaluateNowcast, type MethodScores, type NowcastEvaluation } from "./evaluate-nowcast.js";
export {
  type ForecastSummary,
  frameClock,
  frameTimes,
  type NowcastSummary,
  runForecast,
  runNowcast,
} from "./forecast.js";
export { normalizeStats, openInput, planFor, statsFor } from "./input.js";
export { manifestPath, partsDir, type RunIdentity, type RunManifest, readManifest } from "./manifest.js";
export { checkOutputRoot } from "./output-root.js";
export { type PreviewOptions, type PreviewResult, previewPipeline } from "./preview.js";
export type { PartsOptions } from "./resumable.js";
export { type RunEvent, type RunHooks, type RunOptions, type RunSummary, runPipeline } from "./run.js";
export { type FinalizeSummary, finalizeRun } from "./run-output.js";
export { listRuns, type RunProgress } from "./runs.js";
export { loadScene, sceneName } from "./scene.js";
export {
  createTileStages,
  registerStage,
  type StageContext,
  type StageDescriptor,
  stageDescriptor,
  stageTypes,
} from "./stages.js";
export { type TrainRunOptions, type TrainSummary, trainPipeline } from "./train.js";
export { resolveTrainPaths, type TrainSection, trainSection } from "./train-config.js";
export { rowLatitudes, stateData, stateScorer } from "./train-state.js";
export { type CellSize, cellSize, checkTrainedFrames, type TrainedFrames, trainedFrames } from "./trained-frames.js";
