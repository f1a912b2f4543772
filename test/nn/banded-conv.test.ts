/**
 * Convolutions in bands of output rows (what the native CPU backend does past its im2col budget),
 * checked on the cpu backend with a budget of a few rows: each convolution, fused convolution and
 * gradient must equal the backend's own kernel's, over paddings, strides and dilations, and must
 * really have run in bands.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { bandConvolutions } from "../../src/nn/banded-conv.js";

type Pad = "same" | "valid" | number;

/** One convolution case: input [n, h, w, c], filter [k, k, c, f]. */
type Case = {
  n: number;
  h: number;
  w: number;
  c: number;
  f: number;
  k: number;
  pad: Pad;
  stride: number;
  dilation: number;
};

const CASES: Case[] = [
  { n: 2, h: 17, w: 13, c: 3, f: 4, k: 3, pad: "same", stride: 1, dilation: 1 },
  { n: 1, h: 20, w: 9, c: 2, f: 5, k: 3, pad: "valid", stride: 1, dilation: 1 },
  { n: 1, h: 19, w: 14, c: 3, f: 2, k: 3, pad: "same", stride: 2, dilation: 1 },
  { n: 2, h: 16, w: 11, c: 2, f: 3, k: 5, pad: 1, stride: 1, dilation: 1 },
  { n: 1, h: 18, w: 12, c: 2, f: 3, k: 3, pad: "same", stride: 1, dilation: 2 },
  { n: 1, h: 15, w: 15, c: 4, f: 4, k: 2, pad: "valid", stride: 2, dilation: 1 },
  // "same" padding one row short at the top (even kernel; even size at stride 2).
  { n: 1, h: 16, w: 10, c: 3, f: 2, k: 2, pad: "same", stride: 1, dilation: 1 },
  { n: 1, h: 16, w: 12, c: 2, f: 3, k: 3, pad: "same", stride: 2, dilation: 1 },
];

const name = (c: Case) =>
  `${c.k}x${c.k} ${c.pad} stride ${c.stride} dilation ${c.dilation}, [${c.n}, ${c.h}, ${c.w}, ${c.c}]`;

function inputs(c: Case) {
  const x = tf.randomNormal([c.n, c.h, c.w, c.c], 0, 1, "float32", c.h) as tf.Tensor4D;
  const w = tf.randomNormal([c.k, c.k, c.c, c.f], 0, 1, "float32", c.w) as tf.Tensor4D;
  const b = tf.randomNormal([c.f], 0, 1, "float32", c.c) as tf.Tensor1D;
  return { x, w, b };
}

/** Everything computed of one case: the convolution, the fused one, and (dilation 1) both gradients. */
function compute(c: Case): number[][] {
  return tf.tidy(() => {
    const { x, w, b } = inputs(c);
    const conv = (a: tf.Tensor4D, f: tf.Tensor4D) => tf.conv2d(a, f, c.stride, c.pad, "NHWC", c.dilation);
    const out: tf.Tensor[] = [
      conv(x, w),
      tf.fused.conv2d({
        x,
        filter: w,
        bias: b,
        strides: c.stride,
        pad: c.pad,
        dilations: c.dilation,
        activation: "relu",
      }),
    ];
    if (c.dilation === 1) {
      const target = tf.randomNormal(out[0]?.shape as number[], 0, 1, "float32", 5);
      const [dx, dw] = tf.grads((a: tf.Tensor, f: tf.Tensor) =>
        tf.sum(tf.mul(conv(a as tf.Tensor4D, f as tf.Tensor4D), target)),
      )([x, w]);
      out.push(dx as tf.Tensor, dw as tf.Tensor);
    }
    return out.map((t) => Array.from(t.dataSync()));
  });
}

const COUNTED = ["Conv2D", "FusedConv2D", "Conv2DBackpropFilter", "Conv2DBackpropInput"];
/** Calls of the cpu backend's own convolution kernels, by name (counted from `beforeAll`). */
const calls: Record<string, number> = {};

/** Wrap the cpu backend's convolution kernels in counters (banding then wraps the counters). */
function countCalls(): void {
  for (const name of COUNTED) {
    const k = tf.getKernel(name, "cpu") as tf.KernelConfig;
    tf.unregisterKernel(name, "cpu");
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        calls[name] = (calls[name] ?? 0) + 1;
        return k.kernelFunc(args);
      },
    });
  }
}

/** The kernel calls a case makes, by name. */
function kernelsOf(c: Case): Record<string, number> {
  for (const name of COUNTED) calls[name] = 0;
  compute(c);
  return { ...calls };
}

const worst = (a: number[], b: number[]) => Math.max(0, ...a.map((v, i) => Math.abs(v - (b[i] as number))));

/** A budget of two output rows' im2col buffer for `c`'s forward convolution. */
function twoRows(c: Case): number {
  const span = (c.k - 1) * c.dilation + 1;
  const padded = c.w + (c.pad === "same" ? span - 1 : c.pad === "valid" ? 0 : 2 * c.pad);
  const outWidth = c.pad === "same" ? Math.ceil(c.w / c.stride) : Math.floor((padded - span) / c.stride) + 1;
  return 2 * outWidth * c.k * c.k * c.c * 4;
}

describe("banded convolutions", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
    countCalls();
  });

  it.each(CASES.map((c) => [name(c), c] as const))("%s: the same values as one convolution", async (_, c) => {
    const want = compute(c);
    const before = kernelsOf(c);
    const undo = bandConvolutions("cpu", twoRows(c), 0);
    let got: number[][];
    let banded: Record<string, number>;
    try {
      banded = kernelsOf(c);
      got = compute(c);
    } finally {
      undo();
    }
    expect(got.length).toBe(want.length);
    for (let i = 0; i < got.length; i++) {
      expect(got[i]?.length).toBe(want[i]?.length);
      expect(worst(got[i] as number[], want[i] as number[])).toBeLessThan(1e-4);
    }
    // In bands: more convolutions than the backend alone ran (the same count is no banding).
    expect(banded.Conv2D ?? 0).toBeGreaterThan(before.Conv2D ?? 0);
    expect(banded.FusedConv2D ?? 0).toBeGreaterThan(before.FusedConv2D ?? 0);
    if (c.dilation === 1) expect(banded.Conv2DBackpropFilter ?? 0).toBeGreaterThan(before.Conv2DBackpropFilter ?? 0);
  });

  it("a convolution within the budget runs as one; undo restores the backend's kernels; no tensor is left", async () => {
    const c = CASES[0] as Case;
    const before = tf.memory().numTensors;
    const undo = bandConvolutions("cpu", 1 << 20);
    const within = kernelsOf(c);
    undo();
    expect(within).toStrictEqual(kernelsOf(c));
    const again = bandConvolutions("cpu", 1);
    compute(c);
    again();
    expect(tf.memory().numTensors).toBe(before);
  });
});
