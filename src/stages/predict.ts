/**
 * `predict(model)`: batches in, predictions out. `model` is anything with a tfjs-style
 * `predict(x)` (a `tf.LayersModel` or `tf.GraphModel`) or a synchronous function of the input
 * tensor; either runs inside `tf.tidy`, so intermediate tensors are freed. A model with
 * `predictAsync(x)` (ONNX Runtime sessions) is given two batches at a time, or the `inFlight` it
 * asks for (one running, the next queued, so it never waits for the data path; a pool of
 * sessions asks for two each), results in order, leaving the event loop free
 * while it runs. The input tensor is disposed once the output exists; the output
 * is disposed by `stitch`. Batches of only empty tiles skip the model.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { batch, predict } from "tilecast";
 * const ndviLike = (x: tf.Tensor4D) => tf.tidy(() => x.slice([0, 0, 0, 0], [-1, -1, -1, 1]).tanh()) as tf.Tensor4D;
 * // readTiles(src, plan).pipe(batch(8), predict(ndviLike), stitch(plan), write(sink))
 * ```
 */

import { map, type OperatorFunction } from "rxjs";
import { TilecastError } from "../errors.js";
import { tf } from "../tfjs.js";
import { mapAsyncOrdered } from "../util/ordered-async.js";
import type { Batch } from "./batch.js";

/** Batches an asynchronous model holds at once: one running, one queued behind it. */
const IN_FLIGHT = 2;

/** Free what a batch or prediction dropped after a failure holds. */
function discardBatch(b: Batch | Prediction): void {
  b.x?.dispose();
  if ("y" in b) b.y?.dispose();
  for (const t of b.tiles) t.release();
}

/** A model that runs outside TF.js and resolves to a new `[k, h, w, c]` tensor. */
export interface AsyncPredictor {
  /** The output `[k, h, w, c]` for `x`, laid out as `layout` says (default `nhwc`). */
  predictAsync(x: tf.Tensor4D, layout?: "nhwc" | "nchw"): Promise<tf.Tensor4D>;
  /** Batches to hold at once (default 2: one running, one queued); a pool of sessions wants more. */
  readonly inFlight?: number;
}

/** A model: a function of the batch tensor, an object with `predict`, or an {@link AsyncPredictor}. */
export type Predictor =
  | ((x: tf.Tensor4D) => tf.Tensor)
  | { predict(x: tf.Tensor, config?: object): tf.Tensor | tf.Tensor[] }
  | AsyncPredictor;

/** Whether `m` runs asynchronously (outside TF.js, e.g. in an ONNX Runtime worker). */
export const isAsyncPredictor = (m: Predictor): m is AsyncPredictor =>
  typeof m === "object" && typeof (m as Partial<AsyncPredictor>).predictAsync === "function";
const isAsync = isAsyncPredictor;

/** A batch with the model's output `[k, h, w, c]` for its non-empty tiles. */
export interface Prediction extends Batch {
  readonly y: tf.Tensor4D | null;
}

/** Run a predictor on one tensor; the result is a new tensor (or `x` itself for an identity). */
export function runPredictor(model: Predictor, x: tf.Tensor4D): tf.Tensor4D {
  if (isAsync(model))
    throw new TilecastError("E_ARGUMENT", "this model runs asynchronously (ONNX Runtime); use runPredictorAsync", {
      stage: "predict",
    });
  const y = tf.tidy(() => {
    const out = typeof model === "function" ? model(x) : model.predict(x);
    return Array.isArray(out) ? (out[0] as tf.Tensor) : out; // extra outputs are freed by tidy
  });
  return checked(y, x);
}

/**
 * Run any predictor on one tensor, awaiting asynchronous ones; see {@link runPredictor}. A
 * bands-first batch (`layout` `nchw`, `batch`'s `planar`) goes to asynchronous models only.
 */
export async function runPredictorAsync(
  model: Predictor,
  x: tf.Tensor4D,
  layout: "nhwc" | "nchw" = "nhwc",
): Promise<tf.Tensor4D> {
  if (isAsync(model)) return checked(await model.predictAsync(x, layout), x, layout);
  nhwcOnly(layout);
  return runPredictor(model, x);
}

/** Refuse a bands-first batch for a model that takes NHWC (every model but an asynchronous one). */
function nhwcOnly(layout: "nhwc" | "nchw" | undefined): void {
  if (layout === "nchw")
    throw new TilecastError("E_ARGUMENT", "this model takes NHWC batches, not bands-first ones", { stage: "predict" });
}

/** The output if its shape fits the batch (same tiles and size), else an error. */
function checked(y: tf.Tensor, x: tf.Tensor4D, layout: "nhwc" | "nchw" = "nhwc"): tf.Tensor4D {
  const [k, h, w] = layout === "nchw" ? [x.shape[0], x.shape[2], x.shape[3]] : x.shape;
  if (y.rank !== 4 || y.shape[0] !== k || y.shape[1] !== h || y.shape[2] !== w) {
    const shape = y.shape.join("x");
    if (y !== x) y.dispose();
    throw new TilecastError(
      "E_ARGUMENT",
      `the model returned ${shape}; stitching needs [${[k, h, w].join(", ")}, channels]`,
      { stage: "predict" },
    );
  }
  return y as tf.Tensor4D;
}

/**
 * `predict(model)`: batches in, predictions out.
 * Details and a complete example: the module documentation above.
 */
export function predict(model: Predictor): OperatorFunction<Batch, Prediction> {
  // The input is freed once the output exists; on failure, the batch's tiles are released.
  const done = (b: Batch & { x: tf.Tensor4D }, y: tf.Tensor4D): Prediction => {
    if (y !== b.x) b.x.dispose();
    return { ...b, x: null, y };
  };
  const failed = (b: Batch & { x: tf.Tensor4D }, e: unknown): unknown => {
    b.x.dispose();
    for (const t of b.tiles) t.release();
    return e;
  };
  if (isAsync(model))
    return mapAsyncOrdered<Batch, Prediction>(
      async (b: Batch): Promise<Prediction> => {
        if (!b.x) return { ...b, y: null };
        const withX = b as Batch & { x: tf.Tensor4D };
        try {
          return done(withX, await runPredictorAsync(model, withX.x, b.layout));
        } catch (e) {
          throw failed(withX, e);
        }
      },
      model.inFlight ?? IN_FLIGHT,
      { input: discardBatch, result: discardBatch },
    );
  return map((b) => {
    if (!b.x) return { ...b, y: null };
    const withX = b as Batch & { x: tf.Tensor4D };
    try {
      nhwcOnly(b.layout);
      return done(withX, runPredictor(model, withX.x));
    } catch (e) {
      throw failed(withX, e);
    }
  });
}
