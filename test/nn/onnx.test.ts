/**
 * ONNX export: for each architecture and option set, ONNX Runtime's output equals TF.js's on the
 * same input within 1e-4 of the output's scale (batch norm with non-trivial statistics,
 * residual blocks, transpose and bilinear and nearest upsampling, the ConvLSTM nowcaster, the
 * periodic global CNN across the antimeridian with zero and reflect latitude padding). A layer
 * without an ONNX equivalent is refused by name.
 */
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { convLstmNowcaster } from "../../src/models/convlstm.js";
import { globalCnn } from "../../src/models/global-cnn.js";
import { unet } from "../../src/models/unet.js";
import { exportOnnx } from "../../src/nn/onnx/export.js";
import { longitudeHalo } from "../../src/nn/onnx/halo.js";
import { onnxRuntimeInfo, onnxSpinning } from "../../src/nn/onnx/runtime.js";
import { OnnxSession } from "../../src/nn/onnx/session.js";
import { PeriodicPadding2D } from "../../src/nn/periodic-padding.js";
import { compare, input } from "../helpers/onnx-compare.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Give every batch-norm layer statistics far from 0 and 1, so their conversion is tested. */
function perturbBatchNorm(model: tf.LayersModel): void {
  for (const l of model.layers) {
    if (l.getClassName() !== "BatchNormalization") continue;
    const w = l.getWeights();
    l.setWeights(w.map((t, i) => tf.tidy(() => (i === 3 ? t.add(0.5).mul(1.7) : t.add(0.1 * (i + 1))))));
  }
}

/** The operator of each node of an exported graph, in order. */
function opTypes(bytes: Uint8Array): string[] {
  const { onnx } = createRequire(import.meta.url)("onnx-proto") as typeof import("onnx-proto");
  return (onnx.ModelProto.decode(bytes).graph?.node ?? []).map((n) => n.opType as string);
}

describe("ONNX export", async () => {
  const info = await onnxRuntimeInfo();
  it("onnxruntime-node loads with its bundled CPU library", () => {
    expect(info).toMatchObject({ available: true });
  });

  it.each([
    ["batch norm, transpose upsampling, sigmoid", { batchNorm: true, upsampling: "transpose" }],
    ["residual, bilinear upsampling, softmax", { residual: true, upsampling: "bilinear", classes: 3 }],
    ["no batch norm, dropout, nearest upsampling", { batchNorm: false, dropout: 0.3, upsampling: "nearest" }],
  ] as const)("U-Net (%s) equals TF.js", async (_name, o) => {
    const m = unet({ inputShape: [null, null, 3], depth: 2, filters: 4, seed: 3, ...o } as Parameters<typeof unet>[0]);
    perturbBatchNorm(m);
    expect(await compare(m, [2, 32, 48, 3])).toBeLessThan(1e-4);
  });

  it("ConvLSTM nowcaster (two layers, 4 frames in, 3 out) equals TF.js", async () => {
    const m = convLstmNowcaster({
      inputFrames: 4,
      outputFrames: 3,
      filters: [6, 5],
      height: null,
      width: null,
      channels: 2,
      seed: 5,
    });
    expect(await compare(m, [2, 4, 12, 16, 2])).toBeLessThan(1e-4);
  });

  it("ConvLSTM around persistence (last frame + change) equals TF.js once trained weights are not zero", async () => {
    const m = convLstmNowcaster({
      inputFrames: 3,
      outputFrames: 2,
      filters: [4],
      height: null,
      width: null,
      channels: 1,
      seed: 6,
      persistence: true,
    });
    const head = m.getLayer("head");
    head.setWeights(head.getWeights().map((w) => tf.randomNormal(w.shape, 0, 0.3, "float32", 9)));
    expect(await compare(m, [2, 3, 8, 10, 1])).toBeLessThan(1e-4);
  });

  it.each(["zero", "reflect"] as const)(
    "periodic global CNN (%s latitude) equals TF.js, across the antimeridian too",
    async (latitude) => {
      const m = globalCnn({
        height: null,
        width: null,
        channels: 3,
        blocks: 2,
        filters: 8,
        kernelSize: 5,
        latitude,
        batchNorm: true,
        seed: 7,
      });
      perturbBatchNorm(m);
      expect(await compare(m, [1, 16, 32, 3])).toBeLessThan(1e-4);
      // Rolling the input in longitude rolls the output: the wrap-around is in the ONNX graph.
      const x = input([1, 16, 32, 3], 9);
      const rolled = tf.concat([x.slice([0, 0, 29, 0], [-1, -1, 3, -1]), x.slice([0, 0, 0, 0], [-1, -1, 29, -1])], 2);
      const session = await OnnxSession.create(exportOnnx(m));
      const a = await session.run(x.dataSync() as Float32Array, [1, 16, 32, 3]);
      const b = await session.run(rolled.dataSync() as Float32Array, [1, 16, 32, 3]);
      await session.release();
      const at = (d: Float32Array, y: number, xx: number, c: number) => d[(y * 32 + xx) * 3 + c] as number;
      for (const [y, xx] of [
        [0, 0],
        [8, 31],
        [15, 2],
      ] as const)
        for (let c = 0; c < 3; c++) expect(at(b.data, y, (xx + 3) % 32, c)).toBeCloseTo(at(a.data, y, xx, c), 4);
      tf.dispose([x, rolled]);
    },
  );

  it("global CNN with two time levels (channel slices, concatenated state) equals TF.js", async () => {
    const m = globalCnn({ height: null, width: null, channels: 2, history: 2, blocks: 1, filters: 8, seed: 4 });
    const head = m.getLayer("head");
    head.setWeights(head.getWeights().map((w) => tf.randomNormal(w.shape, 0, 0.3, "float32", 5)));
    expect(await compare(m, [2, 8, 16, 4])).toBeLessThan(1e-4);
  });

  it("adds export as two-input Adds, which every execution provider runs, not as Sum", async () => {
    // ONNX Runtime's WebGPU provider has no Sum: it ran them on the CPU, copying each activation
    // out of the GPU and back (2026-12-04, an H200). Three inputs make a chain of two Adds.
    const x = tf.input({ shape: [8, 8, 2] });
    const branch = (seed: number) =>
      tf.layers
        .conv2d({
          filters: 3,
          kernelSize: 3,
          padding: "same",
          kernelInitializer: tf.initializers.glorotNormal({ seed }),
        })
        .apply(x) as tf.SymbolicTensor;
    const y = tf.layers.add().apply([branch(1), branch(2), branch(3)]) as tf.SymbolicTensor;
    const three = tf.model({ inputs: x, outputs: y });
    expect(opTypes(exportOnnx(three)).filter((t) => t === "Add")).toHaveLength(2);
    expect(await compare(three, [2, 8, 8, 2])).toBeLessThan(1e-5);
    // The global CNN: one residual Add per block, the state added back, and the halo's width sum.
    const g = opTypes(
      exportOnnx(globalCnn({ height: null, width: null, channels: 2, blocks: 2, filters: 4, seed: 1 })),
    );
    expect(g).not.toContain("Sum");
    expect(g.filter((t) => t === "Add")).toHaveLength(4);
  });

  it("a periodic model wraps longitude once, at its input, by the padding along its deepest path", async () => {
    // 4 blocks of two 3 x 3 convolutions and a 3 x 3 stem: 9 columns a side, one Gather, no Concat.
    const m = globalCnn({ height: null, width: null, channels: 2, blocks: 4, filters: 4, seed: 2 });
    expect(longitudeHalo(m)).toBe(9);
    const ops = opTypes(exportOnnx(m));
    expect(ops.filter((t) => t === "Gather")).toHaveLength(1);
    expect(ops).not.toContain("Concat");
    // A grid narrower than the halo wraps more than once; the output is still the model's.
    expect(await compare(m, [2, 6, 4, 2])).toBeLessThan(1e-4);
    expect(await compare(m, [1, 5, 9, 2])).toBeLessThan(1e-4);
    const two = globalCnn({ height: null, width: null, channels: 2, history: 2, blocks: 1, filters: 4, seed: 3 });
    expect(longitudeHalo(two)).toBe(3);
    expect(longitudeHalo(unet({ inputShape: [null, null, 3], depth: 1, filters: 2 }))).toBe(0);
  });

  it("a periodic model with a layer the halo does not cover keeps the wrap before each convolution", async () => {
    // A 3 x 3 'same' convolution pads longitude with zeros: a halo would give it wrapped columns.
    const x = tf.input({ shape: [null, null, 2] });
    const init = (seed: number) => tf.initializers.glorotNormal({ seed });
    const p = new PeriodicPadding2D({ padding: [1, 1] }).apply(x) as tf.SymbolicTensor;
    const a = tf.layers.conv2d({ filters: 3, kernelSize: 3, kernelInitializer: init(1) }).apply(p) as tf.SymbolicTensor;
    const b = tf.layers
      .conv2d({ filters: 2, kernelSize: 3, padding: "same", kernelInitializer: init(2) })
      .apply(a) as tf.SymbolicTensor;
    const mixed = tf.model({ inputs: x, outputs: b });
    expect(longitudeHalo(mixed)).toBe(0);
    expect(opTypes(exportOnnx(mixed))).toContain("Concat");
    expect(await compare(mixed, [1, 6, 10, 2])).toBeLessThan(1e-4);
    // So does one that pools.
    const pooled = tf.layers.maxPooling2d({ poolSize: 2 }).apply(a) as tf.SymbolicTensor;
    expect(longitudeHalo(tf.model({ inputs: x, outputs: pooled }))).toBe(0);
  });

  it("runs in a worker: the event loop keeps ticking while the model computes", async () => {
    const m = globalCnn({ height: null, width: null, channels: 4, blocks: 4, filters: 32, seed: 1 });
    const session = await OnnxSession.create(exportOnnx(m));
    const shape = [1, 361, 720, 4];
    const data = input(shape).dataSync() as Float32Array;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t = performance.now();
    await session.run(data, shape);
    const ms = performance.now() - t;
    clearInterval(timer);
    await session.release();
    // A model on the main thread would leave ~0 ticks; here the timer fires through the run.
    expect(ms).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThan((ms / 5) * 0.3);
  });

  it("a layer without an ONNX equivalent is an error naming it", () => {
    const x = tf.input({ shape: [8, 8, 2] });
    const y = tf.layers
      .conv2d({ filters: 2, kernelSize: 3, padding: "same", name: "ok" })
      .apply(x) as tf.SymbolicTensor;
    const z = tf.layers.gaussianNoise({ stddev: 0.1, name: "noisy" }).apply(y) as tf.SymbolicTensor;
    expect(() => exportOnnx(tf.model({ inputs: x, outputs: z }))).toThrow(
      /ONNX export: layer 'noisy' \(GaussianNoise\) has no ONNX equivalent/,
    );
  });
});

describe("onnxSpinning", () => {
  it("spins for a session alone, sleeps beside a data path, and TILECAST_ONNX_SPIN overrides both", () => {
    const before = process.env.TILECAST_ONNX_SPIN;
    try {
      delete process.env.TILECAST_ONNX_SPIN;
      expect([onnxSpinning(true), onnxSpinning(false)]).toStrictEqual([true, false]);
      process.env.TILECAST_ONNX_SPIN = "0";
      expect([onnxSpinning(true), onnxSpinning(false)]).toStrictEqual([false, false]);
      process.env.TILECAST_ONNX_SPIN = "1";
      expect([onnxSpinning(true), onnxSpinning(false)]).toStrictEqual([true, true]);
    } finally {
      if (before === undefined) delete process.env.TILECAST_ONNX_SPIN;
      else process.env.TILECAST_ONNX_SPIN = before;
    }
  });
});
