/**
 * {@link ReplicaPool}: data-parallel inference and training over worker threads. tfjs's wasm and
 * cpu backends compute on one thread in Node, so on a machine with several cores one model
 * leaves the others idle. A pool keeps a copy of the model in each of `replicas` workers, each on
 * its own backend. `predict` splits a batch between them and joins the outputs. `step` does one
 * synchronous data-parallel training step, as PyTorch's DistributedDataParallel does:
 *
 * 1. every replica receives the current weights and its contiguous share of the batch;
 * 2. each computes its share's loss and the gradients of the trainable weights;
 * 3. the gradients are averaged, weighted by share size, and the caller's optimizer applies them
 *    to the caller's model, which stays the one true copy (checkpoints, resume, export);
 * 4. non-trainable weights (batch norm's moving statistics, updated by each replica from its
 *    share) are averaged the same way.
 *
 * With losses that are a mean over samples, equal shares give the gradient of the whole batch.
 * A masked loss averages over each share's valid cells, dice is a ratio, and batch norm
 * normalises each share by its own statistics: there a step differs slightly from one on the
 * whole batch, as it does under DistributedDataParallel.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { ReplicaPool } from "tilecast/train";
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
 * const pool = await ReplicaPool.create(model, { replicas: 2, loss: "mse" });
 * const opt = tf.train.sgd(0.1);
 * const loss = await pool.step(opt, { x: tf.tensor2d([[0], [1], [2], [3]]), y: tf.tensor2d([[1], [3], [5], [7]]) });
 * console.log(loss > 0, pool.size); // true 2
 * await pool.close();
 * ```
 */
import type { Worker } from "node:worker_threads";
import { TilecastError } from "../../errors.js";
import { tf } from "../../tfjs.js";
import { moduleWorker, siblingModule } from "../../util/module-worker.js";
import type { LossSpec } from "../losses.js";
import type { ReplicaInit, ReplicaReply, Wire } from "./protocol.js";
import { Replica } from "./replica.js";
import { shardSizes, splitRows, weightedMean } from "./shards.js";

/** Options for {@link ReplicaPool.create}. */
export interface ReplicaOptions {
  /** Worker threads, each with a copy of the model. */
  replicas: number;
  /** The training loss (needed by {@link ReplicaPool.step}). */
  loss?: LossSpec;
}

/** What {@link ReplicaPool.step} trains on: inputs, targets, and the loss's mask and weights. */
export interface ReplicaBatch {
  x: tf.Tensor;
  y: tf.Tensor;
  mask?: tf.Tensor;
  weights?: tf.Tensor;
}

/** A tensor's values as float32 (masks may be bool, inputs int32). */
async function floats(t: tf.Tensor): Promise<Float32Array> {
  const raw = await t.data();
  return raw instanceof Float32Array ? raw : Float32Array.from(raw as ArrayLike<number>);
}

function wire(values: Float32Array, shape: readonly number[]): Wire {
  return { data: values, shape: [...shape] };
}

/** A model's copies in worker threads; see the module documentation. */
export class ReplicaPool {
  readonly #model: tf.LayersModel;
  readonly #replicas: Replica[];
  readonly #hasLoss: boolean;

  private constructor(model: tf.LayersModel, replicas: Replica[], hasLoss: boolean) {
    this.#model = model;
    this.#replicas = replicas;
    this.#hasLoss = hasLoss;
  }

  /** Workers running. */
  get size(): number {
    return this.#replicas.length;
  }

  /** Start `replicas` workers with copies of `model` on the current backend. */
  static async create(model: tf.LayersModel, o: ReplicaOptions): Promise<ReplicaPool> {
    if (!Number.isInteger(o.replicas) || o.replicas < 1)
      throw new TilecastError("E_ARGUMENT", `replicas must be a whole number from 1, got ${o.replicas}`);
    const init: ReplicaInit = {
      topology: model.toJSON(null, false) as object,
      backend: tf.getBackend(),
      ...(o.loss !== undefined ? { loss: o.loss } : {}),
    };
    const url = siblingModule(import.meta.url, "worker");
    // TF.js makes many short-lived objects per op; a worker's default young generation is small,
    // and collecting it cost a ConvLSTM replica 25 % of its time (64 MB: 1.9 s a batch, 2.5 s before).
    const limits = { resourceLimits: { maxYoungGenerationSizeMb: 64 } };
    const workers = Array.from({ length: o.replicas }, () => moduleWorker(url, init, limits));
    const started = await Promise.allSettled(workers.map((w) => ready(w, model)));
    const failed = started.find((s) => s.status === "rejected");
    if (failed) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new TilecastError("E_UNSUPPORTED", `model replicas did not start: ${(failed.reason as Error).message}`);
    }
    for (const w of workers) w.unref(); // an idle pool never keeps the process alive
    return new ReplicaPool(
      model,
      workers.map((w, i) => new Replica(w, i)),
      o.loss !== undefined,
    );
  }

  /**
   * The output of a single-output model for `x`. The batch goes out in chunks of about half a
   * replica's share, each to the next replica free, so a replica slowed by the other work on its
   * core does not hold the batch back.
   */
  async predict(x: tf.Tensor): Promise<tf.Tensor> {
    const n = x.shape[0] as number;
    const values = await floats(x);
    const rest = x.shape.slice(1);
    const row = rest.reduce((a, b) => a * b, 1);
    const chunk = Math.max(1, Math.ceil(n / (2 * this.size)));
    const count = Math.ceil(n / chunk);
    const parts: Wire[] = [];
    let current: Float32Array[] | null = null; // read once, for the replicas that need them
    let next = 0;
    await Promise.all(
      this.#replicas.map(async (r) => {
        while (next < count) {
          const k = next++;
          const from = k * chunk;
          const m = Math.min(chunk, n - from);
          const part = values.slice(from * row, (from + m) * row);
          const reply = await r.ask<Extract<ReplicaReply, { type: "predict" }>>(
            {
              type: "predict",
              weights: this.#stale(r) ? (current ??= this.#weights()) : null,
              x: wire(part, [m, ...rest]),
            },
            [part.buffer as ArrayBuffer],
          );
          parts[k] = reply.y;
        }
      }),
    );
    const out = new Float32Array(parts.reduce((a, p) => a + p.data.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p.data, at);
      at += p.data.length;
    }
    return tf.tensor(out, [n, ...(parts[0]?.shape.slice(1) ?? [])]);
  }

  /**
   * One data-parallel training step on `batch` (module documentation): `optimizer` applies the
   * averaged gradients to the pool's model. Resolves to the batch's loss (the shares' losses
   * weighted by share size).
   */
  async step(optimizer: tf.Optimizer, batch: ReplicaBatch): Promise<number> {
    if (!this.#hasLoss) throw new TilecastError("E_ARGUMENT", "ReplicaPool.step: the pool was created without a loss");
    const n = batch.x.shape[0] as number;
    const sizes = shardSizes(n, this.size);
    const share = sizes.map((s) => s / n);
    const split = async (t: tf.Tensor | undefined): Promise<(Wire | undefined)[]> => {
      if (!t) return sizes.map(() => undefined);
      const values = await floats(t);
      // A tensor that broadcasts over the batch (latitude weights [1, H, W, 1]) goes whole to each.
      if (t.shape[0] !== n || n === 1) return sizes.map(() => wire(values, t.shape));
      return splitRows(values, t.shape, sizes).map((d, i) => wire(d, [sizes[i] as number, ...t.shape.slice(1)]));
    };
    const [xs, ys, masks, cells] = await Promise.all([batch.x, batch.y, batch.mask, batch.weights].map(split));
    const weights = this.#weights();
    const replies = await Promise.all(
      sizes.map((_, i) => {
        const r = this.#replicas[i] as Replica;
        r.hold(null); // the step moves its batch-norm statistics: it no longer holds the model's
        return r.ask<Extract<ReplicaReply, { type: "step" }>>({
          type: "step",
          weights,
          x: xs[i] as Wire,
          y: ys[i] as Wire,
          ...(masks[i] ? { mask: masks[i] } : {}),
          ...(cells[i] ? { cellWeights: cells[i] } : {}),
        });
      }),
    );
    const trainable = this.#model.trainableWeights;
    const grads: tf.NamedTensorMap = {};
    trainable.forEach((w, j) => {
      const mean = weightedMean(
        replies.map((r) => r.grads[j] as Float32Array),
        share,
      );
      grads[(w.read() as tf.Variable).name] = tf.tensor(mean, w.read().shape);
    });
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    this.#model.weights
      .filter((w) => !w.trainable)
      .forEach((w, j) => {
        const t = tf.tensor(
          weightedMean(
            replies.map((r) => r.state[j] as Float32Array),
            share,
          ),
          w.read().shape,
        );
        w.write(t);
        t.dispose();
      });
    return replies.reduce((a, r, i) => a + r.loss * (share[i] as number), 0);
  }

  /** Stop the workers. */
  async close(): Promise<void> {
    await Promise.all(this.#replicas.map((r) => r.worker.terminate()));
  }

  /** Every weight's current values, in `model.weights` order. */
  #weights(): Float32Array[] {
    return this.#model.weights.map((w) => w.read().dataSync() as Float32Array);
  }

  /**
   * Whether `replica` holds other weights than the model's, noting the model's as held
   * (unchanged weights are not resent: new ones make the backend repack every convolution).
   */
  #stale(replica: Replica): boolean {
    const now = this.#model.weights.map((w) => w.read().dataId);
    if (replica.holds(now)) return false;
    replica.hold(now);
    return true;
  }
}

/** Wait for a worker's `ready`, and check its weights have the model's shapes. */
async function ready(worker: Worker, model: tf.LayersModel): Promise<void> {
  const first = await new Promise<ReplicaReply>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  if (first.type === "failed") throw new Error(first.error);
  if (first.type !== "ready") throw new Error("the worker did not start");
  const want = model.weights.map((w) => w.read().shape.join("x")).join(",");
  if (first.shapes.map((s) => s.join("x")).join(",") !== want)
    throw new Error("a replica's weights do not match the model's");
}
