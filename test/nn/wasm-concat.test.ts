import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { concatInto, concatWith } from "../../src/nn/wasm/concat.js";
import { registerWasmTrainingKernels } from "../../src/nn/wasm/register.js";

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend("wasm");
});

/** Concatenation one element at a time: output element (o, k) of the [outer, sum of inner] view. */
function naiveConcat(parts: number[][], inner: number[], outer: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    parts.forEach((p, i) => {
      const run = inner[i] as number;
      for (let j = 0; j < run; j++) out.push(p[o * run + j] as number);
    });
  return out;
}

/** A shape, an axis, and the parts' sizes along it (runs short and long: 1 to 300 values). */
const cases = fc
  .tuple(
    fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
    fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 2, maxLength: 3 }),
    fc.nat(),
  )
  .map(([shape, sizes, a]) => ({ shape, sizes, axis: a % shape.length }));

const partShape = (shape: number[], axis: number, size: number) => shape.map((d, i) => (i === axis ? size : d));
const count = (s: number[]) => s.reduce((p, d) => p * d, 1);

describe("wasm Concat by runs", () => {
  it("concatInto equals element-wise concatenation, in one memory and in separate arrays", () => {
    fc.assert(
      fc.property(cases, ({ shape, sizes, axis }) => {
        const shapes = sizes.map((s) => partShape(shape, axis, s));
        const outer = count(shape.slice(0, axis));
        const inner = shapes.map((s) => count(s.slice(axis)));
        const values = shapes.map((s, i) => Array.from({ length: count(s) }, (_, k) => 1000 * i + k + 0.5));
        const want = naiveConcat(values, inner, outer);
        // Separate arrays (the cpu backend's case).
        const out = new Float32Array(want.length);
        concatInto(
          values.map((v) => Float32Array.from(v)),
          inner,
          outer,
          out,
        );
        expect(Array.from(out)).toStrictEqual(want);
        // One memory, parts and output at offsets in it (the wasm heap's case).
        const heap = new Float32Array(7 + values.reduce((n, v) => n + v.length, 0) + want.length).fill(-1);
        let at = 7;
        const views = values.map((v) => {
          const view = heap.subarray(at, at + v.length);
          view.set(v);
          at += v.length;
          return view;
        });
        const into = heap.subarray(at);
        concatInto(views, inner, outer, into);
        expect(Array.from(into)).toStrictEqual(want);
        expect(Array.from(heap.subarray(0, 7))).toStrictEqual(new Array(7).fill(-1));
        views.forEach((v, i) => {
          expect(Array.from(v)).toStrictEqual(values[i]);
        });
      }),
    );
  });

  it("runs as the wasm kernel: float32, int32 and bool on every axis, empty parts skipped, equal to the cpu backend, nothing leaked", async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const a = tf.tensor(
          Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i),
          [2, 3, 4, 5],
        );
        const b = tf.tensor(
          Array.from({ length: 2 * 3 * 4 * 16 }, (_, i) => -i),
          [2, 3, 4, 16],
        );
        return {
          channels: Array.from(tf.concat([a, b], 3).dataSync()),
          last: Array.from(tf.concat([a, b, a], -1).dataSync()),
          rows: Array.from(tf.concat([a, a.mul(2)], 1).dataSync()),
          batch: Array.from(tf.concat([a, a.add(1)], 0).dataSync()),
          empty: Array.from(tf.concat([a, tf.zeros([2, 3, 4, 0]), b], 3).dataSync()),
          int: Array.from(tf.concat([a.toInt(), b.toInt()], 3).dataSync()),
          bool: Array.from(tf.concat([a.greater(50), b.less(-20)], 3).dataSync()),
          shape: tf.concat([a, b], 3).shape,
        };
      });
    };
    const cpu = await run("cpu");
    const before = tf.memory();
    const wasm = await run("wasm");
    expect(wasm).toStrictEqual(cpu);
    expect(wasm.shape).toStrictEqual([2, 3, 4, 21]);
    expect(wasm.channels.slice(0, 7)).toStrictEqual([0, 1, 2, 3, 4, -0, -1]);
    expect(tf.memory().numTensors).toBe(before.numTensors);
  });

  it("is the kernel a skip connection's gradient flows through", async () => {
    await tf.setBackend("wasm");
    const g = tf.tidy(() => {
      const a = tf.fill([1, 2, 2, 3], 1);
      const b = tf.fill([1, 2, 2, 16], 2);
      const f = (x: tf.Tensor, y: tf.Tensor) => tf.concat([x, y], 3).square().sum();
      return tf
        .grads(f)([a, b])
        .map((t) => Array.from(new Set(t.dataSync())));
    });
    expect(g).toStrictEqual([[2], [4]]);
  });

  it("takes float32, int32 and bool itself, and leaves strings and a single part to the stock kernel", async () => {
    await tf.setBackend("wasm");
    const backend = tf.backend();
    const refuse: tf.KernelFunc = () => {
      throw new Error("stock kernel");
    };
    const kernel = concatWith(refuse);
    for (const dtype of ["float32", "int32", "bool"] as const) {
      const a = tf.tensor([1, 0, 1, 1], [2, 2], dtype);
      const b = tf.tensor([0, 0, 1, 0, 1, 1], [2, 3], dtype);
      const out = kernel({ inputs: [a, b] as unknown as tf.NamedTensorInfoMap, backend, attrs: { axis: 1 } });
      const info = out as tf.TensorInfo;
      expect(info.shape).toStrictEqual([2, 5]);
      expect(Array.from(backend.readSync(info.dataId) as ArrayLike<number>)).toStrictEqual([
        1, 0, 0, 0, 1, 1, 1, 0, 1, 1,
      ]);
      backend.disposeData(info.dataId);
      tf.dispose([a, b]);
    }
    const s = tf.tensor(["x", "y"]);
    const one = tf.tensor([1, 2]);
    expect(() => kernel({ inputs: [s, s] as unknown as tf.NamedTensorInfoMap, backend, attrs: { axis: 0 } })).toThrow(
      "stock kernel",
    );
    expect(() => kernel({ inputs: [one] as unknown as tf.NamedTensorInfoMap, backend, attrs: { axis: 0 } })).toThrow(
      "stock kernel",
    );
    tf.dispose([s, one]);
  });
});
