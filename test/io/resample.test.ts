import { describe, expect, it } from "vitest";
import { createGrid } from "../../src/grid/grid.js";
import { openSource } from "../../src/io/registry.js";
import { resampleFactor, resampleSource } from "../../src/io/resample.js";
import type { GridSource } from "../../src/io/types.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp, writeWhole } from "../helpers/write.js";

/** An in-memory source over a grid (reads outside are nodata). */
function memory(g: ReturnType<typeof createGrid>): GridSource {
  const [bands, height, width] = g.shape as [number, number, number];
  return {
    meta: {
      format: "memory",
      path: "mem",
      width,
      height,
      bands,
      dtype: g.dtype,
      georef: g.georef,
      nodata: g.nodata,
      blockWidth: width,
      blockHeight: height,
      periodicX: false,
      attrs: {},
    },
    async readWindow(w) {
      const out = createGrid(g.dtype, [bands, w.height, w.width], { nodata: g.nodata });
      for (let b = 0; b < bands; b++)
        for (let y = 0; y < w.height; y++)
          for (let x = 0; x < w.width; x++) {
            const sx = w.x + x;
            const sy = w.y + y;
            const inside = sx >= 0 && sy >= 0 && sx < width && sy < height;
            out.data[b * w.width * w.height + y * w.width + x] = (
              inside ? g.data[b * width * height + sy * width + sx] : (g.nodata ?? 0)
            ) as never;
          }
      return out;
    },
    close: async () => {},
  };
}

describe("resampleSource", () => {
  const g = createGrid("float32", [1, 3, 5], {
    data: Float32Array.from([1, 2, 3, 4, 5, 6, Number.NaN, 8, 9, 10, 11, 12, 13, 14, 15]),
    nodata: Number.NaN,
    georef: { transform: [100, 10, 0, 200, 0, -10], crs: null, rasterType: "area" },
  });

  it("average, nearest and mode by hand; the edge cells cover what is left; the transform scales", async () => {
    const whole = { x: 0, y: 0, width: 3, height: 2 };
    const avg = resampleSource(memory(g), { factor: 2, method: "average" });
    expect([avg.meta.width, avg.meta.height]).toStrictEqual([3, 2]);
    expect(avg.meta.georef?.transform).toStrictEqual([100, 20, 0, 200, 0, -20]);
    // [1 2 / 6 NaN] -> 3; [3 4 / 8 9] -> 6; [5 / 10] -> 7.5; [11 12] -> 11.5; [13 14] -> 13.5; [15] -> 15
    expect(Array.from((await avg.readWindow(whole)).data)).toStrictEqual([3, 6, 7.5, 11.5, 13.5, 15]);
    const near = resampleSource(memory(g), { factor: 2, method: "nearest" });
    expect(Array.from((await near.readWindow(whole)).data)).toStrictEqual([Number.NaN, 9, 10, 12, 14, 15]);
    const classes = createGrid("uint8", [1, 2, 4], { data: Uint8Array.from([1, 1, 2, 3, 2, 1, 3, 2]), nodata: 255 });
    const mode = resampleSource(memory(classes), { factor: 2, method: "mode" });
    expect(Array.from((await mode.readWindow({ x: 0, y: 0, width: 2, height: 1 })).data)).toStrictEqual([1, 2]); // 1 1 2 1 -> 1; 2 3 3 2 -> tie, smaller
  });

  it("bilinear is a triangle filter over two coarse cells' width", async () => {
    const ramp = createGrid("float32", [1, 1, 8], {
      data: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]),
      nodata: Number.NaN,
    });
    const r = resampleSource(memory(ramp), { factor: 2, method: "bilinear" });
    // A linear field stays linear: the cell over fine pixels 2-3 has centre 3 (in fine pixel edges), value 2.5.
    const v = (await r.readWindow({ x: 1, y: 0, width: 2, height: 1 })).data;
    expect(v[0]).toBeCloseTo(2.5, 6);
    expect(v[1]).toBeCloseTo(4.5, 6);
  });

  it("a resolution must be a whole multiple of the pixel size", () => {
    const src = memory(g);
    expect(resampleFactor(src.meta, { resolution: 40 })).toBe(4);
    expect(() => resampleFactor(src.meta, { resolution: 25 })).toThrow(
      /not a whole multiple \(>= 2\) of the pixel size 10/,
    );
    expect(() => resampleSource(src, { factor: 2, resolution: 20 })).toThrow(/factor or resolution, not both/);
  });

  it.skipIf(!hasGdal)("average and nearest equal gdal_translate's at a whole factor, nodata left out", async () => {
    const n = 40;
    const data = Float32Array.from({ length: n * 32 }, (_, i) => ((i * 37) % 101) + (i % 7) / 8);
    for (let i = 0; i < data.length; i += 13) data[i] = -9999;
    const path = tmp("fine.tif");
    await writeWhole(
      path,
      createGrid("float32", [1, 32, n], {
        data,
        nodata: -9999,
        georef: { transform: [0, 1, 0, 32, 0, -1], crs: null, rasterType: "area" },
      }),
    );
    for (const method of ["average", "nearest"] as const) {
      const ref = py<number[]>(`
ds = gdal.Translate("/vsimem/r.tif", "${path}", width=10, height=8, resampleAlg="${method}")
print(json.dumps(ds.ReadAsArray().astype(float).ravel().tolist()))`);
      const src = resampleSource(await openSource(path), { factor: 4, method });
      const got = Array.from((await src.readWindow({ x: 0, y: 0, width: 10, height: 8 })).data);
      await src.close();
      got.forEach((v, i) => expect(v, `${method} cell ${i}`).toBeCloseTo(ref[i] as number, 4));
    }
  });
});
