import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { convLstmNowcaster } from "../../src/models/convlstm.js";
import { rollout } from "../../src/models/rollout.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** One ConvLSTM layer: four gates, each with input and recurrent kernels and a bias. */
const convLstmParams = (k: number, cin: number, f: number) => 4 * (k * k * (cin + f) * f + f);

describe("ConvLSTM nowcaster", () => {
  it("T frames in, K frames of the same grid out", () => {
    const m = convLstmNowcaster({
      inputFrames: 5,
      outputFrames: 3,
      height: 8,
      width: 12,
      channels: 2,
      filters: [4, 6],
      seed: 1,
    });
    expect(m.outputs[0]?.shape).toStrictEqual([null, 3, 8, 12, 2]);
    const y = m.predict(tf.randomNormal([2, 5, 8, 12, 2])) as tf.Tensor;
    expect(y.shape).toStrictEqual([2, 3, 8, 12, 2]);
  });

  it("parameter count is the ConvLSTM formula summed over encoder, forecaster and head", () => {
    const m = convLstmNowcaster({
      inputFrames: 4,
      outputFrames: 2,
      height: 8,
      width: 8,
      channels: 3,
      outputChannels: 1,
      filters: [4, 6],
      kernelSize: 3,
    });
    const encoder = convLstmParams(3, 3, 4) + convLstmParams(3, 4, 6);
    const forecaster = convLstmParams(3, 6, 6) + convLstmParams(3, 6, 4);
    const head = (4 + 1) * 1;
    expect(m.countParams()).toBe(encoder + forecaster + head);
    const k5 = convLstmNowcaster({
      inputFrames: 2,
      outputFrames: 1,
      height: null,
      width: null,
      channels: 1,
      filters: [2],
      kernelSize: 5,
    });
    expect(k5.countParams()).toBe(convLstmParams(5, 1, 2) + convLstmParams(5, 2, 2) + 3);
  });

  it("takes any grid size when built with null sizes", () => {
    const m = convLstmNowcaster({
      inputFrames: 2,
      outputFrames: 2,
      height: null,
      width: null,
      channels: 1,
      filters: [3],
      seed: 2,
    });
    expect((m.predict(tf.zeros([1, 2, 6, 10, 1])) as tf.Tensor).shape).toStrictEqual([1, 2, 6, 10, 1]);
  });

  it("a one-step model rolls out autoregressively, sliding its window", () => {
    const m = convLstmNowcaster({
      inputFrames: 3,
      outputFrames: 1,
      height: 6,
      width: 6,
      channels: 1,
      filters: [3],
      seed: 3,
    });
    const x = tf.randomNormal([1, 3, 6, 6, 1], 0, 1, "float32", 5);
    const before = tf.memory().numTensors;
    const traj = rollout(m, x, 4);
    expect(traj.shape).toStrictEqual([1, 4, 6, 6, 1]);
    const err = tf.tidy(() => {
      const f1 = (m.predict(x) as tf.Tensor).slice([0, 0], [-1, 1]);
      const f2 = (m.predict(tf.concat([x.slice([0, 1], [-1, 2]), f1], 1)) as tf.Tensor).slice([0, 0], [-1, 1]);
      const got = traj.slice([0, 1], [-1, 1]);
      return got.sub(f2).abs().max().dataSync()[0] as number;
    });
    expect(err).toBeLessThan(1e-6);
    traj.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("around persistence, the untrained model forecasts the last frame for every lead, and saves and loads", async () => {
    const m = convLstmNowcaster({
      inputFrames: 3,
      outputFrames: 2,
      filters: [4],
      height: 5,
      width: 6,
      channels: 1,
      seed: 1,
      persistence: true,
    });
    const x = tf.randomUniform([2, 3, 5, 6, 1], 0, 1, "float32", 4);
    const y = m.predict(x) as tf.Tensor;
    const last = x.slice([0, 2], [-1, 1]);
    expect(y.shape).toStrictEqual([2, 2, 5, 6, 1]);
    expect(tf.max(tf.abs(tf.sub(y, tf.concat([last, last], 1)))).dataSync()[0]).toBe(0);
    const back = await tf.loadLayersModel(
      tf.io.fromMemory(
        await new Promise<tf.io.ModelArtifacts>((r) =>
          m.save(
            tf.io.withSaveHandler(
              async (a) => (r(a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } }),
            ),
          ),
        ),
      ),
    );
    expect(tf.max(tf.abs(tf.sub(back.predict(x) as tf.Tensor, y))).dataSync()[0]).toBe(0);
    expect(() =>
      convLstmNowcaster({
        inputFrames: 2,
        outputFrames: 1,
        height: 4,
        width: 4,
        channels: 2,
        outputChannels: 1,
        persistence: true,
      }),
    ).toThrow(/persistence needs as many output channels/);
  });

  it("names the bad option", () => {
    expect(() => convLstmNowcaster({ inputFrames: 0, outputFrames: 1, height: 4, width: 4, channels: 1 })).toThrow(
      "convlstm: inputFrames must be a positive integer, got 0",
    );
    expect(() =>
      convLstmNowcaster({ inputFrames: 2, outputFrames: 1, height: 4, width: 4, channels: 1, filters: [] }),
    ).toThrow(/at least one layer/);
  });
});
