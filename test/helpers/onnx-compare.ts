/**
 * ONNX export against TF.js for the model tests: a deterministic input, and ONNX Runtime's output
 * for it beside the model's own `predict`.
 */
import * as tf from "@tensorflow/tfjs";
import { expect } from "vitest";
import { exportOnnx } from "../../src/nn/onnx/export.js";
import { OnnxSession } from "../../src/nn/onnx/session.js";

/** A deterministic input in [-1, 1). */
export function input(shape: number[], seed = 1): tf.Tensor {
  let s = seed;
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s / 2 ** 31) * 2 - 1;
  });
  return tf.tensor(data, shape);
}

/** ONNX Runtime's output against TF.js's: the largest difference over the output's scale. */
export async function compare(model: tf.LayersModel, shape: number[]): Promise<number> {
  const x = input(shape);
  const want = model.predict(x) as tf.Tensor;
  const session = await OnnxSession.create(exportOnnx(model));
  const got = await session.run(x.dataSync() as Float32Array, shape);
  await session.release();
  expect(got.dims).toStrictEqual(want.shape);
  const a = want.dataSync();
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs((a[i] as number) - (got.data[i] as number)));
    scale = Math.max(scale, Math.abs(a[i] as number));
  }
  tf.dispose([x, want]);
  return worst / Math.max(scale, 1e-6);
}
