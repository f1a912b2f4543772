import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
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
