/**
 * The worker thread behind {@link ReplicaPool}: one copy of the model on its own backend. Every
 * request carries the current weights; `predict` answers with the output, `step` with the loss,
 * the gradients of the trainable weights and the non-trainable weights after the step (batch
 * norm's moving statistics).
 */
import { parentPort, workerData } from "node:worker_threads";
import { errorLine } from "../../errors.js";
import { selectBackend } from "../../nn/backend.js";
import { foldBatchNorm } from "../../nn/fold-batch-norm.js";
import { tf } from "../../tfjs.js";
// The custom layers a topology may name register themselves on import.
import "../../nn/channel-slice.js";
import "../../nn/last-frame.js";
import "../../nn/periodic-padding.js";
import "../../nn/repeat-frames.js";
import { lossFunction } from "../losses.js";
import type { ReplicaInit, ReplicaReply, ReplicaRequest, Wire } from "./protocol.js";

const port = parentPort;

function tensor(w: Wire): tf.Tensor {
  return tf.tensor(w.data, w.shape, "float32");
}

/** Set every weight of `model` from `values` (in `model.weights` order). */
function load(model: tf.LayersModel, values: Float32Array[]): void {
  const ts = model.weights.map((w, i) => tf.tensor(values[i] as Float32Array, w.read().shape));
  model.weights.forEach((w, i) => {
    w.write(ts[i] as tf.Tensor);
  });
  tf.dispose(ts);
}

/** The inference copy of the model for its current weights (null: make it again). */
let inference: tf.LayersModel | null = null;

function weightsChange(): void {
  inference?.dispose();
  inference = null;
}

async function answer(
  model: tf.LayersModel,
  m: ReplicaRequest,
  lossFn: ReturnType<typeof lossFunction> | null,
): Promise<void> {
  if (!port) return;
  if (m.weights) {
    weightsChange();
    load(model, m.weights);
  }
  if (m.type === "predict") {
    inference ??= await foldBatchNorm(model);
    const folded = inference;
    const y = tf.tidy(() => folded.predict(tensor(m.x)) as tf.Tensor);
    const data = y.dataSync().slice() as Float32Array;
    const reply: ReplicaReply = { type: "predict", id: m.id, y: { data, shape: y.shape } };
    y.dispose();
    port.postMessage(reply, [data.buffer as ArrayBuffer]);
    return;
  }
  if (!lossFn) throw new Error("the pool was created without a loss");
  weightsChange(); // the step moves batch norm's statistics
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const inputs = tf.tidy(() => ({
    x: tensor(m.x),
    y: tensor(m.y),
    ...(m.mask ? { mask: tensor(m.mask) } : {}),
    ...(m.cellWeights ? { weights: tensor(m.cellWeights) } : {}),
  }));
  const { value, grads } = tf.variableGrads(
    () => lossFn(inputs.y, model.apply(inputs.x, { training: true }) as tf.Tensor, inputs),
    vars,
  );
  const loss = value.dataSync()[0] as number;
  const g = vars.map((v) => (grads[v.name] as tf.Tensor).dataSync().slice() as Float32Array);
  const state = model.weights.filter((w) => !w.trainable).map((w) => w.read().dataSync().slice() as Float32Array);
  tf.dispose([value, ...Object.values(grads), ...Object.values(inputs)]);
  const reply: ReplicaReply = { type: "step", id: m.id, loss, grads: g, state };
  port.postMessage(
    reply,
    [...g, ...state].map((a) => a.buffer as ArrayBuffer),
  );
}

if (port) {
  try {
    const init = workerData as ReplicaInit;
    await selectBackend({ prefer: init.backend as "wasm" | "cpu" | "tensorflow" });
    const model = await tf.models.modelFromJSON({ modelTopology: init.topology } as Parameters<
      typeof tf.models.modelFromJSON
    >[0]);
    const lossFn = init.loss === undefined ? null : lossFunction(init.loss);
    let queue: Promise<void> = Promise.resolve();
    port.on("message", (m: ReplicaRequest) => {
      queue = queue.then(() =>
        answer(model, m, lossFn).catch((e: unknown) => {
          port.postMessage({ type: "error", id: m.id, error: errorLine(e) } satisfies ReplicaReply);
        }),
      );
    });
    port.postMessage({ type: "ready", shapes: model.weights.map((w) => w.read().shape) } satisfies ReplicaReply);
  } catch (e) {
    port.postMessage({ type: "failed", error: errorLine(e) } satisfies ReplicaReply);
  }
}
