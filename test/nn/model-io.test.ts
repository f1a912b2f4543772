import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { convLstmNowcaster } from "../../src/models/convlstm.js";
import { globalCnn } from "../../src/models/global-cnn.js";
import { unet } from "../../src/models/unet.js";
import { fileIO } from "../../src/nn/file-io.js";
import { loadModelDir, readModelCard, saveModelDir } from "../../src/nn/model-card.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const dir = () => mkdtempSync(join(tmpdir(), "tilecast-model-"));

/** Predictions before saving and after loading, as raw float32 bits. */
async function roundTrip(model: tf.LayersModel, x: tf.Tensor): Promise<[Uint32Array, Uint32Array]> {
  const d = join(dir(), "m");
  await model.save(`file://${d}`);
  const back = await tf.loadLayersModel(`file://${d}/model.json`);
  const bits = (m: tf.LayersModel) => new Uint32Array((m.predict(x) as tf.Tensor).dataSync().slice().buffer);
  return [bits(model), bits(back)];
}

describe("save and load without tfjs-node", () => {
  it("U-Net (batch norm, residual, bilinear): bit-identical predictions through file://", async () => {
    const m = unet({ inputShape: [16, 16, 3], depth: 2, filters: 4, residual: true, upsampling: "bilinear", seed: 1 });
    // move batch-norm statistics off their defaults so they are checked too
    m.compile({ optimizer: "sgd", loss: "meanSquaredError" });
    await m.fit(tf.randomNormal([2, 16, 16, 3], 0, 1, "float32", 2), tf.zeros([2, 16, 16, 1]), {
      epochs: 1,
      verbose: 0,
    });
    const [a, b] = await roundTrip(m, tf.randomNormal([2, 16, 16, 3], 0, 1, "float32", 3));
    expect(b).toStrictEqual(a);
  });

  it("global CNN (custom PeriodicPadding2D layers): bit-identical", async () => {
    const m = globalCnn({ height: 8, width: 16, channels: 2, blocks: 2, filters: 4, latitude: "reflect", seed: 4 });
    const [a, b] = await roundTrip(m, tf.randomNormal([1, 8, 16, 2], 0, 1, "float32", 5));
    expect(b).toStrictEqual(a);
  });

  it("ConvLSTM nowcaster (custom RepeatFrames layer): bit-identical", async () => {
    const m = convLstmNowcaster({
      inputFrames: 3,
      outputFrames: 2,
      height: 6,
      width: 6,
      channels: 1,
      filters: [3],
      seed: 6,
    });
    const [a, b] = await roundTrip(m, tf.randomNormal([1, 3, 6, 6, 1], 0, 1, "float32", 7));
    expect(b).toStrictEqual(a);
  });

  it("writes model.json and one weights.bin whose size matches the manifest", async () => {
    const d = join(dir(), "m");
    const m = globalCnn({ height: 4, width: 8, channels: 1, blocks: 1, filters: 2 });
    await m.save(fileIO(d));
    expect(readdirSync(d).sort()).toStrictEqual(["model.json", "weights.bin"]);
    const json = JSON.parse(readFileSync(join(d, "model.json"), "utf8"));
    expect(json.weightsManifest[0].paths).toStrictEqual(["weights.bin"]);
    expect(readFileSync(join(d, "weights.bin")).byteLength).toBe(m.countParams() * 4);
    expect(JSON.stringify(json.modelTopology)).toContain('"class_name":"PeriodicPadding2D"');
  });

  it("bad model directories give one-line errors naming the file", async () => {
    const d = dir();
    await expect(tf.loadLayersModel(fileIO(d))).rejects.toThrow(`${join(d, "model.json")}: no model.json here`);
    const m = join(d, "m");
    await globalCnn({ height: 4, width: 8, channels: 1, blocks: 1, filters: 2 }).save(fileIO(m));
    writeFileSync(join(m, "weights.bin"), Buffer.alloc(10));
    await expect(tf.loadLayersModel(fileIO(m))).rejects.toThrow(/weights are 10 bytes; the manifest needs \d+/);
    writeFileSync(join(m, "model.json"), "{");
    await expect(tf.loadLayersModel(fileIO(m))).rejects.toThrow(/model\.json: not valid JSON/);
  });
});

describe("model directories with card.json", () => {
  const card = {
    architecture: { type: "unet", options: { depth: 2, filters: 4 } },
    inputs: [
      { name: "nir", mean: 0.3, std: 0.1 },
      { name: "red", mean: 0.1, std: 0.05 },
    ],
    outputs: [{ name: "water" }],
    tileSize: 16,
    training: { data: "fixtures/demo", steps: 3, loss: "binaryCrossentropy" },
    metrics: { iou: 0.5 },
  };

  it("saves model, weights and card atomically; loads them back", async () => {
    const d = join(dir(), "water");
    const m = unet({ inputShape: [16, 16, 2], depth: 2, filters: 4, seed: 8 });
    await saveModelDir(d, m, card);
    expect(readdirSync(d).sort()).toStrictEqual(["card.json", "model.json", "weights.bin"]);
    expect(readdirSync(join(d, "..")).filter((f) => f.includes("tilecast-tmp"))).toStrictEqual([]);
    const { model, card: back } = await loadModelDir(d);
    expect(back.inputs.map((i) => i.name)).toStrictEqual(["nir", "red"]);
    expect(back.backend).toBe("cpu");
    expect(back.metrics).toStrictEqual({ iou: 0.5 });
    const x = tf.randomNormal([1, 16, 16, 2], 0, 1, "float32", 9);
    expect(Array.from((model.predict(x) as tf.Tensor).dataSync())).toStrictEqual(
      Array.from((m.predict(x) as tf.Tensor).dataSync()),
    );
  });

  it("a bad card names the key", async () => {
    const d = join(dir(), "bad");
    await saveModelDir(d, unet({ inputShape: [16, 16, 2], depth: 2, filters: 4 }), card);
    writeFileSync(join(d, "card.json"), JSON.stringify({ ...card, inputs: [] }));
    await expect(readModelCard(d)).rejects.toThrow(`${join(d, "card.json")}: inputs:`);
  });
});
