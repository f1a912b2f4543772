import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { mergeAxes, registerRearrangeKernels, sliceInto, transposeInto } from "../../src/nn/wasm/rearrange.js";
import { registerWasmTrainingKernels } from "../../src/nn/wasm/register.js";
import { tileInto } from "../../src/nn/wasm/tile.js";

type Pad = "same" | "valid" | [[number, number], [number, number], [number, number], [number, number]];

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend("wasm");
});

const wave = (n: number, scale = 1) => Array.from({ length: n }, (_, i) => scale * Math.sin(i * 1.7 + 0.3));

/** Gradients of sum(conv(x, w)^2) with respect to x and w on one backend. */
async function convGrads(
  backend: string,
  xShape: number[],
  wShape: number[],
  stride: number,
  pad: Pad,
  transpose = false,
) {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(wave(xShape.reduce((a, b) => a * b)), xShape as [number, number, number, number]);
    const w = tf.tensor4d(
      wave(
        wShape.reduce((a, b) => a * b),
        0.5,
      ),
      wShape as [number, number, number, number],
    );
    const f = (a: tf.Tensor, b: tf.Tensor) => {
      const outShape: [number, number, number, number] = [
        xShape[0] as number,
        (xShape[1] as number) * stride,
        (xShape[2] as number) * stride,
        wShape[2] as number,
      ];
      const y = transpose
        ? tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outShape, stride, pad as "same")
        : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad);
      return y.square().sum();
    };
    return tf
      .grads(f)([x, w])
      .map((g) => g.arraySync() as number[][][][])
      .map((g) => g.flat(3));
  });
}

function maxRelDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number)) / (1 + Math.abs(v))));
}

describe("wasm Conv2DBackpropFilter and Conv2DBackpropInput match the cpu backend", () => {
  const cases: [string, number[], number[], number, Pad, boolean?][] = [
    ["3x3 same", [2, 7, 7, 3], [3, 3, 3, 5], 1, "same"],
    ["3x3 valid", [2, 7, 7, 3], [3, 3, 3, 5], 1, "valid"],
    ["3x3 stride 2 same", [2, 7, 7, 3], [3, 3, 3, 5], 2, "same"],
    ["3x3 stride 2 valid (unused last row)", [2, 8, 8, 3], [3, 3, 3, 5], 2, "valid"],
    ["5x3 stride 2 same, non-square input", [2, 8, 6, 3], [5, 3, 3, 4], 2, "same"],
    ["2x2 stride 2 valid", [1, 9, 9, 2], [2, 2, 2, 4], 2, "valid"],
    [
      "explicit padding",
      [1, 5, 5, 2],
      [3, 3, 2, 2],
      1,
      [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
    ],
    ["transposed 2x2 stride 2 (U-Net upsampling)", [2, 4, 4, 6], [2, 2, 3, 6], 2, "same", true],
    ["transposed 3x3 stride 2 (original kernel)", [1, 4, 4, 2], [3, 3, 2, 2], 2, "same", true],
  ];
  for (const [label, xs, ws, s, pad, tr] of cases) {
    it(label, async () => {
      const [cx, cw] = (await convGrads("cpu", xs, ws, s, pad, tr)) as [number[], number[]];
      const [wx, ww] = (await convGrads("wasm", xs, ws, s, pad, tr)) as [number[], number[]];
      expect(maxRelDiff(cx, wx)).toBeLessThan(1e-5);
      expect(maxRelDiff(cw, ww)).toBeLessThan(1e-5);
      expect(Math.max(...cw.map(Math.abs))).toBeGreaterThan(0.1); // the comparison is not of zeros
    });
  }

  it("frees every intermediate", async () => {
    await tf.setBackend("wasm");
    await convGrads("wasm", [2, 7, 7, 3], [3, 3, 3, 5], 2, "same");
    const before = tf.memory();
    await convGrads("wasm", [2, 7, 7, 3], [3, 3, 3, 5], 2, "same");
    await convGrads("wasm", [2, 4, 4, 6], [2, 2, 3, 6], 2, "same", true);
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });
});

describe("wasm Tile", () => {
  it("tileInto equals tf.tile for any shape and repetition", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (dims) => {
          const shape = dims.map((d) => d[0]);
          const reps = dims.map((d) => d[1]);
          const n = shape.reduce((a, b) => a * b, 1);
          const src = Float32Array.from({ length: n }, (_, i) => i + 1);
          const out = new Float32Array(n * reps.reduce((a, b) => a * b, 1));
          tileInto(src, shape, reps, out);
          const want = tf.tidy(() => tf.tile(tf.tensor(src, shape), reps).dataSync());
          expect(Array.from(out)).toStrictEqual(Array.from(want));
        },
      ),
    );
  });

  it("runs as the wasm kernel for float32, int32 and bool", async () => {
    await tf.setBackend("wasm");
    expect(tf.tile(tf.tensor2d([1, 2, 3, 4], [2, 2]), [2, 3]).arraySync()).toStrictEqual([
      [1, 2, 1, 2, 1, 2],
      [3, 4, 3, 4, 3, 4],
      [1, 2, 1, 2, 1, 2],
      [3, 4, 3, 4, 3, 4],
    ]);
    expect(tf.tile(tf.tensor1d([7, 8], "int32"), [2]).arraySync()).toStrictEqual([7, 8, 7, 8]);
    expect(tf.tile(tf.tensor1d([true, false], "bool"), [2]).arraySync()).toStrictEqual([1, 0, 1, 0]);
  });
});

/** Row-major index arithmetic, one element at a time: the reference for the run copies. */
function naive(shape: number[]) {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const size = shape.reduce((a, b) => a * b, 1);
  const at = (flat: number) => strides.map((s, i) => Math.floor(flat / s) % (shape[i] as number));
  const offset = (idx: number[]) => idx.reduce((o, v, i) => o + v * (strides[i] as number), 0);
  return { size, at, offset };
}

const shapes = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })
  .chain((outer) => fc.constantFrom(1, 3, 16, 20).map((last) => [...outer, last]));

describe("wasm and cpu Transpose, Slice, Unpack and SplitV by runs", () => {
  it("transposeInto equals element-wise transposition wherever it takes the case", () => {
    fc.assert(
      fc.property(
        shapes.chain((shape) =>
          fc.tuple(fc.constant(shape), fc.shuffledSubarray([...shape.keys()], { minLength: shape.length })),
        ),
        ([shape, perm]) => {
          const src = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 1);
          const out = new Float32Array(src.length);
          if (!transposeInto(src, shape, perm, out)) return;
          const o = naive(perm.map((a) => shape[a] as number));
          const x = naive(shape);
          const want = Array.from({ length: o.size }, (_, f) => {
            const idx = o.at(f);
            const xi = new Array<number>(shape.length);
            perm.forEach((a, k) => {
              xi[a] = idx[k] as number;
            });
            return src[x.offset(xi)];
          });
          expect(Array.from(out)).toStrictEqual(want);
        },
      ),
    );
  });

  it("mergeAxes merges axes that stay together and drops size-1 axes", () => {
    expect(mergeAxes([8, 6, 64, 64, 16], [1, 0, 2, 3, 4])).toStrictEqual({ shape: [8, 6, 65536], perm: [1, 0, 2] });
    expect(mergeAxes([2, 1, 3, 5], [2, 3, 0, 1])).toStrictEqual({ shape: [2, 15], perm: [1, 0] });
    expect(mergeAxes([4, 5], [0, 1])).toStrictEqual({ shape: [20], perm: [0] });
  });

  it("sliceInto equals element-wise slicing wherever it takes the case", () => {
    fc.assert(
      fc.property(
        shapes.chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            fc.tuple(
              ...shape.map((d) =>
                fc
                  .integer({ min: 0, max: d - 1 })
                  .chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 1, max: d - b }))),
              ),
            ),
          ),
        ),
        ([shape, ranges]) => {
          const begin = ranges.map((r) => r[0]);
          const size = ranges.map((r) => r[1]);
          const src = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 1);
          const out = new Float32Array(size.reduce((a, b) => a * b, 1));
          if (!sliceInto(src, shape, begin, size, out)) return;
          const o = naive(size);
          const x = naive(shape);
          const want = Array.from(
            { length: o.size },
            (_, f) => src[x.offset(o.at(f).map((v, i) => v + (begin[i] as number)))],
          );
          expect(Array.from(out)).toStrictEqual(want);
        },
      ),
    );
  });

  it("run as the wasm and cpu kernels: a ConvLSTM's rank-5 unstack, transpose, slice and split equal the stock cpu backend's, and free nothing they should keep", async () => {
    const shape = [3, 4, 5, 2, 16];
    const values = wave(shape.reduce((a, b) => a * b, 1));
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor(values, shape);
        return {
          unstack1: tf.unstack(x, 1).map((t) => Array.from(t.dataSync())),
          unstack0: tf.unstack(x, 0).map((t) => Array.from(t.dataSync())),
          transpose: Array.from(tf.transpose(x, [1, 0, 2, 3, 4]).dataSync()),
          moved: Array.from(tf.transpose(x, [4, 0, 1, 2, 3]).dataSync()), // innermost axis moves: stock kernel
          slice: Array.from(tf.slice(x, [1, 1, 0, 1, 0], [2, -1, 3, 1, 16]).dataSync()),
          split: tf.split(x, 2, 3).map((t) => Array.from(t.dataSync())),
          splitShort: tf.split(x, [5, 11], 4).map((t) => Array.from(t.dataSync())), // runs of 5: stock kernel
          int: Array.from(
            tf
              .transpose(
                tf.tensor(
                  values.map((_, i) => i),
                  shape,
                  "int32",
                ),
                [1, 0, 2, 3, 4],
              )
              .dataSync(),
          ),
        };
      });
    };
    const cpu = await run("cpu"); // the stock kernels: this file registers tilecast's for wasm only
    const before = tf.memory();
    const wasm = await run("wasm");
    expect(wasm).toStrictEqual(cpu);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    const stock = ["Transpose", "Slice", "Unpack", "SplitV"].map((k) => tf.getKernel(k, "cpu")?.kernelFunc);
    registerRearrangeKernels("cpu");
    const now = ["Transpose", "Slice", "Unpack", "SplitV"].map((k) => tf.getKernel(k, "cpu")?.kernelFunc);
    now.forEach((f, i) => {
      expect(f).toBeTypeOf("function");
      expect(f).not.toBe(stock[i]);
    });
    const ours = await run("cpu");
    expect(ours).toStrictEqual(cpu);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    await tf.setBackend("wasm");
    // The gradient of a stack along axis 1 is an unstack along axis 1 (a recurrent layer's outputs).
    const grad = tf.tidy(() => {
      const parts = [0, 1, 2].map((i) => tf.fill([2, 3, 16], i + 1));
      const g = tf.grads((...p: tf.Tensor[]) => tf.stack(p, 1).square().sum())(parts);
      return g.map((t) => Array.from(new Set(t.dataSync())));
    });
    expect(grad).toStrictEqual([[2], [4], [6]]);
  });
});
