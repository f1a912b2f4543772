/**
 * A pool of ONNX Runtime sessions splits a batch's rows over its sessions and joins the outputs in
 * order: the result equals TF.js's for every row, for batches of every size up to and past the
 * pool's; whole batches (a pipeline's, a session's share each) run unsplit and handed over. An exported graph given `scaling` takes raw bands-first input and normalizes it itself:
 * its output equals TF.js's on the normalized NHWC input. `pipelineSessions` keeps one session with
 * every thread for one-row batches.
 */
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unet } from "../../src/models/unet.js";
import { exportOnnx } from "../../src/nn/onnx/export.js";
import { cpuOnlyProviders, pipelineSessions } from "../../src/nn/onnx/runtime.js";
import { OnnxSessionPool } from "../../src/nn/onnx/session-pool.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Deterministic values in [lo, hi) of `shape`. */
function values(shape: number[], seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed;
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return lo + (s / 2 ** 31) * (hi - lo);
  });
}

/** The largest difference over the largest magnitude of `want`. */
function relative(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)));
    scale = Math.max(scale, Math.abs(want[i] as number));
  }
  return worst / Math.max(scale, 1e-6);
}

/** TF.js's output for `x` of `shape`. */
const tfjs = (x: Float32Array, shape: number[]) =>
  tf.tidy(() => (model.predict(tf.tensor(x, shape)) as tf.Tensor).dataSync());

const model = unet({ inputShape: [null, null, 3], depth: 2, filters: 4, classes: 2, seed: 7 });
afterAll(() => model.dispose());

describe("OnnxSessionPool", () => {
  it.each([1, 2, 3, 5])("a batch of %d rows over 2 sessions equals TF.js, rows in order", async (rows) => {
    const pool = await OnnxSessionPool.create(exportOnnx(model), { sessions: 2 });
    try {
      expect(pool.size).toBe(2);
      const shape = [rows, 16, 24, 3];
      const x = values(shape, rows);
      const want = tfjs(x, shape);
      const got = await pool.run(x, shape);
      expect(got.dims).toStrictEqual([rows, 16, 24, 2]);
      expect(relative(got.data, want)).toBeLessThan(1e-5);
    } finally {
      await pool.release();
    }
  });

  it("batches asked for together each get their own output", async () => {
    const pool = await OnnxSessionPool.create(exportOnnx(model), { sessions: 2 });
    try {
      const shape = [3, 16, 16, 3];
      const xs = [1, 2, 3, 4].map((seed) => values(shape, seed));
      const got = await Promise.all(xs.map((x) => pool.run(x, shape)));
      for (const [i, x] of xs.entries()) {
        const want = tfjs(x, shape);
        expect(relative(got[i]?.data ?? [], want)).toBeLessThan(1e-5);
      }
    } finally {
      await pool.release();
    }
  });

  it("whole batches go to the least busy session, unsplit, and each gets its own output", async () => {
    const pool = await OnnxSessionPool.create(exportOnnx(model), { sessions: 2 });
    try {
      const shape = [4, 16, 16, 3];
      const xs = [5, 6, 7].map((seed) => values(shape, seed));
      const wants = xs.map((x) => tfjs(x, shape));
      // Handed over: each input's array goes to its worker and is empty here afterwards.
      const got = await Promise.all(xs.map((x) => pool.run(x, shape, { whole: true, transfer: true })));
      for (const [i, want] of wants.entries()) {
        expect(got[i]?.dims).toStrictEqual([4, 16, 16, 2]);
        expect(relative(got[i]?.data ?? [], want)).toBeLessThan(1e-5);
        expect(xs[i]?.length).toBe(0);
      }
    } finally {
      await pool.release();
    }
  });

  it("refuses a pool of no sessions", async () => {
    await expect(OnnxSessionPool.create(exportOnnx(model), { sessions: 0 })).rejects.toThrow(
      /sessions must be a whole number >= 1, got 0/,
    );
  });
});

describe("exportOnnx with scaling", () => {
  it("raw bands-first input, normalized in the graph, gives TF.js's output on the normalized input", async () => {
    const shift = [1000, 250.5, -3];
    const scale = [1 / 180, 1 / 40, 2];
    const shape = [2, 3, 16, 24]; // n, bands, h, w
    const raw = values(shape, 11, 0, 2000);
    const nhwc = new Float32Array(raw.length);
    for (let n = 0; n < 2; n++)
      for (let b = 0; b < 3; b++)
        for (let i = 0; i < 16 * 24; i++)
          nhwc[(n * 16 * 24 + i) * 3 + b] =
            ((raw[(n * 3 + b) * 16 * 24 + i] as number) - (shift[b] as number)) * (scale[b] as number);
    const want = tf.tidy(() => (model.predict(tf.tensor(nhwc, [2, 16, 24, 3])) as tf.Tensor).dataSync());
    const pool = await OnnxSessionPool.create(exportOnnx(model, { scaling: { shift, scale } }), { sessions: 1 });
    try {
      const got = await pool.run(raw, shape);
      expect(got.dims).toStrictEqual([2, 16, 24, 2]); // the output stays NHWC
      expect(relative(got.data, want)).toBeLessThan(1e-4);
    } finally {
      await pool.release();
    }
  });

  it("refuses scaling for another number of bands, and for sequence models", () => {
    expect(() => exportOnnx(model, { scaling: { shift: [0, 0], scale: [1, 1] } })).toThrow(
      /scaling has 2 shifts and 2 scales for 3 bands/,
    );
    const x = tf.input({ shape: [2, 8, 8, 1] });
    const y = tf.layers.convLstm2d({ filters: 1, kernelSize: 3, padding: "same" }).apply(x) as tf.SymbolicTensor;
    const seq = tf.model({ inputs: x, outputs: y });
    expect(() => exportOnnx(seq, { scaling: { shift: [0], scale: [1] } })).toThrow(/image models only/);
    seq.dispose();
  });
});

describe("pipelineSessions", () => {
  it("two sessions sharing the threads for batches, one with every thread for one-row batches", () => {
    const before = { threads: process.env.TILECAST_ONNX_THREADS, sessions: process.env.TILECAST_ONNX_SESSIONS };
    try {
      delete process.env.TILECAST_ONNX_SESSIONS;
      process.env.TILECAST_ONNX_THREADS = "4";
      expect(pipelineSessions(8)).toMatchObject({ sessions: 2, threads: 2, spin: false });
      expect(pipelineSessions(1)).toMatchObject({ sessions: 1, threads: 4 });
      process.env.TILECAST_ONNX_THREADS = "1";
      expect(pipelineSessions(8)).toMatchObject({ sessions: 1, threads: 1 });
      process.env.TILECAST_ONNX_THREADS = "6";
      process.env.TILECAST_ONNX_SESSIONS = "3";
      expect(pipelineSessions(8)).toMatchObject({ sessions: 3, threads: 2 });
    } finally {
      for (const [k, v] of [
        ["TILECAST_ONNX_THREADS", before.threads],
        ["TILECAST_ONNX_SESSIONS", before.sessions],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });
});

describe("cpuOnlyProviders", () => {
  it("says the sessions may start together only where nothing but the CPU provider can start", () => {
    const before = process.env.TILECAST_ONNX_PROVIDERS;
    const bin = join(dirname(createRequire(import.meta.url).resolve("onnxruntime-node")), "..", "bin", "napi-v6");
    const libs = existsSync(join(bin, process.platform, process.arch))
      ? readdirSync(join(bin, process.platform, process.arch))
      : [];
    const gpuLibs = libs.some((f) => /providers_(cuda|tensorrt)/.test(f));
    try {
      delete process.env.TILECAST_ONNX_PROVIDERS;
      expect(cpuOnlyProviders()).toBe(!gpuLibs); // this install: the CPU library alone unless CUDA was added
      process.env.TILECAST_ONNX_PROVIDERS = "cpu";
      expect(cpuOnlyProviders()).toBe(true);
      process.env.TILECAST_ONNX_PROVIDERS = "cuda, cpu";
      expect(cpuOnlyProviders()).toBe(false);
      process.env.TILECAST_ONNX_PROVIDERS = "tensorrt";
      expect(cpuOnlyProviders()).toBe(false);
    } finally {
      if (before === undefined) delete process.env.TILECAST_ONNX_PROVIDERS;
      else process.env.TILECAST_ONNX_PROVIDERS = before;
    }
  });
});
