/**
 * A worker's jobs and TF.js's compute backend: a job ONNX Runtime runs never asks for it (the
 * worker then holds TF.js's cpu backend alone); a job TF.js runs (`runtime: tfjs`, or a model
 * that is not a network) asks for it once, before its model, and its product is written.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runSceneJob } from "../../src/ops/queue.js";
import { tmp } from "../helpers/write.js";

const SCENE = `${process.cwd()}/fixtures/demo/scene.s2like.u16.4b.tif`;

/** Run `pipeline` on the demo scene as a worker's job; how many times the job asked for the backend. */
async function job(pipeline: string, sets: string[] = []): Promise<{ asked: number; output: string }> {
  let asked = 0;
  const out = tmp(`${pipeline.replace(/\W/g, "-")}-${sets.length}.tif`);
  const r = await runSceneJob(
    { data: { pipeline, scene: SCENE, sets: [`output.path=${out}`, `output.quicklook=${out}.png`, ...sets] } },
    "test",
    {
      beforeTfjs: async () => {
        asked++;
      },
    },
  );
  return { asked, output: r.output };
}

describe("a worker's jobs and TF.js's compute backend", () => {
  it("a job ONNX Runtime runs does not ask for it; TF.js jobs ask once", async () => {
    const onnx = await job("pipelines/scene-water.yaml", ["runtime=onnx"]);
    expect(onnx.asked).toBe(0);
    expect(existsSync(onnx.output)).toBe(true);
    const tfjs = await job("pipelines/scene-water.yaml", ["runtime=tfjs"]);
    expect(tfjs.asked).toBe(1);
    expect(existsSync(tfjs.output)).toBe(true);
    const ndvi = await job("pipelines/scene-ndvi.yaml");
    expect(ndvi.asked).toBe(1);
    expect(existsSync(ndvi.output)).toBe(true);
  });
});
