/**
 * The TensorFlow graph tilecast writes (`exportSavedModel`), run by native TensorFlow, against
 * the model's own `predict` op by op, within 1e-4: a U-Net, a periodic CNN, upsampling and pooling
 * layers, ConvLSTM nowcasters, image layers on frame sequences, and the layer options at their
 * edges (`test/helpers/edge-layers.ts`). Where this process cannot load native TensorFlow (CI's
 * main suite) they skip with a message; the package test, after its native build, runs a U-Net
 * and a persistence nowcaster this way.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { convLstmNowcaster, globalCnn, unet } from "../../src/models/index.js";
import { selectBackend } from "../../src/nn/backend.js";
import { foldBatchNorm } from "../../src/nn/fold-batch-norm.js";
import { tfGraphModel } from "../../src/nn/tf-graph/graph-model.js";
import { dilatedConvLstm, edgeLayers, modelOf } from "../helpers/edge-layers.js";

/** The graph against the model op by op, where this process can load native TensorFlow. */
describe("on native TensorFlow", () => {
  let native = false;
  beforeAll(async () => {
    // selectBackend refuses a backend asked for by name that cannot load.
    native = await selectBackend({ prefer: "tensorflow" }).then(
      (b) => b.backend === "tensorflow",
      () => false,
    );
    if (!native)
      console.warn(
        "native TensorFlow graph tests skipped here: no tensorflow backend (package.test.ts runs them after the native build)",
      );
  });

  it("a U-Net, a periodic CNN, upsampling layers and a ConvLSTM nowcaster give the model's values", async (ctx) => {
    if (!native) return ctx.skip();
    const x = tf.input({ shape: [null, null, 3] });
    let y = tf.layers.averagePooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
    y = tf.layers.upSampling2d({ size: [2, 2], interpolation: "bilinear" }).apply(y) as tf.SymbolicTensor;
    y = tf.layers
      .conv2dTranspose({ filters: 2, kernelSize: 3, strides: 1, padding: "valid", activation: "hardSigmoid" })
      .apply(y) as tf.SymbolicTensor;
    y = tf.layers.upSampling2d({ size: [2, 3] }).apply(y) as tf.SymbolicTensor;
    const models: [tf.LayersModel, number[]][] = [
      [unet({ inputShape: [null, null, 4], depth: 2, filters: 4, classes: 4, seed: 3 }), [3, 24, 40, 4]],
      [
        globalCnn({
          height: 12,
          width: 20,
          channels: 3,
          filters: 4,
          blocks: 2,
          seed: 4,
          latitude: "reflect",
          batchNorm: true,
        }),
        [2, 12, 20, 3],
      ],
      [tf.model({ inputs: x, outputs: y }), [2, 10, 14, 3]],
      [
        convLstmNowcaster({
          inputFrames: 3,
          outputFrames: 2,
          height: 12,
          width: 10,
          channels: 2,
          filters: [4, 3],
          seed: 6,
        }),
        [2, 3, 12, 10, 2],
      ],
    ];
    // Image layers on frame sequences (a concatenation of channels, an activation).
    const seq = tf.input({ shape: [3, 8, 6, 2] });
    const conv = tf.layers
      .timeDistributed({ layer: tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same", activation: "relu" }) })
      .apply(seq) as tf.SymbolicTensor;
    let z = tf.layers.concatenate().apply([seq, conv]) as tf.SymbolicTensor;
    z = tf.layers
      .convLstm2d({ filters: 2, kernelSize: 3, padding: "same", returnSequences: true })
      .apply(z) as tf.SymbolicTensor;
    z = tf.layers.activation({ activation: "sigmoid" }).apply(z) as tf.SymbolicTensor;
    const seqModel = tf.model({ inputs: seq, outputs: z });
    models.push([seqModel, [2, 3, 8, 6, 2]]);
    // Persistence plus a change (an Add of two frame sequences), the head's zero start replaced.
    const persistent = convLstmNowcaster({
      inputFrames: 3,
      outputFrames: 2,
      height: 8,
      width: 8,
      channels: 1,
      filters: [3],
      persistence: true,
      seed: 7,
    });
    const head = persistent.getLayer("head");
    head.setWeights(head.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.5, "float32", 8 + i)));
    models.push([persistent, [2, 3, 8, 8, 1]]);
    for (const [m, shape] of models) {
      const g = await tfGraphModel(await foldBatchNorm(m));
      const input = tf.randomNormal(shape, 0, 3, "float32", 5);
      const want = m.predict(input) as tf.Tensor;
      const got = g.predict(input);
      expect(got.shape).toStrictEqual(want.shape);
      expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-4);
      expect(tf.max(tf.abs(want)).dataSync()[0]).toBeGreaterThan(0);
      g.dispose();
    }
  });

  it("layer options at their edges give the model's values", async (ctx) => {
    if (!native) return ctx.skip();
    const models: [tf.LayersModel, number[]][] = edgeLayers.map(([, make, shape]) => [
      modelOf(make(), shape),
      [2, ...shape],
    ]);
    models.push([dilatedConvLstm(), [2, 3, 12, 12, 1]]);
    for (const [m, shape] of models) {
      const g = await tfGraphModel(m);
      const input = tf.randomNormal(shape, 0, 1, "float32", 9);
      const want = m.predict(input) as tf.Tensor;
      const got = g.predict(input);
      expect(got.shape).toStrictEqual(want.shape);
      expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-4);
      g.dispose();
    }
  });
});
