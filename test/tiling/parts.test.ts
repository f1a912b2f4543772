import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planOfParts, shardParts } from "../../src/tiling/parts.js";
import { type EdgePolicy, planTiles, type TilePlan } from "../../src/tiling/plan.js";
import { type Region, Stitcher } from "../../src/tiling/stitcher.js";
import type { BlendWeights } from "../../src/tiling/weights.js";

/** Stitch a constant per tile (`bias(id)`) over `plan`; NaN where the plan wrote nothing. */
function stitchPlan(plan: TilePlan, weights: BlendWeights, trim = 0): Float32Array {
  const out = new Float32Array(plan.width * plan.height).fill(Number.NaN);
  const st = new Stitcher(plan, { weights, trim, nodata: -1 });
  const put = (r: Region) => {
    for (let y = 0; y < r.window.height; y++)
      for (let x = 0; x < r.window.width; x++)
        out[(r.window.y + y) * plan.width + r.window.x + x] = r.grid.data[y * r.window.width + x] as number;
  };
  for (const t of plan.tiles()) {
    const n = t.read.width * t.read.height;
    // A smooth field plus a per-tile bias, so blends differ from any one tile.
    const v = Float32Array.from({ length: n }, (_, i) => ((t.id * 37) % 5) + (i % t.read.width) / 7);
    for (const r of st.add(t, t.read, v, 1, null)) put(r);
  }
  for (const r of st.finish()) put(r);
  expect(st.openRegions).toBe(0);
  return out;
}

describe("plan parts", () => {
  it("a worked example: 4 parts of 512 x 512, shards of contiguous parts", () => {
    const plan = planTiles({
      width: 1000,
      height: 900,
      tileSize: 128,
      overlap: 16,
      stripeWidth: 512,
      partHeight: 512,
      stripeGuests: true,
    });
    expect(plan.parts.map((p) => p.window)).toStrictEqual([
      { x: 0, y: 0, width: 512, height: 512 },
      { x: 0, y: 512, width: 512, height: 388 },
      { x: 512, y: 0, width: 488, height: 512 },
      { x: 512, y: 512, width: 488, height: 388 },
    ]);
    expect(plan.parts.map((p) => p.tiles)).toStrictEqual([16, 16, 16, 16]);
    // Part 0 visits its 4 x 4 tiles and the column and row beyond (guests): 5 x 5.
    const part0 = [...planOfParts(plan, [0]).tiles()];
    expect(part0).toHaveLength(25);
    expect(part0.filter((t) => t.guest)).toHaveLength(9);
    expect(part0.every((t) => t.clip?.width === 512 && t.part === 0)).toBe(true);
    expect([0, 1, 2].map((i) => shardParts(7, i, 3))).toStrictEqual([
      [0, 1],
      [2, 3],
      [4, 5, 6],
    ]);
    expect(() => shardParts(7, 3, 3)).toThrow(/shard 3\/3/);
  });

  it("parts blend as one plan does, and any part alone gives its pixels exactly", () => {
    const args = fc.record({
      width: fc.integer({ min: 20, max: 140 }),
      height: fc.integer({ min: 20, max: 140 }),
      tileSize: fc.integer({ min: 6, max: 24 }),
      overlap: fc.integer({ min: 1, max: 14 }),
      edge: fc.constantFrom<EdgePolicy>("pad", "shift"),
      stripeTiles: fc.integer({ min: 1, max: 4 }),
      bandTiles: fc.integer({ min: 1, max: 4 }),
      weights: fc.constantFrom<BlendWeights>("hann", "linear", "crop"),
      trim: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(args, (a) => {
        const trim = a.weights === "crop" ? 0 : Math.min(a.trim, a.overlap);
        const base = { width: a.width, height: a.height, tileSize: a.tileSize, overlap: a.overlap, edge: a.edge };
        const whole = stitchPlan(planTiles({ ...base, stripeWidth: 1e6 }), a.weights, trim);
        const plan = planTiles({
          ...base,
          stripeWidth: a.stripeTiles * a.tileSize,
          partHeight: a.bandTiles * a.tileSize,
          stripeGuests: a.weights !== "crop",
        });
        const parted = stitchPlan(plan, a.weights, trim);
        let worst = 0;
        for (let i = 0; i < whole.length; i++)
          worst = Math.max(worst, Math.abs((parted[i] as number) - (whole[i] as number)));
        expect(worst).toBeLessThan(1e-4);
        // Each part on its own writes exactly its window, with the same values.
        const alone = new Float32Array(whole.length).fill(Number.NaN);
        let outside = 0;
        for (const part of plan.parts) {
          const one = stitchPlan(planOfParts(plan, [part.id]), a.weights, trim);
          const w = part.window;
          for (let i = 0; i < one.length; i++) {
            const x = i % a.width;
            const y = Math.floor(i / a.width);
            const inside = x >= w.x && x < w.x + w.width && y >= w.y && y < w.y + w.height;
            if (inside) alone[i] = one[i] as number;
            else if (!Number.isNaN(one[i])) outside++;
          }
        }
        expect(outside).toBe(0);
        expect(Array.from(alone)).toStrictEqual(Array.from(parted));
      }),
      { numRuns: 60 },
    );
  });
});
