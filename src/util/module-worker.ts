/**
 * `moduleWorker(url, workerData)`: a worker thread running the module at `url`, the sibling of
 * the calling module. From built JavaScript it starts the `.js` file; from TypeScript sources
 * (tests, `node --import tsx`) it starts the `.ts` file through tsx, whose loader a worker does
 * not inherit. `execArgv: []` keeps the parent's flags (`--input-type`, `--eval` loaders) out of
 * the worker. `options` go to the Worker (`resourceLimits`).
 */
import { Worker, type WorkerOptions } from "node:worker_threads";

/** Start `url` (a `.js` URL beside a `.js` or `.ts` caller; see the module documentation). */
export function moduleWorker(url: URL, workerData: unknown, options: WorkerOptions = {}): Worker {
  if (!url.href.endsWith(".ts")) return new Worker(url, { ...options, workerData, execArgv: [] });
  const load = `import("tsx/esm/api").then((t) => { t.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(load, { ...options, eval: true, workerData, execArgv: [] });
}

/** The worker module `name` (without extension) beside `caller` (an `import.meta.url`). */
export function siblingModule(caller: string, name: string): URL {
  return new URL(`./${name}${caller.endsWith(".ts") ? ".ts" : ".js"}`, caller);
}
