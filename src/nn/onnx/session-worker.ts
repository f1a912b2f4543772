/**
 * The worker thread behind {@link OnnxSession}: one ONNX Runtime session, started from the model
 * bytes in `workerData`, answering `run` messages with the output (its buffer transferred).
 */
import { parentPort, workerData } from "node:worker_threads";
import { errorLine } from "../../errors.js";
import { LocalSession } from "./runtime.js";

type Request = { type: "run"; id: number; data: Float32Array; dims: number[] } | { type: "release" };

const port = parentPort;
if (port) {
  try {
    const session = await LocalSession.create(
      workerData.bytes as Uint8Array,
      workerData.threads as number | undefined,
      workerData.spin === true,
    );
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
          const out = await session.run(m.data, m.dims);
          const data = new Float32Array(out.data); // an owned copy, transferable
          port.postMessage({ type: "result", id: m.id, data, dims: out.dims }, [data.buffer]);
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
