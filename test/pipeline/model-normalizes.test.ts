/**
 * On ONNX Runtime the shipped water U-Net normalizes its input itself (raw, bands-first batches;
 * the pipeline's `normalize` in its graph) and splits batches over two sessions: on a scene with
 * nodata (a tile of nothing, and pixels missing in one band only), its map equals the TF.js
 * run's (which normalizes on the host) at every pixel, nodata in the same places. The 4-class
 * segmentation U-Net's outputs are the size of its batches, so their buffers go round again
 * (util/batch-buffers.ts): its probabilities equal TF.js's too. A `log1p` band keeps the
 * normalization on the host, with the same result as TF.js too.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { openSource } from "../../src/io/registry.js";
import { selectBackend } from "../../src/nn/backend.js";
import { loadPipeline } from "../../src/pipeline/config.js";
import { type RunSummary, runPipeline } from "../../src/pipeline/run.js";
import { batchBuffers } from "../../src/util/batch-buffers.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

let scene = "";

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
  if (!hasGdal) return;
  scene = tmp("scene-nodata.tif");
  py(`src = gdal.Open("fixtures/demo/scene.s2like.u16.4b.tif")
d = gdal.GetDriverByName("GTiff").CreateCopy("${scene}", src, options=["TILED=YES", "COMPRESS=DEFLATE"])
a = d.ReadAsArray()
a[:, 0:96, 0:96] = 0          # a tile's worth of nothing
a[1, 200:230, 300:340] = 0    # pixels missing in band 2 only
for b in range(4):
    d.GetRasterBand(b + 1).SetNoDataValue(0)
    d.GetRasterBand(b + 1).WriteArray(a[b])
d = None
print(json.dumps(True))`);
});

async function run(runtime: string, extra: string[] = []) {
  const out = tmp(`water-${runtime}-${extra.length}.tif`);
  const events: Record<string, unknown>[] = [];
  const p = await loadPipeline("pipelines/scene-water.yaml", [
    `input.path=${scene}`,
    `output.path=${out}`,
    `output.quicklook=${out}.png`,
    `runtime=${runtime}`,
    ...extra,
  ]);
  const s: RunSummary = await runPipeline(p, { onEvent: (e) => events.push(e) });
  const src = await openSource(out);
  const g = await src.readWindow({ x: 0, y: 0, width: 512, height: 512 });
  await src.close();
  return { s, values: g.data as Float32Array, model: events.find((e) => e.event === "model") };
}

function compare(a: Float32Array, b: Float32Array) {
  let worst = 0;
  let nan = 0;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i] as number, b[i] as number];
    expect(Number.isNaN(x)).toBe(Number.isNaN(y));
    if (Number.isNaN(x)) nan++;
    else worst = Math.max(worst, Math.abs(x - y));
  }
  return { worst, nan };
}

describe.skipIf(!hasGdal)("a model that normalizes its own input", () => {
  it("ONNX Runtime with the normalization in its graph gives TF.js's map, nodata where TF.js has it", async () => {
    const onnx = await run("onnx");
    const tfjs = await run("tfjs");
    expect(onnx.model).toMatchObject({ runtime: "onnx", normalizes: true, sessions: 2 });
    expect(tfjs.model).toMatchObject({ runtime: "tfjs" });
    const { worst, nan } = compare(onnx.values, tfjs.values);
    expect(worst).toBeLessThan(1e-4); // probabilities in [0, 1]
    // The empty corner and the band-2 hole are nodata in both (the hole's pixels lack a band).
    expect(nan).toBeGreaterThanOrEqual(64 * 64 + 30 * 40);
    expect(Number.isNaN(onnx.values[10 * 512 + 10] as number)).toBe(true);
    expect(Number.isNaN(onnx.values[210 * 512 + 310] as number)).toBe(true);
  });

  it("the 4-class segmentation U-Net, whose outputs' buffers hold later batches, gives TF.js's probabilities", async () => {
    const probs = async (runtime: string) => {
      const out = tmp(`seg-${runtime}.tif`);
      const p = await loadPipeline("pipelines/scene-seg.yaml", [
        `output.path=${out}`,
        `output.classes=${out}.classes.tif`,
        `output.quicklook=${out}.png`,
        `runtime=${runtime}`,
        // float32 probabilities, as the runtimes give them (the pipeline packs them into bytes)
        ...["output.dtype=float32", "output.scale=null", "output.nodata=.nan"],
      ]);
      await runPipeline(p);
      const src = await openSource(out);
      const g = await src.readWindow({ x: 0, y: 0, width: 384, height: 384 });
      await src.close();
      return g.data as Float32Array;
    };
    const onnx = await probs("onnx");
    expect(batchBuffers.bytes).toBeGreaterThan(0); // outputs were kept for later batches
    const tfjs = await probs("tfjs");
    expect(onnx.length).toBe(4 * 384 * 384);
    const { worst, nan } = compare(onnx, tfjs);
    expect(worst).toBeLessThan(1e-4);
    expect(nan).toBeLessThan(onnx.length / 2); // the scene has data
  });

  it("a log1p band keeps the normalization on the host, with TF.js's result", async () => {
    const stats = tmp("stats-log1p.json");
    const p = await loadPipeline("pipelines/scene-water.yaml");
    const file = JSON.parse(readFileSync(p.normalize?.stats as string, "utf8")) as {
      transforms?: string[];
    };
    writeFileSync(stats, JSON.stringify({ ...file, transforms: ["log1p", "none", "none", "none"] }));
    const set = [`normalize.stats=${stats}`];
    const onnx = await run("onnx", set);
    const tfjs = await run("tfjs", set);
    expect(onnx.model).toMatchObject({ runtime: "onnx", sessions: 2 });
    expect(onnx.model?.normalizes).toBeUndefined();
    expect(compare(onnx.values, tfjs.values).worst).toBeLessThan(1e-4);
  });
});
