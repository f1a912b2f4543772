/**
 * A schedule runs forecast cycle after cycle in one process. Each cycle loaded and folded its
 * model anew, and TF.js's map of tensor names grew about 10 KB a cycle, never emptied. Now the
 * model is kept for the next cycle of the same model (pipeline/forecast-runner.ts): memory stays
 * at one model, the leads are the same, and a model retrained in place is loaded afresh.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { openZarrSource } from "../../src/io/zarr/source.js";
import { selectBackend } from "../../src/nn/backend.js";
import { loadPipeline } from "../../src/pipeline/config.js";
import { runForecast } from "../../src/pipeline/forecast.js";
import { freeSharedModels } from "../../src/pipeline/model-cache.js";
import { tf } from "../../src/tfjs.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const RADAR = "fixtures/radar-knmi/knmi-20100826.rain-4km.zarr";
/** The radar fixture's first 8 frames (00:00 to 00:35) over 64 x 64 cells with rain. */
let INPUT = "";

const held = () => ({
  tensors: tf.memory().numTensors,
  variables: Object.keys(tf.engine().state.registeredVariables).length,
});

async function cycle(output: string, time: string, sets: string[] = []) {
  const p = await loadPipeline("pipelines/radar-nowcast.yaml", [
    `input.path=${INPUT}`,
    `output.path=${output}`,
    ...sets,
  ]);
  return runForecast(p, { cycle: time });
}

/** Every lead of the store's time slot `s`. */
async function leads(store: string, s = 0): Promise<number[]> {
  const src = await openZarrSource(store, { variable: "rain_rate", index: { time: s } });
  try {
    const g = await src.readWindow({ x: 0, y: 0, width: src.meta.width, height: src.meta.height });
    return Array.from(g.data);
  } finally {
    await src.close();
  }
}

beforeAll(async () => {
  if (!hasGdal) return;
  await selectBackend({ prefer: "wasm" }); // a cycle of this model takes 6 s on the cpu backend, 0.3 s here
  INPUT = tmp("radar8.zarr");
  py(`import xarray as xr
ds = xr.open_zarr(${JSON.stringify(RADAR)}).isel(time=slice(0, 8), y=slice(64, 128), x=slice(64, 128)).load()
for v in ds.variables.values(): v.encoding = {}
ds.to_zarr(${JSON.stringify(INPUT)}, mode="w")
print("null")`);
  // TF.js makes some tensors once per process (caches of constants): made here, before any count.
  await cycle(tmp("warm.zarr"), "2010-08-26T00:15Z");
  await freeSharedModels();
}, 120_000);

afterEach(async () => {
  await freeSharedModels();
});

describe.skipIf(!hasGdal)("a process's forecast cycles share the model they load", () => {
  it("three cycles hold one model, with the leads of a fresh load; freed when asked", async () => {
    const before = held();
    const out = tmp("nc.zarr");
    let once: ReturnType<typeof held> | null = null;
    for (const t of ["2010-08-26T00:15Z", "2010-08-26T00:20Z", "2010-08-26T00:25Z"]) {
      await cycle(out, t);
      once ??= held();
      expect(once.tensors).toBeGreaterThan(before.tensors); // kept for the next cycle
      expect(held()).toStrictEqual(once);
    }
    // The kept model's 00:25 leads are those of a model loaded for that cycle alone.
    await freeSharedModels();
    expect(held()).toStrictEqual(before);
    const alone = tmp("alone.zarr");
    await cycle(alone, "2010-08-26T00:25Z");
    const fresh = await leads(alone);
    expect(fresh.some((v) => v > 0)).toBe(true);
    expect(await leads(out, 2)).toStrictEqual(fresh);
  }, 120_000);

  it("a model retrained in place between cycles is loaded afresh, and the old one freed", async () => {
    const model = tmp("model");
    cpSync("models/radar-nowcast", model, { recursive: true });
    const a = tmp("a.zarr");
    const b = tmp("b.zarr");
    await cycle(a, "2010-08-26T00:20Z", [`model.path=${model}`]);
    const one = held();
    // "Retrained": every weight halved.
    const w = new Float32Array(new Uint8Array(readFileSync(join(model, "weights.bin"))).buffer);
    for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) / 2;
    writeFileSync(join(model, "weights.bin"), new Uint8Array(w.buffer));
    await cycle(b, "2010-08-26T00:20Z", [`model.path=${model}`]);
    expect(await leads(b)).not.toStrictEqual(await leads(a));
    expect(held()).toStrictEqual(one);
  }, 120_000);
});
