/**
 * The ONNX Runtime worker writes later outputs of an input shape into buffers of its own
 * (`runInto`), earlier inputs' when the sizes match: a run of batches of one shape, another
 * shape between them, and the first shape again must each give TF.js's output for its own
 * input, and an output handed back earlier must keep its values while later runs reuse memory.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, expect, it } from "vitest";
import { unet } from "../../src/models/unet.js";
import { exportOnnx } from "../../src/nn/onnx/export.js";
import { LocalSession } from "../../src/nn/onnx/runtime.js";
import { OnnxSession } from "../../src/nn/onnx/session.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** A deterministic input in [-1, 1) of `shape`. */
function input(shape: number[], seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s / 2 ** 31) * 2 - 1;
  });
}

/** The largest difference between two arrays of the same length. */
function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs((a[i] as number) - (b[i] as number)));
  return w;
}

it("outputs written into reused buffers equal TF.js's, batch after batch and across shapes", async () => {
  // Three bands in, three classes out: each output is the size of its input (64 x 96: 147 KB
  // a batch of two, large enough to be kept for reuse).
  const m = unet({ inputShape: [null, null, 3], depth: 2, filters: 4, seed: 3, classes: 3 });
  const session = await OnnxSession.create(exportOnnx(m));
  const big = [2, 64, 96, 3];
  const small = [1, 32, 32, 3];
  const runs = [big, big, big, small, big, big].map((shape, i) => ({ shape, data: input(shape, i + 1) }));
  const want = runs.map(({ shape, data }) =>
    tf.tidy(() => (m.predict(tf.tensor(data, shape)) as tf.Tensor).dataSync().slice()),
  );
  // Sent all at once, each handed over (transferred), as a pipeline sends its batches.
  const got = await Promise.all(runs.map(({ shape, data }) => session.run(data.slice(), shape, { transfer: true })));
  await session.release();
  got.forEach((g, i) => {
    expect(g.dims).toStrictEqual(runs[i]?.shape);
    expect(worst(g.data, want[i] as Float32Array)).toBeLessThan(1e-4);
  });
  // Six outputs, six buffers: none was written over by a later run.
  expect(new Set(got.map((g) => g.data.buffer)).size).toBe(6);
  m.dispose();
});

it("an input no output fits in comes back with the result, whole and the caller's; one that fits does not", async () => {
  // Four bands in, one class out (a water model): no output fits in an input's 16 KB.
  const m = unet({ inputShape: [null, null, 4], depth: 2, filters: 4, seed: 4, classes: 1 });
  const session = await OnnxSession.create(exportOnnx(m));
  const shape = [1, 32, 32, 4];
  const data = [1, 2, 3].map((seed) => input(shape, seed));
  const want = data.map((d) => tf.tidy(() => (m.predict(tf.tensor(d, shape)) as tf.Tensor).dataSync().slice()));
  const got = await Promise.all(data.map((d) => session.run(d.slice(), shape, { transfer: true })));
  for (const g of got) expect(g.input?.byteLength).toBe(32 * 32 * 4 * 4);
  got.forEach((g, i) => expect(worst(g.data, want[i] as Float32Array)).toBeLessThan(1e-4));
  // Filled again and sent, a returned buffer runs as any other.
  const again = new Float32Array(got[1]?.input as ArrayBuffer);
  again.set(data[2] as Float32Array);
  const last = await session.run(again, shape, { transfer: true });
  expect(worst(last.data, want[2] as Float32Array)).toBeLessThan(1e-4);
  // Three bands in and out: the input is kept for the next output, not handed back.
  const same = unet({ inputShape: [null, null, 3], depth: 2, filters: 4, seed: 4, classes: 3 });
  const kept = await OnnxSession.create(exportOnnx(same));
  const three = [1, 32, 32, 3];
  const outs = await Promise.all([1, 2].map((seed) => kept.run(input(three, seed), three, { transfer: true })));
  expect(outs.map((o) => o.input)).toStrictEqual([undefined, undefined]);
  await Promise.all([session.release(), kept.release()]);
  m.dispose();
  same.dispose();
});

it("runInto writes the output into the buffer it is given, which holds what run returns", async () => {
  const m = unet({ inputShape: [null, null, 3], depth: 2, filters: 4, seed: 5, classes: 3 });
  const session = await LocalSession.create(exportOnnx(m), 1, false);
  const shape = [1, 32, 40, 3];
  const data = input(shape, 9);
  const first = await session.run(data, shape);
  const out = new Float32Array(first.data.length).fill(Number.NaN);
  const into = await session.runInto(data, shape, out, first.dims);
  expect(into.data).toBe(out);
  expect(into.dims).toStrictEqual([1, 32, 40, 3]);
  expect(worst(out, first.data)).toBe(0);
  await session.release();
  m.dispose();
});
