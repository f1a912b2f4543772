/** A stream that holds every tile readTiles may hand out fails fast instead of ending silently. */
import { spawnSync } from "node:child_process";
import { lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { openGeoTiff } from "../../src/io/geotiff/reader.js";
import { normalize } from "../../src/stages/normalize.js";
import { readTiles } from "../../src/stages/read-tiles.js";
import { planTiles } from "../../src/tiling/plan.js";

const SCENE = "fixtures/demo/scene.s2like.u16.4b.tif";
const plan = planTiles({ width: 512, height: 512, tileSize: 64 });
const stats = {
  bands: [0, 1, 2, 3].map(() => ({ count: 1, mean: 1000, std: 500, min: 0, max: 4000 })),
  transforms: [],
};

describe("stalls", () => {
  it("collecting without release fails with E_STALL naming the stage that holds the tiles", async () => {
    const src = await openGeoTiff(SCENE);
    const e = await lastValueFrom(
      readTiles(src, plan, { concurrency: 4, stallTimeoutMs: 200 }).pipe(normalize(stats), toArray()),
    ).then(
      () => null,
      (x: unknown) => x as { code: string; message: string },
    );
    expect(e?.code).toBe("E_STALL");
    expect(e?.message).toContain("4 after 'normalize'");
    expect(e?.message).toContain("autoRelease: true");
    await src.close();
  });

  it("autoRelease collects every tile", async () => {
    const src = await openGeoTiff(SCENE);
    const tiles = await lastValueFrom(readTiles(src, plan, { concurrency: 4, autoRelease: true }).pipe(toArray()));
    expect(tiles.map((t) => t.spec.id).sort((a, b) => a - b)).toStrictEqual([...Array(64).keys()]);
    await src.close();
  });

  it("without a timeout, a process that would exit silently (code 13) fails with the message instead", () => {
    const script = `
      import { lastValueFrom, toArray } from "rxjs";
      import { openGeoTiff, planTiles, readTiles } from "tilecast";
      const src = await openGeoTiff("${SCENE}");
      try {
        await lastValueFrom(readTiles(src, planTiles({ width: 512, height: 512, tileSize: 64 })).pipe(toArray()));
      } catch (e) {
        console.error(e.code, e.message);
        process.exitCode = 3;
      }`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^E_STALL stage read: readTiles is waiting for a free slot .*4 after 'readTiles'/);
  });
});
