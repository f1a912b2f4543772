/**
 * `stitch(plan, { pendingRegions })`: once that many finished regions wait for the output, tiles
 * keep their read slots until their regions are released, so a slow output bounds what waits in
 * memory; the pixels are those of an unbounded stream.
 */
import { concatMap, delay, lastValueFrom, of, tap, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { createGrid } from "../../src/grid/grid.js";
import { openGeoTiff } from "../../src/io/geotiff/reader.js";
import { readTiles } from "../../src/stages/read-tiles.js";
import { stitch } from "../../src/stages/stitch.js";
import type { WritableRegion } from "../../src/stages/write.js";
import { planTiles } from "../../src/tiling/plan.js";
import { tmp, writeWhole } from "../helpers/write.js";

const W = 512;
const H = 256;

async function ramp(): Promise<string> {
  const path = tmp("ramp.tif");
  const data = Float32Array.from({ length: W * H }, (_, i) => (i % W) * 0.5 + Math.floor(i / W));
  await writeWhole(path, createGrid("float32", [1, H, W], { data }), { tileSize: 64 });
  return path;
}

/** Stream the raster through stitch into a slow consumer; the most regions ever unreleased, and the output. */
async function run(pendingRegions: number | undefined, release = true) {
  const src = await openGeoTiff(await ramp());
  const plan = planTiles({ width: W, height: H, tileSize: 32, overlap: 8 }); // 128 tiles
  let waiting = 0;
  let peak = 0;
  const out = new Float32Array(W * H);
  try {
    await lastValueFrom(
      readTiles(src, plan, { concurrency: 3, stallTimeoutMs: 1000 }).pipe(
        stitch(plan, { weights: "hann", ...(pendingRegions === undefined ? {} : { pendingRegions }) }),
        tap(() => {
          peak = Math.max(peak, ++waiting); // counted as it arrives, before the output's queue
        }),
        concatMap((r: WritableRegion) => of(r).pipe(delay(2))), // an output slower than the reader
        concatMap(async (r: WritableRegion) => {
          const { x, y, width, height } = r.window;
          for (let j = 0; j < height; j++)
            out.set((r.grid.data as Float32Array).subarray(j * width, (j + 1) * width), (y + j) * W + x);
          waiting--;
          if (release) r.release?.();
          return r.window;
        }),
        toArray(),
      ),
    );
  } finally {
    await src.close();
  }
  return { peak, out };
}

describe("stitch with pendingRegions", () => {
  it("bounds the regions waiting for a slow output, with the same pixels as an unbounded stream", async () => {
    const free = await run(undefined);
    const gated = await run(4);
    // Unbounded, the reader runs ahead and finished regions pile up before the output.
    expect(free.peak).toBeGreaterThan(40);
    // Bounded: the limit, plus the regions of the steps whose tiles hold the 3 read slots.
    expect(gated.peak).toBeLessThanOrEqual(4 + 3 * 4);
    expect(gated.out).toStrictEqual(free.out);
    // The ramp comes back: blending identical overlaps changes nothing.
    expect(gated.out[100 * W + 300]).toBeCloseTo(300 * 0.5 + 100, 4);
  });

  it("stalls reading when regions are never released, naming the stall", async () => {
    await expect(run(2, false)).rejects.toMatchObject({ code: "E_STALL" });
  });
});
