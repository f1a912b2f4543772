import fc from "fast-check";
import { lastValueFrom } from "rxjs";
import { describe, expect, it } from "vitest";
import { BandStatsAccumulator } from "../../src/grid/band-stats.js";
import { allocate } from "../../src/grid/dtype.js";
import { createGrid } from "../../src/grid/grid.js";
import { openGeoTiff } from "../../src/io/geotiff/reader.js";
import { computeStats, loadStats, saveStats } from "../../src/stages/compute-stats.js";
import { normalizeGrid } from "../../src/stages/normalize.js";
import { readTiles } from "../../src/stages/read-tiles.js";
import { planTiles } from "../../src/tiling/plan.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const SCENE = "fixtures/demo/scene.s2like.u16.4b.tif";

describe("band statistics", () => {
  it("a worked example: 1, 2, 3, 4 and nodata", () => {
    const acc = new BandStatsAccumulator(1);
    acc.add(createGrid("float32", [1, 1, 5], { data: Float32Array.from([1, 2, -9, 3, 4]), nodata: -9 }));
    expect(acc.result().bands[0]).toStrictEqual({ count: 4, mean: 2.5, std: Math.sqrt(1.25), min: 1, max: 4 });
  });

  it("merging chunks in any split equals the two-pass statistics of the whole", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 200 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
        (values, cuts) => {
          const acc = new BandStatsAccumulator(1);
          let i = 0;
          for (let k = 0; i < values.length; k++) {
            const part = values.slice(i, i + (cuts[k % cuts.length] as number));
            acc.add(createGrid("float64", [1, 1, part.length], { data: Float64Array.from(part) }));
            i += part.length;
          }
          const mean = values.reduce((a, b) => a + b, 0) / values.length;
          const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
          const r = acc.result().bands[0];
          expect(r?.count).toBe(values.length);
          expect(r?.mean).toBeCloseTo(mean, 9);
          expect(r?.std).toBeCloseTo(std, 9);
          expect([r?.min, r?.max]).toStrictEqual([Math.min(...values), Math.max(...values)]);
        },
      ),
    );
  });

  it("log1p statistics are those of ln(1 + v)", () => {
    const acc = new BandStatsAccumulator(1, ["log1p"]);
    acc.add(createGrid("float32", [1, 1, 2], { data: Float32Array.from([0, Math.E - 1]) }));
    const r = acc.result().bands[0];
    expect(r?.mean).toBeCloseTo(0.5, 6);
    expect(r?.max).toBeCloseTo(1, 6);
  });

  it.skipIf(!hasGdal)("computeStats over overlapping tiles counts each pixel once and agrees with GDAL", async () => {
    const src = await openGeoTiff(SCENE);
    const plan = planTiles({ width: 512, height: 512, tileSize: 200, overlap: 24, edge: "shift" });
    const stats = await lastValueFrom(readTiles(src, plan).pipe(computeStats()));
    const gdal = py<number[][]>(`
ds = gdal.Open("${SCENE}")
out = []
for b in range(1, ds.RasterCount + 1):
    a = ds.GetRasterBand(b).ReadAsArray().astype(np.float64)
    out.append([a.size, a.mean(), a.std(), a.min(), a.max()])
print(json.dumps(out))`);
    stats.bands.forEach((s, b) => {
      const [count, mean, std, min, max] = gdal[b] as number[];
      expect(s.count).toBe(count);
      expect(s.mean).toBeCloseTo(mean as number, 8);
      expect(s.std).toBeCloseTo(std as number, 8);
      expect([s.min, s.max]).toStrictEqual([min, max]);
    });
    const path = tmp("stats.json");
    await saveStats(path, stats);
    expect(await loadStats(path)).toStrictEqual(stats);
    await src.close();
  });

  it("a malformed statistics file is named in a one-line error", async () => {
    const path = tmp("bad.json");
    await saveStats(path, { bands: [], transforms: [] });
    const { writeFile } = await import("node:fs/promises");
    await writeFile(path, '{"bands": [{"count": "x"}], "transforms": []}');
    await expect(loadStats(path)).rejects.toThrow(`${path}: not a statistics file: bands.0.count`);
  });
});

describe("normalize", () => {
  it("z-score and min/max per band, with log1p; invalid cells become 0 and masked", () => {
    const g = createGrid("uint16", [2, 1, 3], { data: Uint16Array.from([10, 20, 0, 0, 3, 7]), nodata: 0 });
    const stats = {
      bands: [
        { count: 2, mean: 15, std: 5, min: 10, max: 20 },
        { count: 2, mean: 0, std: 1, min: Math.log1p(3), max: Math.log1p(7) },
      ],
      transforms: ["none" as const, "log1p" as const],
    };
    const z = normalizeGrid(g, stats);
    expect(Array.from(z.data.slice(0, 3))).toStrictEqual([-1, 1, 0]);
    expect(z.data[4]).toBeCloseTo(Math.log1p(3), 6);
    expect(Array.from(z.mask ?? [])).toStrictEqual([1, 1, 0, 0, 1, 1]);
    const mm = normalizeGrid(g, stats, "minmax");
    expect(Array.from(mm.data.slice(0, 2))).toStrictEqual([0, 1]);
    expect([mm.data[4], mm.data[5]]).toStrictEqual([0, 1]);
  });

  it.each([
    ["uint8", null, false, "none"],
    ["int16", -9999, false, "none"],
    ["uint16", 0, true, "log1p"],
    ["float32", Number.NaN, false, "none"],
    ["float32", null, false, "log1p"], // NaN cells are invalid without a nodata value too
    ["float64", -1, true, "none"],
  ] as const)(
    "%s, nodata %s, mask %s, %s: every cell equals the formula, invalid ones 0 and masked",
    (dtype, nodata, withMask, transform) => {
      const n = 3 * 7 * 5;
      const data = allocate(dtype, n);
      for (let i = 0; i < n; i++) data[i] = (i * 37) % 101;
      if (nodata !== null) for (let i = 0; i < n; i += 9) data[i] = nodata;
      if (dtype.startsWith("float")) data[4] = Number.NaN;
      const mask = withMask ? Uint8Array.from({ length: n }, (_, i) => (i % 11 === 3 ? 0 : 1)) : null;
      const g = createGrid(dtype, [3, 7, 5], { data, nodata, mask });
      const stats = {
        bands: [0, 1, 2].map((b) => ({ count: 1, mean: 10 * b, std: 2 + b, min: b, max: 50 + b })),
        transforms: [transform, transform, transform],
      };
      const out = normalizeGrid(g, stats);
      for (let i = 0; i < n; i++) {
        const v = data[i] as number;
        const invalid = Number.isNaN(v) || (nodata !== null && v === nodata) || (mask !== null && mask[i] === 0);
        const b = Math.floor(i / 35);
        const t = transform === "log1p" ? Math.log1p(Math.max(v, 0)) : v;
        expect(out.data[i]).toBeCloseTo(invalid ? 0 : (t - 10 * b) / (2 + b), 5);
        expect(out.mask?.[i] ?? 1).toBe(invalid ? 0 : 1);
      }
    },
  );
});
