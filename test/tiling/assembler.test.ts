import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeBlockGrid } from "../../src/grid/block-grid.js";
import { cropGrid } from "../../src/grid/crop.js";
import { createGrid } from "../../src/grid/grid.js";
import { BlockAssembler } from "../../src/tiling/assembler.js";
import { planTiles } from "../../src/tiling/plan.js";

describe("block assembler", () => {
  it("reassembles any tiling into any block grid exactly, each block once", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 33 }),
        fc.integer({ min: 1, max: 33 }),
        (width, height, tile, block) => {
          const data = Uint16Array.from({ length: 2 * width * height }, (_, i) => i);
          const whole = createGrid("uint16", [2, height, width], { data });
          const frame = { x: 0, y: 0, width, height };
          const grid = makeBlockGrid(width, height, block, block);
          const asm = new BlockAssembler(grid, 2, "uint16", null);
          const seen = new Set<string>();
          for (const t of planTiles({ width, height, tileSize: tile }).tiles()) {
            for (const b of asm.add(t.core, cropGrid(whole, frame, t.core))) {
              const key = `${b.col},${b.row}`;
              expect(seen.has(key)).toBe(false);
              seen.add(key);
              expect(Array.from(b.grid.data)).toStrictEqual(Array.from(cropGrid(whole, frame, b.window).data));
            }
          }
          expect(seen.size).toBe(grid.cols * grid.rows);
          expect(asm.openBlocks).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("holds only about one row of blocks open when tiles arrive row-major", () => {
    const width = 1024;
    const grid = makeBlockGrid(width, 512, 64, 64);
    const asm = new BlockAssembler(grid, 1, "uint8", null);
    let peak = 0;
    for (const t of planTiles({ width, height: 512, tileSize: 96 }).tiles()) {
      asm.add(t.core, createGrid("uint8", [1, t.core.height, t.core.width]));
      peak = Math.max(peak, asm.openBlocks);
    }
    expect(peak).toBeLessThanOrEqual(2 * grid.cols); // a band two block-rows high at most
    expect(asm.openBlocks).toBe(0);
  });
});
