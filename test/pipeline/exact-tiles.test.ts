/**
 * Blended tiled inference equals whole-grid inference once each prediction is trimmed by the
 * model's receptive-field radius (`stitch.trim: auto`): on a global grid, across the antimeridian.
 * Not within a radius of the poles: there the whole-grid model zero-pads every layer's features,
 * while a tile's halo past the pole holds features computed from zeros, which are not zero.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { openSource } from "../../src/io/registry.js";
import { globalCnn } from "../../src/models/global-cnn.js";
import { saveModelDir } from "../../src/nn/model-card.js";
import { modelSummary } from "../../src/nn/summary.js";
import { loadPipeline } from "../../src/pipeline/config.js";
import { openInput } from "../../src/pipeline/input.js";
import { runPipeline, stitchTrim } from "../../src/pipeline/run.js";
import { loadStats } from "../../src/stages/compute-stats.js";
import { normalizeGrid } from "../../src/stages/normalize.js";
import { tmp } from "../helpers/write.js";

const dir = tmp("gcnn");
let radius = 0;

beforeAll(async () => {
  await tf.setBackend("cpu");
  const m = globalCnn({ height: null, width: null, channels: 1, blocks: 1, filters: 4, seed: 3 });
  radius = Math.floor(modelSummary(m).receptiveField.size / 2);
  await saveModelDir(dir, m, {
    architecture: { type: "global-cnn", options: { blocks: 1, filters: 4, seed: 3 } },
    inputs: [{ name: "t2m" }],
    outputs: [{ name: "t2m" }],
  });
});

async function tiled(trim: "auto" | number): Promise<{ diff: number; trim: number }> {
  const out = tmp(`tiled-${trim}.tif`);
  const stats = `${out}.stats.json`;
  const p = await loadPipeline("pipelines/era5-global.yaml", [
    "model.type=global-cnn",
    `model.path=${dir}`,
    "runtime=tfjs",
    "tiling.size=12",
    `tiling.overlap=${radius + 2}`,
    "normalize.method=zscore",
    `normalize.saveStats=${stats}`,
    `stitch.trim=${trim}`,
    `output.path=${out}`,
  ]);
  const s = await runPipeline(p);
  // Whole-grid inference on the same normalized field.
  const src = await openInput(p);
  const g = normalizeGrid(await src.readWindow({ x: 0, y: 0, width: 36, height: 19 }), await loadStats(stats));
  await src.close();
  const { loadModelDir } = await import("../../src/nn/model-card.js");
  const { model } = await loadModelDir(dir);
  const whole = (model.predict(tf.tensor4d(g.data as Float32Array, [1, 19, 36, 1])) as tf.Tensor).dataSync();
  const o = await openSource(out);
  const t = (await o.readWindow({ x: 0, y: 0, width: 36, height: 19 })).data;
  await o.close();
  let diff = 0;
  for (let y = radius; y < 19 - radius; y++)
    for (let x = 0; x < 36; x++)
      diff = Math.max(diff, Math.abs((whole[y * 36 + x] as number) - (t[y * 36 + x] as number)));
  return { diff, trim: s.trim };
}

describe("exact tiled inference", () => {
  it("trimming by the receptive-field radius makes Hann-blended tiles equal the whole grid", async () => {
    expect(radius).toBeGreaterThan(0);
    const auto = await tiled("auto");
    expect(auto.trim).toBe(radius);
    expect(auto.diff).toBeLessThan(1e-4);
    const untrimmed = await tiled(0);
    expect(untrimmed.diff).toBeGreaterThan(1e-3); // edge-contaminated bands blended in
  });

  it("auto trims nothing and warns when the halo is smaller than the radius", () => {
    expect(stitchTrim("auto", 4, "hann", 21)).toStrictEqual({
      trim: 0,
      warning:
        "the model sees 21 px (radius 10); a 4 px halo cannot make tiled inference equal whole-scene inference (tiling.overlap >= 10 can)",
    });
    expect(stitchTrim("auto", 16, "hann", 21)).toStrictEqual({ trim: 10 });
    expect(stitchTrim(3, 16, "hann", undefined)).toStrictEqual({ trim: 3 });
    expect(stitchTrim("auto", 16, "crop", 21)).toStrictEqual({ trim: 0 });
  });
});
