import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { describe, expect, it } from "vitest";
import { convLstmNowcaster } from "../../src/models/convlstm.js";
import { globalCnn } from "../../src/models/global-cnn.js";
import { unet } from "../../src/models/unet.js";
import { registerWasmTrainingKernels } from "../../src/nn/wasm/register.js";

/**
 * Train `steps` batches; returns the training loss of the first and the last step (each
 * computed before that step's update, in training mode, so batch norm uses batch statistics).
 */
async function train(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, loss: string, steps: number, lr = 0.01) {
  model.compile({ optimizer: tf.train.adam(lr), loss });
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push((await model.trainOnBatch(x, y)) as number);
  expect(losses.every(Number.isFinite)).toBe(true);
  return { before: losses[0] as number, after: losses[steps - 1] as number };
}

for (const backend of ["cpu", "wasm"]) {
  describe(`training on ${backend}`, () => {
    const use = async () => {
      registerWasmTrainingKernels();
      await tf.setBackend(backend);
      expect(tf.getBackend()).toBe(backend);
    };

    it("U-Net learns a threshold segmentation: loss drops by a third in 15 steps", async () => {
      await use();
      const x = tf.randomNormal([4, 16, 16, 2], 0, 1, "float32", 1);
      const y = tf.tidy(() => x.slice([0, 0, 0, 0], [-1, -1, -1, 1]).greater(0).toFloat());
      const m = unet({ inputShape: [16, 16, 2], depth: 2, filters: 4, seed: 2 });
      const { before, after } = await train(m, x, y, "binaryCrossentropy", 15);
      expect(after).toBeLessThan(before * 0.67);
    });

    it("global CNN learns one-column advection around the globe", async () => {
      await use();
      const x = tf.randomNormal([4, 8, 16, 1], 0, 1, "float32", 3);
      const y = tf.concat([x.slice([0, 0, 15, 0], [-1, -1, 1, -1]), x.slice([0, 0, 0, 0], [-1, -1, 15, -1])], 2);
      const m = globalCnn({ height: 8, width: 16, channels: 1, blocks: 1, filters: 8, seed: 4 });
      const { before, after } = await train(m, x, y, "meanSquaredError", 15);
      expect(after).toBeLessThan(before * 0.67);
    });

    it("ConvLSTM nowcaster learns persistence", async () => {
      await use();
      const x = tf.randomUniform([2, 3, 6, 6, 1], 0, 1, "float32", 5);
      const y = x.slice([0, 2], [-1, 1]);
      const m = convLstmNowcaster({
        inputFrames: 3,
        outputFrames: 1,
        height: 6,
        width: 6,
        channels: 1,
        filters: [4],
        seed: 6,
      });
      const { before, after } = await train(m, x, y, "meanSquaredError", 10, 0.02);
      expect(after).toBeLessThan(before * 0.67);
    });
  });
}
