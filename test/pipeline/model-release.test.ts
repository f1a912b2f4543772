/**
 * A worker or a schedule runs thousands of scenes in one process. Each run loaded the model anew
 * and never freed it: the U-Net left its 92 weight tensors behind at every scene, and a worker's
 * memory grew by 0.75 MB a scene. Now a run's network is kept for the next run of the same model
 * (pipeline/model-cache.ts): memory stays at one model, a retrained model is loaded afresh, the
 * input's band order is still checked, and a refused model leaves nothing behind.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { openSource } from "../../src/io/registry.js";
import { createModel } from "../../src/models/registry.js";
import { loadPipeline } from "../../src/pipeline/config.js";
import { runForecast } from "../../src/pipeline/forecast.js";
import { freeSharedModels, sharedModel } from "../../src/pipeline/model-cache.js";
import { runPipeline } from "../../src/pipeline/run.js";
import { loadScene } from "../../src/pipeline/scene.js";
import { tf } from "../../src/tfjs.js";
import { py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const FIXTURE = join(process.cwd(), "fixtures/scene-seg/test.s2like.u16.4b.tif");
/** A 96² corner of the test scene (band names kept): one tile, so a run on wasm takes a second. */
let SCENE = "";

const held = () => ({
  tensors: tf.memory().numTensors,
  variables: Object.keys(tf.engine().state.registeredVariables).length,
});

async function run(scene: string, out: string, sets: string[] = []) {
  const p = await loadScene("pipelines/scene-seg.yaml", scene, [
    `output.path=${out}`,
    "output.classes=null",
    "output.quicklook=null",
    ...sets,
  ]);
  return runPipeline(p);
}

async function pixels(path: string): Promise<number[]> {
  const src = await openSource(path);
  try {
    const g = await src.readWindow({ x: 0, y: 0, width: 64, height: 64 });
    return Array.from(g.data as ArrayLike<number>);
  } finally {
    await src.close();
  }
}

// TF.js makes some tensors once per process (caches of constants): made here, before any count.
beforeAll(async () => {
  SCENE = tmp("corner.tif");
  expect(spawnSync("gdal_translate", ["-q", "-srcwin", "0", "0", "96", "96", FIXTURE, SCENE]).status).toBe(0);
  const dir = tmp("warm");
  for (const runtime of ["onnx", "tfjs"]) await run(SCENE, `${dir}/${runtime}.tif`, [`runtime=${runtime}`]);
  await freeSharedModels();
}, 120_000);

afterEach(async () => {
  await freeSharedModels();
});

describe("a process's runs share the model they load", () => {
  it.each(["onnx", "tfjs"])(
    "runtime %s: three runs hold one model, freed when asked",
    async (runtime) => {
      const before = held();
      const dir = tmp("runs");
      const outs: number[][] = [];
      let once: ReturnType<typeof held> | null = null;
      for (const i of [1, 2, 3]) {
        const s = await run(SCENE, `${dir}/${i}.tif`, [`runtime=${runtime}`]);
        expect(s.runtime).toBe(runtime);
        outs.push(await pixels(`${dir}/${i}.tif`));
        once ??= held();
        expect(once.tensors).toBeGreaterThan(before.tensors); // kept for the next run
        expect(held()).toStrictEqual(once);
      }
      expect(outs[1]).toStrictEqual(outs[0]);
      expect(outs[2]).toStrictEqual(outs[0]);
      await freeSharedModels();
      expect(held()).toStrictEqual(before);
    },
    120_000,
  );

  it("runs at once that ask for one model load it once", async () => {
    let loads = 0;
    const load = () => {
      loads++;
      return createModel({ type: "unet", path: "models/scene-seg" }, 4, { runtime: "tfjs" });
    };
    const [a, b] = await Promise.all([sharedModel("k", load), sharedModel("k", load)]);
    expect(loads).toBe(1);
    expect(a.predictor).toBe(b.predictor);
    await Promise.all([a.release?.(), b.release?.()]);
  });

  it("a model retrained in place is loaded afresh, and the old one freed", async () => {
    const model = tmp("model");
    cpSync("models/scene-seg", model, { recursive: true });
    const stats = join(process.cwd(), "models/scene-seg/stats.json");
    const sets = [`model.path=${model}`, `normalize.stats=${stats}`, "runtime=tfjs"];
    const dir = tmp("runs");
    await run(SCENE, `${dir}/a.tif`, sets);
    const one = held();
    // "Retrained": every weight halved.
    const w = new Float32Array(new Uint8Array(readFileSync(join(model, "weights.bin"))).buffer);
    for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) / 2;
    writeFileSync(join(model, "weights.bin"), new Uint8Array(w.buffer));
    await run(SCENE, `${dir}/b.tif`, sets);
    expect(await pixels(`${dir}/b.tif`)).not.toStrictEqual(await pixels(`${dir}/a.tif`));
    expect(held()).toStrictEqual(one);
  }, 120_000);

  it("a kept model still checks each input's band order", async () => {
    const dir = tmp("runs");
    await run(SCENE, `${dir}/a.tif`);
    const swapped = join(dir, "swapped.tif");
    copyFileSync(SCENE, swapped);
    py(`ds = gdal.Open("${swapped}", gdal.GA_Update)
for i, n in enumerate(["nir", "red", "green", "blue"]): ds.GetRasterBand(i + 1).SetDescription(n)
ds = None
print("null")`);
    await expect(run(swapped, `${dir}/b.tif`)).rejects.toThrow(/band/);
  }, 120_000);

  it("a model refused for its input (band count, band order) leaves no weights behind", async () => {
    const before = held();
    const names = { names: ["nir", "red", "green", "blue"], indices: [0, 1, 2, 3], path: "scene.tif" };
    await expect(
      createModel({ type: "unet", path: "models/scene-seg" }, 4, { runtime: "tfjs", inputNames: names }),
    ).rejects.toThrow(/band/);
    await expect(createModel({ type: "unet", path: "models/scene-seg" }, 3, { runtime: "tfjs" })).rejects.toThrow(
      "the model takes 4 bands",
    );
    expect(held()).toStrictEqual(before);
  });

  it("a forecast cycle refused before it runs (input not there yet, cycle outside it) leaves no weights behind", async () => {
    const before = held();
    const out = `output.path=${tmp("nc.zarr")}`;
    const missing = await loadPipeline("pipelines/radar-nowcast.yaml", [out, `input.path=${tmp("not-yet.zarr")}`]);
    await expect(runForecast(missing, { cycle: "2010-08-26T01:00Z" })).rejects.toThrow(/not-yet\.zarr/);
    expect(held()).toStrictEqual(before); // refused before the weights load
    // A cycle outside the input is refused once the model is loaded: the model is kept for the
    // next cycle (forecast-kept.test.ts), once however often the schedule retries.
    const p = await loadPipeline("pipelines/radar-nowcast.yaml", [out]);
    await expect(runForecast(p, { cycle: "2011-01-01T00:00Z" })).rejects.toThrow();
    const kept = held();
    await expect(runForecast(p, { cycle: "2011-01-01T00:05Z" })).rejects.toThrow();
    expect(held()).toStrictEqual(kept);
    await freeSharedModels();
    expect(held()).toStrictEqual(before);
  });

  it("a process whose kept ONNX model never ran exits (a --resume with nothing to do hung)", () => {
    const script = `import { createModel } from "${process.cwd()}/src/models/registry.ts";
const m = await createModel({ type: "unet", path: "models/scene-seg" }, 4, { runtime: "onnx" });
console.log(m.runtime.runtime);`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.signal).toBeNull();
    expect(r.stdout.trim()).toBe("onnx");
    expect(r.status).toBe(0);
  });

  it("a model loaded and released directly frees its weights, on either runtime", async () => {
    const before = held();
    for (const runtime of ["tfjs", "onnx"] as const) {
      const m = await createModel({ type: "unet", path: "models/scene-seg" }, 4, { runtime });
      expect(held().tensors).toBeGreaterThan(before.tensors);
      await m.release?.();
      expect(held()).toStrictEqual(before);
    }
  });
});
