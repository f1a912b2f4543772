/**
 * The worker thread behind {@link OnnxSession}: one ONNX Runtime session, started from the model
 * bytes in `workerData`, answering `run` messages with the output (its buffer transferred).
 *
 * The first run of an input shape learns its output's shape; later ones have ONNX Runtime write
 * the output straight into a buffer of their own (`runInto`), not into its memory to be copied
 * out, and that buffer is an earlier input's when the sizes match (a segmentation model's batch
 * and its class probabilities, four bands each): on 8 x 320 x 320 x 4 batches, 13 MB of fresh
 * memory a batch, faulted in by the model's own thread, is no longer needed. An input no output
 * fits in goes back with the result (`input`), for the caller to stack its next batch into.
 * ONNX Runtime still copies each output into a new buffer of its own, which is dropped; once
 * {@link YOUNG_GC_BYTES} of them are dropped, a young collection (`util/young-gc.ts`) frees them.
 */
import { parentPort, workerData } from "node:worker_threads";
import { errorLine } from "../../errors.js";
import { SpareBuffers } from "../../util/spare-buffers.js";
import { collectYoung } from "../../util/young-gc.js";
import { LocalSession } from "./runtime.js";

type Request = { type: "run"; id: number; data: Float32Array; dims: number[] } | { type: "release" };

/**
 * Bytes of ONNX Runtime's output copies dropped before a young collection frees them. A
 * collection after every run, as before, cost more than it saved where outputs are small: the
 * 4096² water job's are 147 KB, and its 1,020 collections made more page faults, not fewer
 * (42-43 thousand against 31-35) and took 6.64-7.13 s against 6.41-6.65 once per 1 or 4 MiB
 * (three runs each, alternating, 2026-12-05). With none at all, or one per 16 MiB, its peak RSS
 * grew from 446-461 MB to 505-521 or 478-485. The segmentation benchmark's outputs (320 px
 * windows, 4 classes: 6.5 MB) are still freed after every run.
 */
const YOUNG_GC_BYTES = 4 * 2 ** 20;

const port = parentPort;
if (port) {
  try {
    const session = await LocalSession.create(
      workerData.bytes as Uint8Array,
      workerData.threads as number | undefined,
      workerData.spin === true,
    );
    /** Each input shape's output shape, from its first run. */
    const outShapes = new Map<string, number[]>();
    const spares = new SpareBuffers(2);
    /** Bytes of output copies dropped since the last young collection. */
    let dropped = 0;
    /** The output of a run, in a buffer of its own to transfer. */
    const runOwned = async (data: Float32Array, dims: number[]) => {
      const key = dims.join(",");
      const outDims = outShapes.get(key);
      if (outDims) {
        const n = outDims.reduce((a, b) => a * b, 1);
        const reuse = spares.take(n * 4);
        try {
          return await session.runInto(data, dims, reuse ? new Float32Array(reuse) : new Float32Array(n), outDims);
        } catch {
          outShapes.delete(key); // not the shape it had: run as the first time
        }
      }
      const out = await session.run(data, dims);
      outShapes.set(key, out.dims);
      return { data: new Float32Array(out.data), dims: out.dims }; // an owned copy, transferable
    };
    /** Whether an output of a shape run before takes `bytes`. */
    const fitsAnOutput = (bytes: number) => [...outShapes.values()].some((d) => d.reduce((a, b) => a * b, 4) === bytes);
    let queue: Promise<void> = Promise.resolve();
    let releasing = false;
    port.on("message", async (m: Request) => {
      if (m.type === "release") {
        releasing = true; // queued runs are dropped; the one in flight finishes
        await queue;
        await session.release().catch(() => undefined);
        port.postMessage({ type: "released" });
        port.close();
        return;
      }
      // One run at a time, in arrival order: the pool's threads serve one batch, and results
      // return in the order they were asked for.
      queue = queue.then(async () => {
        if (releasing) return;
        try {
          const { data, dims } = await runOwned(m.data, m.dims);
          // The input is done with: kept where an output fits in it, else handed back to be the
          // caller's next batch (a water model's one band out of four in).
          const input = m.data.buffer as ArrayBuffer;
          const back = !fitsAnOutput(input.byteLength);
          if (!back) spares.give(input);
          const moved = back ? [data.buffer as ArrayBuffer, input] : [data.buffer as ArrayBuffer];
          dropped += data.byteLength; // ONNX Runtime's copy, `data`'s size, dropped (counted before `data` moves)
          port.postMessage({ type: "result", id: m.id, data, dims, ...(back ? { input } : {}) }, moved);
          if (dropped >= YOUNG_GC_BYTES) {
            collectYoung(); // freed now, their pages reused
            dropped = 0;
          }
        } catch (e) {
          port.postMessage({ type: "result", id: m.id, error: errorLine(e) });
        }
      });
    });
    port.postMessage({ type: "ready", provider: session.provider, skipped: session.skipped });
  } catch (e) {
    port.postMessage({ type: "failed", error: (e as { problem?: string }).problem ?? errorLine(e) });
  }
}
