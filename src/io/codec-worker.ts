/**
 * The worker thread behind {@link CodecPool}: answers each job it is sent ({@link answerJob}),
 * one at a time, its bytes transferred, not copied. It says it is up by setting the shared flag
 * it was started with (`workerData`), which the pool reads without waiting for a message: until
 * some worker is up, the pool does jobs on its own thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { answerJob } from "./codec-job.js";
import type { CodecJob } from "./codec-jobs.js";

const port = parentPort;
if (port) {
  // One job at a time: a job's input stays in the scratch buffer across its decoder's await.
  // A failure to answer (postMessage throwing) is thrown again outside the chain, ending the
  // worker as it would have without the chain: the pool then hands its jobs to the main thread.
  let queue: Promise<void> = Promise.resolve();
  port.on("message", (job: CodecJob) => {
    queue = queue
      .then(async () => {
        const { reply, transfer } = await answerJob(job);
        port.postMessage(reply, transfer);
      })
      .catch((e: unknown) => {
        process.nextTick(() => {
          throw e;
        });
      });
  });
  if (workerData instanceof Int32Array) Atomics.store(workerData, 0, 1);
  port.postMessage({ id: -1, up: true });
}
