import { lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { createGrid } from "../../src/grid/grid.js";
import { openGeoTiff } from "../../src/io/geotiff/reader.js";
import { readTiles } from "../../src/stages/read-tiles.js";
import { readWithRules } from "../../src/stages/read-window.js";
import { axisIndexMap, indexRuns, reflectIndex } from "../../src/tiling/index-map.js";
import { planTiles } from "../../src/tiling/plan.js";
import { tmp, writeWhole } from "../helpers/write.js";

/** A 6 x 4 uint8 raster with value 10*y + x and nodata 255. */
async function small(nodata: number | null = 255) {
  const path = tmp("small.tif");
  const data = Uint8Array.from({ length: 24 }, (_, i) => 10 * Math.floor(i / 6) + (i % 6));
  await writeWhole(path, createGrid("uint8", [1, 4, 6], { data, nodata }), { tileSize: 16 });
  return openGeoTiff(path);
}

const rows = (data: ArrayLike<number>, w: number) =>
  Array.from({ length: data.length / w }, (_, r) => Array.from(data).slice(r * w, (r + 1) * w));

describe("index maps", () => {
  it("reflect mirrors without repeating the edge; wrap is modulo; nodata is -1", () => {
    expect(Array.from(axisIndexMap(-3, 10, 5, "reflect"))).toStrictEqual([3, 2, 1, 0, 1, 2, 3, 4, 3, 2]);
    expect(Array.from(axisIndexMap(-3, 10, 5, "wrap"))).toStrictEqual([2, 3, 4, 0, 1, 2, 3, 4, 0, 1]);
    expect(Array.from(axisIndexMap(-1, 3, 2, "nodata"))).toStrictEqual([-1, 0, 1]);
    expect(reflectIndex(7, 1)).toBe(0);
    expect(indexRuns(Int32Array.from([4, 5, 0, 1, 2, -1]))).toStrictEqual([
      [0, 3],
      [4, 6],
    ]);
  });
});

describe("reading windows past the raster", () => {
  it("wraps x on a periodic raster and pads y with nodata", async () => {
    const src = await small();
    const g = await readWithRules(src, { x: -2, y: -1, width: 10, height: 3 }, { padding: "nodata", periodicX: true });
    expect(rows(g.data, 10)).toStrictEqual([
      [255, 255, 255, 255, 255, 255, 255, 255, 255, 255],
      [4, 5, 0, 1, 2, 3, 4, 5, 0, 1],
      [14, 15, 10, 11, 12, 13, 14, 15, 10, 11],
    ]);
    await src.close();
  });

  it("reflects at every edge", async () => {
    const src = await small();
    const g = await readWithRules(src, { x: 3, y: 2, width: 5, height: 4 }, { padding: "reflect", periodicX: false });
    expect(rows(g.data, 5)).toStrictEqual([
      [23, 24, 25, 24, 23],
      [33, 34, 35, 34, 33],
      [23, 24, 25, 24, 23],
      [13, 14, 15, 14, 13],
    ]);
    await src.close();
  });

  it("reflects and wraps every band of a multi-band float raster as the index maps say", async () => {
    // 3 bands of 9 x 7 float32, value 100 b + 10 y + x; windows past both sides of both axes.
    const [W, H] = [9, 7];
    const path = tmp("bands.tif");
    const data = Float32Array.from({ length: 3 * W * H }, (_, i) => {
      const b = Math.floor(i / (W * H));
      return 100 * b + 10 * Math.floor((i % (W * H)) / W) + (i % W);
    });
    await writeWhole(path, createGrid("float32", [3, H, W], { data, nodata: Number.NaN }), { tileSize: 16 });
    const src = await openGeoTiff(path);
    for (const [w, periodicX] of [
      [{ x: -4, y: -3, width: 17, height: 13 }, false],
      [{ x: 5, y: 2, width: 8, height: 4 }, false],
      [{ x: -3, y: 1, width: 14, height: 3 }, true],
    ] as const) {
      const g = await readWithRules(src, w, { padding: "reflect", periodicX });
      const want = Array.from({ length: 3 * w.width * w.height }, (_, i) => {
        const b = Math.floor(i / (w.width * w.height));
        const y = reflectIndex(w.y + Math.floor((i % (w.width * w.height)) / w.width), H);
        const x = periodicX ? (((w.x + (i % w.width)) % W) + W) % W : reflectIndex(w.x + (i % w.width), W);
        return 100 * b + 10 * y + x;
      });
      expect(Array.from(g.data), JSON.stringify(w)).toStrictEqual(want);
    }
    await src.close();
  });

  it("masks outside cells when the raster has no nodata value", async () => {
    const src = await small(null);
    const g = await readWithRules(src, { x: 4, y: 3, width: 3, height: 2 }, { padding: "nodata", periodicX: true });
    expect(rows(g.data, 3)).toStrictEqual([
      [34, 35, 30],
      [0, 0, 0],
    ]);
    expect(rows(g.mask ?? [], 3)).toStrictEqual([
      [1, 1, 1],
      [0, 0, 0],
    ]);
    await src.close();
  });

  it("readTiles marks tiles with an all-nodata core as empty and reads labels on the same window", async () => {
    const path = tmp("half.tif");
    const data = Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 255 : 1 + (i % 8)));
    await writeWhole(path, createGrid("uint8", [1, 8, 8], { data, nodata: 255 }), { tileSize: 16 });
    const src = await openGeoTiff(path);
    const labels = await small();
    const plan = planTiles({ width: 8, height: 8, tileSize: 4, overlap: 1 });
    // Reads finish in any order (four in flight): sort by tile id before comparing.
    const tiles = (await lastValueFrom(readTiles(src, plan, { skipEmpty: true, labels }).pipe(toArray()))).sort(
      (a, b) => a.spec.id - b.spec.id,
    );
    expect(tiles.map((t) => [t.spec.id, t.empty])).toStrictEqual([
      [0, true],
      [1, false],
      [2, true],
      [3, false],
    ]);
    expect(tiles[0]?.label?.shape).toStrictEqual([1, 6, 6]);
    expect(Array.from(tiles[0]?.label?.data ?? []).slice(6, 12)).toStrictEqual([255, 0, 1, 2, 3, 4]);
    await src.close();
    await labels.close();
  });
});
