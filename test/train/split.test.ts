import { describe, expect, it } from "vitest";
import { intersect, isEmpty } from "../../src/grid/window.js";
import { planTiles } from "../../src/tiling/plan.js";
import { splitTiles } from "../../src/train/split.js";

const ids = (t: { id: number }[]) => t.map((x) => x.id).sort((a, b) => a - b);

describe("splitTiles", () => {
  it("blocks: whole blocks validate, ⌈fraction · blocks⌉ of them, the same for the same seed", () => {
    const plan = planTiles({ width: 512, height: 512, tileSize: 64 }); // 8 x 8 tiles, 16 blocks of 2 x 2
    const s = splitTiles(plan, { by: "blocks", block: 2, validation: 0.25, seed: 3 });
    expect(s.validation).toHaveLength(16); // 4 blocks of 4 tiles
    expect(s.train).toHaveLength(48);
    expect(s.dropped).toBe(0); // no halo: nothing reaches across
    const blocks = new Set(s.validation.map((t) => `${Math.floor(t.row / 2)},${Math.floor(t.col / 2)}`));
    expect(blocks.size).toBe(4);
    expect(ids(splitTiles(plan, { by: "blocks", block: 2, validation: 0.25, seed: 3 }).validation)).toStrictEqual(
      ids(s.validation),
    );
    expect(ids(splitTiles(plan, { by: "blocks", block: 2, validation: 0.25, seed: 4 }).validation)).not.toStrictEqual(
      ids(s.validation),
    );
  });

  it("no training tile's read window touches a validation core (the halo rule)", () => {
    const plan = planTiles({ width: 320, height: 320, tileSize: 32, overlap: 8 });
    const s = splitTiles(plan, { by: "blocks", block: 2, validation: 0.2, seed: 1 });
    expect(s.dropped).toBeGreaterThan(0);
    for (const t of s.train) for (const v of s.validation) expect(isEmpty(intersect(t.read, v.core))).toBe(true);
    expect(s.train.length + s.validation.length + s.dropped).toBe(plan.count);
  });

  it("region: tiles meeting the window validate; the tile row above is left out when its halo reaches", () => {
    const plan = planTiles({ width: 512, height: 512, tileSize: 64, overlap: 16 });
    const s = splitTiles(plan, { by: "region", validation: { x: 0, y: 384, width: 512, height: 128 } });
    expect(s.validation.map((t) => t.row).every((r) => r >= 6)).toBe(true);
    expect(s.validation).toHaveLength(16);
    expect(s.dropped).toBe(8);
    expect(s.train.every((t) => t.row <= 4)).toBe(true);
  });

  it("on a periodic grid the halo reaches around the antimeridian", () => {
    const plan = planTiles({ width: 256, height: 64, tileSize: 64, overlap: 8, periodicX: true });
    const s = splitTiles(plan, { by: "region", validation: { x: 0, y: 0, width: 64, height: 64 } });
    expect(ids(s.validation)).toStrictEqual([0]);
    expect(ids(s.train)).toStrictEqual([2]); // tiles 1 and 3 (across the seam) touch tile 0
  });

  it("a split with nothing on one side is an error", () => {
    const plan = planTiles({ width: 128, height: 128, tileSize: 64 });
    expect(() => splitTiles(plan, { by: "blocks", block: 4 })).toThrow(/cannot be split/);
    expect(() => splitTiles(plan, { by: "region", validation: { x: 1000, y: 0, width: 10, height: 10 } })).toThrow(
      /no tile validates/,
    );
    const halo = planTiles({ width: 128, height: 64, tileSize: 64, overlap: 8 });
    expect(() => splitTiles(halo, { by: "region", validation: { x: 0, y: 0, width: 10, height: 10 } })).toThrow(
      /no training tile/,
    );
  });
});
