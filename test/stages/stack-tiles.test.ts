import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { allocate, type DType } from "../../src/grid/dtype.js";
import { createGrid } from "../../src/grid/grid.js";
import { selectBackend } from "../../src/nn/backend.js";
import { tensorSource, tensorValues, transferableSource } from "../../src/nn/tensor-array.js";
import { stackTiles } from "../../src/stages/batch.js";
import type { Tile } from "../../src/stages/tile.js";

function tile(id: number, dtype: DType, bands: number, h: number, w: number): Tile {
  const data = allocate(dtype, bands * h * w);
  for (let i = 0; i < data.length; i++) data[i] = (id * 1000 + i * 7) % 251;
  const win = { x: 0, y: 0, width: w, height: h };
  return {
    spec: { id, col: id, row: 0, core: win, read: win },
    grid: createGrid(dtype, [bands, h, w], { data }),
    window: win,
    release() {},
  };
}

describe("stackTiles", () => {
  it.each([
    ["float32", 1],
    ["float32", 3],
    ["float32", 4],
    ["float32", 5],
    ["uint16", 4],
    ["int8", 2],
  ] as const)("%s with %d bands: cell (k, y, x, b) of the batch is tile k's band b at (y, x)", async (dtype, bands) => {
    const [h, w] = [3, 5];
    const tiles = [0, 1, 2].map((k) => tile(k, dtype, bands, h, w));
    const x = stackTiles(tiles);
    expect(x.shape).toStrictEqual([3, h, w, bands]);
    const got = await x.data();
    for (let k = 0; k < 3; k++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++)
          for (let b = 0; b < bands; b++)
            expect(got[((k * h + y) * w + xx) * bands + b]).toBe(tiles[k]?.grid.data[b * h * w + y * w + xx]);
    // The batch's own array is its values: no copy out of the backend is needed.
    expect(tensorSource(x)).not.toBeNull();
    expect(Array.from(await tensorValues(x))).toStrictEqual(Array.from(got));
    x.dispose();
  });

  it.each(["wasm", "cpu"] as const)(
    "on %s, a source is handed to another thread only when the backend keeps its own copy",
    async (backend) => {
      await selectBackend({ prefer: backend });
      const x = stackTiles([tile(0, "float32", 2, 2, 2)]);
      const want = Array.from(await x.data());
      const src = transferableSource(x);
      if (backend === "cpu")
        expect(src).toBeNull(); // the array is the tensor's storage there
      else {
        expect(src).not.toBeNull();
        structuredClone(src, { transfer: [(src as Float32Array).buffer as ArrayBuffer] }); // what a worker hand-off does
        expect(src?.length).toBe(0);
        expect(tensorSource(x)).toBeNull();
      }
      expect(Array.from(await tensorValues(x))).toStrictEqual(want);
      x.dispose();
      expect(tensorSource(tf.zeros([1]))).toBeNull(); // never had one
    },
  );
});
