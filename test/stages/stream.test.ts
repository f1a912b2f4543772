import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { delay, lastValueFrom, map, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { createGrid, type Grid } from "../../src/grid/grid.js";
import type { Window } from "../../src/grid/window.js";
import { openGeoTiff } from "../../src/io/geotiff/reader.js";
import { createGeoTiffSink } from "../../src/io/geotiff/writer.js";
import type { GridSource, ReadOptions } from "../../src/io/types.js";
import { cropHalo } from "../../src/stages/crop-halo.js";
import { readTiles } from "../../src/stages/read-tiles.js";
import { writeTiles } from "../../src/stages/write-tiles.js";
import { planTiles } from "../../src/tiling/plan.js";
import { tmp, writeWhole } from "../helpers/write.js";

/** A real GeoTIFF source that counts reads in flight and the peak number of unreleased tiles. */
function counting(src: GridSource) {
  const stats = { alive: 0, peak: 0, reads: 0 };
  const wrapped: GridSource = {
    meta: src.meta,
    close: () => src.close(),
    async readWindow(w: Window, o?: ReadOptions): Promise<Grid> {
      stats.alive++;
      stats.reads++;
      stats.peak = Math.max(stats.peak, stats.alive);
      return src.readWindow(w, o);
    },
  };
  return { wrapped, stats, released: () => stats.alive-- };
}

async function bigRaster(): Promise<string> {
  const path = tmp("ramp.tif");
  const w = 2048;
  const h = 1024;
  const data = Uint16Array.from({ length: w * h }, (_, i) => (i % w) + Math.floor(i / w));
  await writeWhole(path, createGrid("uint16", [1, h, w], { data }), { tileSize: 256 });
  return path;
}

describe("streaming stages", () => {
  it("keeps at most `concurrency` tiles alive over thousands of tiles, with a slow consumer", async () => {
    const src = await openGeoTiff(await bigRaster());
    const { wrapped, stats, released } = counting(src);
    const plan = planTiles({ width: 2048, height: 1024, tileSize: 32, overlap: 4 }); // 2048 tiles
    const ids = await lastValueFrom(
      readTiles(wrapped, plan, { concurrency: 3 }).pipe(
        delay(1), // a consumer slower than the reader
        map((t) => {
          released();
          t.release();
          return t.spec.id;
        }),
        toArray(),
      ),
    );
    expect(plan.count).toBe(2048);
    expect(ids.sort((a, b) => a - b)).toStrictEqual(Array.from({ length: 2048 }, (_, i) => i));
    expect(stats.reads).toBe(2048);
    expect(stats.peak).toBeLessThanOrEqual(3);
    await src.close();
  });

  it("read -> cropHalo -> write reproduces the raster for many tile sizes and halos", async () => {
    const input = await bigRaster();
    const src = await openGeoTiff(input);
    const want = await src.readWindow({ x: 0, y: 0, width: 2048, height: 1024 });
    for (const [tileSize, overlap, block] of [
      [100, 0, 256],
      [256, 32, 256],
      [333, 17, 64],
      [1024, 200, 512],
    ] as const) {
      const out = tmp("copy.tif");
      const sink = await createGeoTiffSink(out, src.meta, { tileSize: block });
      const plan = planTiles({ width: 2048, height: 1024, tileSize, overlap });
      const progress = await lastValueFrom(readTiles(src, plan).pipe(cropHalo(), writeTiles(sink), toArray()));
      expect(progress.at(-1)?.tilesDone).toBe(plan.count);
      expect(progress.at(-1)?.blocksWritten).toBe(sink.blockGrid.cols * sink.blockGrid.rows);
      const back = await openGeoTiff(out);
      const got = await back.readWindow({ x: 0, y: 0, width: 2048, height: 1024 });
      expect(Buffer.from(got.data.buffer).equals(Buffer.from(want.data.buffer))).toBe(true);
      await back.close();
    }
    await src.close();
  });

  it("an error mid-stream aborts the sink: no output and no temporary file remain", async () => {
    const src = await openGeoTiff(await bigRaster());
    const out = tmp("failed.tif");
    const sink = await createGeoTiffSink(out, src.meta, { tileSize: 256 });
    const plan = planTiles({ width: 2048, height: 1024, tileSize: 256 });
    const failing = readTiles(src, plan).pipe(
      cropHalo(),
      map((t) => {
        if (t.spec.id === 10) throw new Error("model crashed");
        return t;
      }),
      writeTiles(sink),
    );
    await expect(lastValueFrom(failing)).rejects.toThrow("model crashed");
    expect(readdirSync(dirname(out))).toStrictEqual([]);
    await src.close();
  });
});
