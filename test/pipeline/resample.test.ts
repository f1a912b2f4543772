import { describe, expect, it } from "vitest";
import { openSource } from "../../src/io/registry.js";
import { loadPipeline } from "../../src/pipeline/config.js";
import { runPipeline } from "../../src/pipeline/run.js";
import { tmp } from "../helpers/write.js";

describe("input.resample", () => {
  it("a pipeline runs at a coarser grid: size divided, pixel size multiplied, values rounded block means", async () => {
    const out = tmp("coarse.tif");
    const p = await loadPipeline("pipelines/scene-identity.yaml", [
      `output.path=${out}`,
      "input.resample={factor: 4, method: average}",
      "tiling.size=32",
      "tiling.overlap=4",
      "normalize.method=none",
    ]);
    const s = await runPipeline(p);
    expect([s.width, s.height]).toStrictEqual([128, 128]);
    const fine = await openSource("fixtures/demo/scene.s2like.u16.4b.tif");
    const coarse = await openSource(out);
    const ft = fine.meta.georef?.transform as readonly number[];
    expect(coarse.meta.georef?.transform).toStrictEqual([ft[0], ft[1] * 4, 0, ft[3], 0, (ft[5] as number) * 4]);
    const f = (await fine.readWindow({ x: 8, y: 12, width: 4, height: 4 }, { bands: [3] })).data;
    const c = (await coarse.readWindow({ x: 2, y: 3, width: 1, height: 1 }, { bands: [3] })).data;
    // A uint16 scene: the block mean, rounded as GDAL rounds integer averages.
    expect(c[0]).toBe(Math.round(Array.from(f).reduce((a, b) => a + b, 0) / 16));
    await fine.close();
    await coarse.close();
  });
});
