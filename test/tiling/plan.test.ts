import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contains, intersect, pad } from "../../src/grid/window.js";
import { planTiles, tilesAlong } from "../../src/tiling/plan.js";

const planArgs = fc.record({
  width: fc.integer({ min: 1, max: 300 }),
  height: fc.integer({ min: 1, max: 300 }),
  tileSize: fc.integer({ min: 1, max: 120 }),
  overlap: fc.integer({ min: 0, max: 40 }),
});

describe("tile plans", () => {
  it("a worked example: 1000 x 600 in 512 px tiles with a 32 px halo", () => {
    const plan = planTiles({ width: 1000, height: 600, tileSize: 512, overlap: 32 });
    expect([plan.tilesAcross, plan.tilesDown, plan.count]).toStrictEqual([2, 2, 4]);
    const tiles = [...plan.tiles()];
    expect(tiles[3]).toStrictEqual({
      id: 3,
      col: 1,
      row: 1,
      core: { x: 512, y: 512, width: 488, height: 88 },
      read: { x: 480, y: 480, width: 552, height: 152 },
    });
  });

  it("the tile count matches ceil(W/N) * ceil(H/N)", () => {
    fc.assert(
      fc.property(planArgs, (a) => {
        const plan = planTiles(a);
        expect(plan.count).toBe(Math.ceil(a.width / a.tileSize) * Math.ceil(a.height / a.tileSize));
        expect([...plan.tiles()]).toHaveLength(plan.count);
        expect(tilesAlong(a.width, a.tileSize)).toBe(plan.tilesAcross);
      }),
    );
  });

  it("cores cover every pixel exactly once; reads are cores plus the halo", () => {
    fc.assert(
      fc.property(planArgs, (a) => {
        const hits = new Uint8Array(a.width * a.height);
        const raster = { x: 0, y: 0, width: a.width, height: a.height };
        for (const t of planTiles(a).tiles()) {
          expect(contains(raster, t.core)).toBe(true);
          expect(t.read).toStrictEqual(pad(t.core, a.overlap));
          expect(intersect(t.read, t.core)).toStrictEqual(t.core);
          for (let y = t.core.y; y < t.core.y + t.core.height; y++)
            for (let x = t.core.x; x < t.core.x + t.core.width; x++) hits[y * a.width + x]++;
        }
        expect(hits.every((h) => h === 1)).toBe(true);
      }),
    );
  });

  it("rejects impossible plans with a clear error", () => {
    expect(() => planTiles({ width: 10, height: 10, tileSize: 0 })).toThrow(/tile size must be a positive integer/);
    expect(() => planTiles({ width: 10, height: 10, tileSize: 4, overlap: -1 })).toThrow(/overlap/);
  });
});
