import * as tf from "@tensorflow/tfjs";
import { map } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { createGrid } from "../../src/grid/grid.js";
import { batch } from "../../src/stages/batch.js";
import { cropHalo } from "../../src/stages/crop-halo.js";
import { normalize } from "../../src/stages/normalize.js";
import type { Tile } from "../../src/stages/tile.js";

/** A 1-band 4 x 4 tile with value `id` everywhere, core the inner 2 x 2. */
function tile(id: number, empty = false): Tile {
  return {
    spec: { id, col: id, row: 0, core: { x: 1, y: 1, width: 2, height: 2 }, read: { x: 0, y: 0, width: 4, height: 4 } },
    grid: createGrid("float32", [1, 4, 4], { data: new Float32Array(16).fill(id) }),
    window: { x: 0, y: 0, width: 4, height: 4 },
    empty,
    release() {},
  };
}

const scheduler = () => new TestScheduler((a, b) => expect(a).toStrictEqual(b));
const tiles = { a: tile(1), b: tile(2), c: tile(3), d: tile(4), e: tile(5, true) };

describe("operators in virtual time", () => {
  it("batch(2) emits on every second tile and flushes the rest on completion", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold("a-b-c-d-e|", tiles).pipe(
        batch(2, { maxWaitMs: 100 }),
        map((b) => {
          const ids = b.tiles.map((t) => t.spec.id).join("");
          b.x?.dispose();
          return ids;
        }),
      );
      expectObservable(out).toBe("--x---y--(z|)", { x: "12", y: "34", z: "5" });
    });
  });

  it("batch flushes a partial batch after maxWaitMs without tiles, so a small reader never stalls", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold("a 200ms b|", tiles).pipe(
        batch(4, { maxWaitMs: 50 }),
        map((b) => {
          b.x?.dispose();
          return b.tiles.length;
        }),
      );
      expectObservable(out).toBe("50ms x 151ms (y|)", { x: 1, y: 1 });
    });
  });

  it("batch leaves empty tiles out of the tensor, keeping their place in `tiles`", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold("ae|", tiles).pipe(
        batch(2),
        map((b) => {
          const r = { shape: b.x?.shape, index: b.index, values: Array.from(b.x?.dataSync() ?? []).slice(0, 2) };
          b.x?.dispose();
          return r;
        }),
      );
      expectObservable(out).toBe("-x|", { x: { shape: [1, 4, 4, 1], index: [0], values: [1, 1] } });
    });
    expect(tf.memory().numTensors).toBe(0);
  });

  it("cropHalo and normalize map tile for tile, in order", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const stats = { bands: [{ count: 1, mean: 2, std: 2, min: 0, max: 4 }], transforms: [] };
      const out = cold("a-b-c|", tiles).pipe(
        normalize(stats),
        cropHalo(),
        map((t) => Array.from(t.grid.data)),
      );
      expectObservable(out).toBe("a-b-c|", { a: [-0.5, -0.5, -0.5, -0.5], b: [0, 0, 0, 0], c: [0.5, 0.5, 0.5, 0.5] });
    });
  });
});
