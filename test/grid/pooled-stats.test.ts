import { describe, expect, it } from "vitest";
import { pooledStats } from "../../src/grid/band-stats.js";
import { loadPipeline } from "../../src/pipeline/config.js";
import { normalizeStats, openInput, planFor } from "../../src/pipeline/input.js";
import { hasGdal, py } from "../helpers/gdal.js";

describe("statistics per variable", () => {
  it("pooledStats merges the bands' moments exactly", () => {
    // Band 0: {0, 2}, band 1: {2, 4}: pooled {0, 2, 2, 4}: mean 2, variance (4 + 0 + 0 + 4) / 4 = 2.
    const s = pooledStats({
      bands: [
        { count: 2, mean: 1, std: 1, min: 0, max: 2 },
        { count: 2, mean: 3, std: 1, min: 2, max: 4 },
        { count: 0, mean: Number.NaN, std: Number.NaN, min: Number.NaN, max: Number.NaN },
      ],
      transforms: ["none", "none", "none"],
    });
    expect(s.bands).toHaveLength(3);
    for (const b of s.bands) expect(b).toStrictEqual({ count: 4, mean: 2, std: Math.sqrt(2), min: 0, max: 4 });
  });

  it.skipIf(!hasGdal)(
    "normalize per: variable gives every time step of the radar series log1p statistics equal to numpy's",
    async () => {
      const p = await loadPipeline("pipelines/radar-nowcast-train.yaml", [
        "normalize={method: zscore, transforms: [log1p], per: variable}",
      ]);
      const src = await openInput(p);
      const s = await normalizeStats(p.normalize as NonNullable<typeof p.normalize>, p, src, planFor(p, src));
      await src.close();
      const ref = py<{ n: number; mean: number; std: number }>(`
import xarray as xr
r = xr.open_zarr("fixtures/radar-knmi/knmi-20100826.rain-4km.zarr").rain_rate.values
v = np.log1p(np.maximum(r[np.isfinite(r)], 0))
print(json.dumps({"n": int(v.size), "mean": float(v.mean()), "std": float(v.std())}))`);
      expect(s.bands).toHaveLength(92);
      expect(s.transforms.every((t) => t === "log1p")).toBe(true);
      expect(new Set(s.bands.map((b) => b.mean)).size).toBe(1);
      expect(s.bands[50]?.count).toBe(ref.n);
      expect(s.bands[0]?.mean).toBeCloseTo(ref.mean, 6);
      expect(s.bands[91]?.std).toBeCloseTo(ref.std, 6);
    },
  );
});
