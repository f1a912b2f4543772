import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contains, intersect } from "../../src/grid/window.js";
import { type EdgePolicy, planTiles, type TileSpec, tilesAlong } from "../../src/tiling/plan.js";

const planArgs = fc.record({
  width: fc.integer({ min: 1, max: 300 }),
  height: fc.integer({ min: 1, max: 300 }),
  tileSize: fc.integer({ min: 1, max: 120 }),
  overlap: fc.integer({ min: 0, max: 40 }),
  edge: fc.constantFrom<EdgePolicy>("pad", "shift", "drop"),
  stripeWidth: fc.integer({ min: 1, max: 400 }),
});

/** How many cores cover each pixel. */
function coreHits(width: number, height: number, tiles: Iterable<TileSpec>): Uint8Array {
  const hits = new Uint8Array(width * height);
  for (const t of tiles)
    for (let y = t.core.y; y < t.core.y + t.core.height; y++)
      for (let x = t.core.x; x < t.core.x + t.core.width; x++) hits[y * width + x]++;
  return hits;
}

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
      read: { x: 480, y: 480, width: 576, height: 576 },
      part: 0,
    });
  });

  it("shift snaps the last window inside the raster; drop leaves the remainder out", () => {
    const shifted = [...planTiles({ width: 1000, height: 600, tileSize: 512, overlap: 32, edge: "shift" }).tiles()];
    expect(shifted[3]?.core).toStrictEqual({ x: 512, y: 512, width: 488, height: 88 });
    expect(shifted[3]?.read).toStrictEqual({ x: 1000 - 512 - 32, y: 600 - 512 - 32, width: 576, height: 576 });
    const dropped = planTiles({ width: 1000, height: 600, tileSize: 512, overlap: 32, edge: "drop" });
    expect(dropped.count).toBe(1);
    expect([...dropped.tiles()][0]?.core).toStrictEqual({ x: 0, y: 0, width: 512, height: 512 });
  });

  it("on a periodic axis the first and last halos reach across the antimeridian", () => {
    const plan = planTiles({ width: 360, height: 180, tileSize: 90, overlap: 8, periodicX: true, edge: "drop" });
    expect([plan.tilesAcross, plan.tilesDown]).toStrictEqual([4, 2]); // x always covered, drop only in y
    const t = [...plan.tiles()];
    expect(t[0]?.read.x).toBe(-8);
    expect(t[3]?.read).toStrictEqual({ x: 262, y: -8, width: 106, height: 106 });
  });

  it("tiles come in vertical stripes, row-major inside each", () => {
    const plan = planTiles({ width: 40, height: 20, tileSize: 10, stripeWidth: 20 });
    expect([...plan.tiles()].map((t) => t.id)).toStrictEqual([0, 1, 4, 5, 2, 3, 6, 7]);
  });

  it("the tile count matches the formula for every edge policy", () => {
    fc.assert(
      fc.property(planArgs, (a) => {
        if (a.edge === "drop" && (a.width < a.tileSize || a.height < a.tileSize)) {
          expect(() => planTiles(a)).toThrow(/leaves no tile/);
          return;
        }
        const plan = planTiles(a);
        const along = (L: number) => (a.edge === "drop" ? Math.floor(L / a.tileSize) : Math.ceil(L / a.tileSize));
        expect(plan.count).toBe(along(a.width) * along(a.height));
        expect(tilesAlong(a.width, a.tileSize, a.edge)).toBe(plan.tilesAcross);
        const ids = [...plan.tiles()].map((t) => t.id).sort((x, y) => x - y);
        expect(ids).toStrictEqual(Array.from({ length: plan.count }, (_, i) => i));
      }),
    );
  });

  it("cores cover every pixel exactly once (drop: all but the remainder); reads are fixed-size and hold their core", () => {
    fc.assert(
      fc.property(planArgs, (a) => {
        if (a.edge === "drop" && (a.width < a.tileSize || a.height < a.tileSize)) return;
        const raster = { x: 0, y: 0, width: a.width, height: a.height };
        const plan = planTiles(a);
        for (const t of plan.tiles()) {
          expect(contains(raster, t.core)).toBe(true);
          expect([t.read.width, t.read.height]).toStrictEqual([a.tileSize + 2 * a.overlap, a.tileSize + 2 * a.overlap]);
          expect(intersect(t.read, t.core)).toStrictEqual(t.core);
          if (a.edge === "shift" && a.width >= a.tileSize)
            expect(t.read.x + t.read.width - a.overlap).toBeLessThanOrEqual(a.width);
        }
        const hits = coreHits(a.width, a.height, plan.tiles());
        const keptW = a.edge === "drop" ? Math.floor(a.width / a.tileSize) * a.tileSize : a.width;
        const keptH = a.edge === "drop" ? Math.floor(a.height / a.tileSize) * a.tileSize : a.height;
        let wrong = 0;
        for (let y = 0; y < a.height; y++)
          for (let x = 0; x < a.width; x++) if (hits[y * a.width + x] !== (x < keptW && y < keptH ? 1 : 0)) wrong++;
        expect(wrong).toBe(0);
      }),
    );
  });

  it("rejects impossible plans with a clear error", () => {
    expect(() => planTiles({ width: 10, height: 10, tileSize: 0 })).toThrow(/tile size must be a positive integer/);
    expect(() => planTiles({ width: 10, height: 10, tileSize: 4, overlap: -1 })).toThrow(/overlap/);
    expect(() => planTiles({ width: 10, height: 10, tileSize: 4, edge: "wrap" as EdgePolicy })).toThrow(/edge policy/);
  });
});
