import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { createModel } from "../../src/models/registry.js";
import { unet } from "../../src/models/unet.js";
import { saveModelDir } from "../../src/nn/model-card.js";
import { runPredictor } from "../../src/stages/predict.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("architectures in pipelines", () => {
  it("convlstm: bands are frames x channels, frame-major, in and out", async () => {
    const { predictor, bands } = await createModel(
      { type: "convlstm", inputFrames: 2, outputFrames: 3, filters: [2], seed: 1 },
      4,
    );
    expect(bands).toBe(3 * 2);
    const x = tf.randomNormal([1, 8, 8, 4], 0, 1, "float32", 2) as tf.Tensor4D;
    const y = runPredictor(predictor, x);
    expect(y.shape).toStrictEqual([1, 8, 8, 6]);
    // band 2 of the input is frame 1, channel 0; output band 3 is frame 1, channel 1
    const seq = x.reshape([1, 8, 8, 2, 2]).transpose([0, 3, 1, 2, 4]);
    expect(seq.slice([0, 1, 0, 0, 0], [1, 1, -1, -1, 1]).flatten().arraySync()).toStrictEqual(
      x.slice([0, 0, 0, 2], [-1, -1, -1, 1]).flatten().arraySync(),
    );
    expect(y.shape[3]).toBe(6);
  });

  it("global-cnn and unet build from options for the tile's bands", async () => {
    const g = await createModel({ type: "global-cnn", blocks: 1, filters: 4, seed: 3 }, 3);
    expect(runPredictor(g.predictor, tf.zeros([2, 8, 16, 3])).shape).toStrictEqual([2, 8, 16, 3]);
    const u = await createModel({ type: "unet", depth: 2, filters: 4, classes: 3, seed: 3 }, 5);
    expect(u.bands).toBe(3);
    expect(runPredictor(u.predictor, tf.zeros([1, 16, 16, 5])).shape).toStrictEqual([1, 16, 16, 3]);
    await expect(createModel({ type: "convlstm", inputFrames: 3 }, 4)).rejects.toThrow(
      "model convlstm: 4 bands do not split into 3 frames",
    );
    await expect(createModel({ type: "unet", depht: 2 }, 4)).rejects.toThrow("model unet: unknown key 'depht'");
    // An option set to null (`--set model.classes=null`) takes its default, as one left out does.
    const unset = await createModel({ type: "unet", depth: 1, filters: 2, classes: null }, 3);
    expect(unset.bands).toBe((await createModel({ type: "unet", depth: 1, filters: 2 }, 3)).bands);
    await expect(createModel({ type: "unet", depth: 1, filters: 2, classes: "two" }, 3)).rejects.toThrow(
      "model unet: classes: ",
    );
  });

  it("a model directory is checked against the input", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "tilecast-pm-")), "m");
    await saveModelDir(dir, unet({ inputShape: [null, null, 2], depth: 1, filters: 2 }), {
      architecture: { type: "unet", options: { depth: 1, filters: 2 } },
      inputs: [{ name: "vv" }, { name: "vh" }],
      outputs: [{ name: "flood" }],
    });
    expect((await createModel({ type: "unet", path: dir }, 2)).bands).toBe(1);
    await expect(createModel({ type: "unet", path: dir }, 3)).rejects.toThrow(
      `${dir}: the model takes 2 bands (vv, vh); the input has 3`,
    );
    await expect(createModel({ type: "global-cnn", path: dir }, 2)).rejects.toThrow(
      `${dir}: the model is a unet, not a global-cnn`,
    );
  });
});

describe("model registry against saved cards", () => {
  it("refuses spec options that contradict or are not recorded by the saved model", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tilecast-card-"));
    await saveModelDir(dir, unet({ inputShape: [16, 16, 2], depth: 2, filters: 4 }), {
      architecture: { type: "unet", options: { depth: 2, filters: 4 } },
      inputs: [{ name: "a" }, { name: "b" }],
      outputs: [{ name: "p" }],
    });
    expect((await createModel({ type: "unet", path: dir, depth: 2 }, 2)).bands).toBe(1);
    await expect(createModel({ type: "unet", path: dir, depth: 3 }, 2)).rejects.toThrow(
      "model.depth is 3 but the saved unet has 2 (card.json)",
    );
    await expect(createModel({ type: "unet", path: dir, classes: 1 }, 2)).rejects.toThrow(
      "model.classes: card.json does not record it",
    );
  });

  it("a convlstm spec's inputFrames must match the card's frames", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tilecast-card-"));
    const m = (await import("../../src/models/convlstm.js")).convLstmNowcaster({
      inputFrames: 4,
      outputFrames: 1,
      height: 8,
      width: 8,
      channels: 1,
      filters: [2],
    });
    await saveModelDir(dir, m, {
      architecture: { type: "convlstm", options: { filters: [2] } },
      inputs: [{ name: "rain" }],
      outputs: [{ name: "rain" }],
      frames: { input: 4, output: 1 },
    });
    await expect(createModel({ type: "convlstm", path: dir, inputFrames: 3 }, 4)).rejects.toThrow(
      "model.inputFrames is 3 but the saved convlstm has 4",
    );
    expect((await createModel({ type: "convlstm", path: dir, inputFrames: 4 }, 4)).bands).toBe(1);
  });
});
