/**
 * The wasm backend's convolutions with `same` padding compute the cpu backend's values (which
 * are TensorFlow's) for every kernel of 1x1 to 4x4 at strides 1 to 4, dilated at stride 1, on
 * even and odd sizes: plain, fused (bias + relu) and depthwise. The stock wasm kernels were off
 * where a kernel is shorter than its stride along an axis; the gradients of such a convolution,
 * and of a transposed convolution whose input gradient is one, match too.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { registerWasmTrainingKernels } from "../../src/nn/wasm/register.js";

beforeAll(() => {
  registerWasmTrainingKernels();
});

type Op = "conv" | "fused" | "depthwise" | "fusedDepthwise";
interface Case {
  op: Op;
  kernel: [number, number];
  stride: number;
  dilation: number;
  size: [number, number];
}

/** `c` on the current backend: the output's values and shape. */
function convolve(c: Case): { values: Float32Array; shape: number[] } {
  return tf.tidy(() => {
    const [h, w] = c.size;
    const depthwise = c.op === "depthwise" || c.op === "fusedDepthwise";
    const x = tf.randomNormal([2, h, w, 2], 0, 1, "float32", 1) as tf.Tensor4D;
    const f = tf.randomNormal([...c.kernel, 2, depthwise ? 1 : 3], 0, 1, "float32", 2) as tf.Tensor4D;
    const bias = tf.randomNormal([depthwise ? 2 : 3], 0, 1, "float32", 3) as tf.Tensor1D;
    const o = { x, filter: f, strides: c.stride, pad: "same" as const, dilations: c.dilation };
    const y =
      c.op === "conv"
        ? tf.conv2d(x, f, c.stride, "same", "NHWC", c.dilation)
        : c.op === "fused"
          ? tf.fused.conv2d({ ...o, bias, activation: "relu" })
          : c.op === "depthwise"
            ? tf.depthwiseConv2d(x, f, c.stride, "same", "NHWC", c.dilation)
            : tf.fused.depthwiseConv2d({ ...o, bias, activation: "relu" });
    return { values: y.dataSync() as Float32Array, shape: y.shape };
  });
}

function cases(): Case[] {
  const out: Case[] = [];
  const kernels: [number, number][] = [
    [1, 1],
    [1, 2],
    [3, 1],
    [2, 2],
    [2, 3],
    [3, 3],
    [4, 4],
  ];
  for (const op of ["conv", "fused", "depthwise", "fusedDepthwise"] as Op[])
    for (const kernel of kernels)
      for (const stride of [1, 2, 3, 4])
        for (const dilation of stride === 1 ? [1, 2] : [1])
          for (const size of [
            [7, 8],
            [12, 10],
          ] as [number, number][])
            out.push({ op, kernel, stride, dilation, size });
  return out;
}

/** The largest difference between two arrays. */
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

describe("wasm convolutions with same padding", () => {
  it("equal the cpu backend's, kernels shorter than their stride included", async () => {
    const all = cases();
    await tf.setBackend("cpu");
    const want = all.map(convolve);
    await tf.setBackend("wasm");
    const wrong = all.filter((c, i) => {
      const got = convolve(c);
      const w = want[i] as { values: Float32Array; shape: number[] };
      return got.shape.join() !== w.shape.join() || maxDiff(w.values, got.values) > 1e-4;
    });
    expect(wrong.map((c) => `${c.op} ${c.kernel.join("x")} stride ${c.stride} on ${c.size.join("x")}`)).toEqual([]);
    // The family the stock kernels got wrong is in the sweep: a kernel shorter than its stride.
    expect(all.filter((c) => c.kernel.some((k) => k > 1 && k < c.stride)).length).toBeGreaterThan(50);
  });

  it("gradients of a 2x2 convolution at stride 3 and of a 1x2 transposed one at stride 3 equal the cpu backend's", async () => {
    const grads = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([2, 10, 11, 2], 0, 1, "float32", 4) as tf.Tensor4D;
        const w = tf.randomNormal([2, 2, 2, 3], 0, 1, "float32", 5) as tf.Tensor4D;
        const small = tf.randomNormal([2, 4, 5, 2], 0, 1, "float32", 6) as tf.Tensor4D;
        const wt = tf.randomNormal([1, 2, 3, 2], 0, 1, "float32", 7) as tf.Tensor4D;
        const conv = (a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 3, "same")));
        const transposed = (a: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2dTranspose(a as tf.Tensor4D, wt, [2, 12, 15, 3], 3, "same")));
        const [dx, dw] = tf.grads(conv)([x, w]) as [tf.Tensor, tf.Tensor];
        const dSmall = tf.grad(transposed)(small);
        return [dx, dw, dSmall].map((t) => t.dataSync() as Float32Array);
      });
    await tf.setBackend("cpu");
    const want = grads();
    await tf.setBackend("wasm");
    const got = grads();
    want.forEach((w, i) => {
      const scale = Math.max(...Array.from(w, Math.abs));
      expect(scale).toBeGreaterThan(0);
      expect(maxDiff(w, got[i] as Float32Array) / scale).toBeLessThan(1e-5);
    });
  });
});
