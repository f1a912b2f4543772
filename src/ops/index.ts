/**
 * `tilecast/ops`: running pipelines unattended. Cycle times in pipeline files
 * ({@link fillCycle}), a crash-safe lock per pipeline ({@link acquireLock}), one cycle with input
 * wait, retries and a status record ({@link runCycle}), and cron schedules with catch-up
 * ({@link runSchedule}).
 */
export { type CycleOptions, cyclePipeline, pipelineName, runCycle } from "./cycle.js";
export {
  type CycleRecord,
  type CycleStatus,
  type CycleSummary,
  readCycleRecord,
  readCycleRecords,
  recordsDir,
  summarizeCycles,
  writeCycleRecord,
} from "./cycle-record.js";
export { fillCycle, parseCycle, usesCycle } from "./cycle-time.js";
export { acquireLock, type HeldLock, isStale, type LockInfo, type LockOptions, readLock } from "./lock.js";
export {
  connection,
  type QueueOptions,
  queueStatus,
  redactUrl,
  runSceneJob,
  runWorker,
  type SceneJob,
  type SceneResult,
  submitScenes,
  submitShards,
  type WorkerOptions,
} from "./queue.js";
export { missedCycles, parseCron, runSchedule, type ScheduleOptions } from "./schedule.js";
export { cycleTimelines, type Product, productFrame, products, type Skill, skill } from "./serve/data.js";
export { drawFrame, type Frame, type LegendStep } from "./serve/frame.js";
export { safePath } from "./serve/paths.js";
export { createOpsServer, type ServeOptions } from "./serve/server.js";
