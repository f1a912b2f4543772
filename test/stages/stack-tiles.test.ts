import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { allocate, type DType } from "../../src/grid/dtype.js";
import { createGrid } from "../../src/grid/grid.js";
import { selectBackend } from "../../src/nn/backend.js";
import {
  recycleTensor,
  takeSource,
  tensorFromArray,
  tensorSource,
  tensorValues,
  transferableSource,
} from "../../src/nn/tensor-array.js";
import { stackTiles } from "../../src/stages/batch.js";
import type { Tile } from "../../src/stages/tile.js";
import { SpareBuffers } from "../../src/util/spare-buffers.js";

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

  it("with host on wasm, the batch stays on the cpu backend: wasm holds no copy until an op of its own takes it", async () => {
    await selectBackend({ prefer: "wasm" });
    const wasm = tf.backend();
    const tiles = [0, 1].map((k) => tile(k, "uint16", 4, 3, 5));
    const before = wasm.numDataIds();
    const plain = stackTiles(tiles);
    expect(wasm.numDataIds()).toBe(before + 1); // the usual copy
    const x = stackTiles(tiles, undefined, undefined, true);
    expect(wasm.numDataIds()).toBe(before + 1);
    expect(tensorSource(x)).toBe(await x.data()); // its storage is the array itself
    expect(Array.from(await x.data())).toStrictEqual(Array.from(await plain.data()));
    // A wasm op moves it over and computes on the same values.
    const y = tf.add(x, 1);
    expect(Array.from(await y.data())).toStrictEqual(Array.from(await plain.data()).map((v) => v + 1));
    expect(tf.getBackend()).toBe("wasm");
    for (const t of [plain, x, y]) t.dispose();
    expect(wasm.numDataIds()).toBe(before);
  });

  it("a batch is consumable: takeSource hands over its array and disposes it; other tensors are not taken", async () => {
    await selectBackend({ prefer: "wasm" });
    const x = stackTiles([tile(0, "float32", 2, 2, 2)], undefined, undefined, true);
    const want = Array.from(await x.data());
    const src = tensorSource(x);
    expect(takeSource(x)).toBe(src);
    expect(x.isDisposed).toBe(true);
    expect(Array.from(src as Float32Array)).toStrictEqual(want);
    expect(takeSource(x)).toBeNull(); // taken once
    const kept = tensorFromArray(new Float32Array([1, 2]), [2]);
    expect(takeSource(kept)).toBeNull();
    expect(kept.isDisposed).toBe(false);
    expect(takeSource(tf.zeros([1]))).toBeNull();
    kept.dispose();
  });

  it("recycleTensor disposes a tensor and keeps its whole buffer for the next batch, only when made with spares", () => {
    const spares = new SpareBuffers(2, 0);
    const data = new Float32Array(16).fill(3);
    const y = tensorFromArray(data, [1, 4, 4, 1], { host: true, spares });
    recycleTensor(y);
    expect(y.isDisposed).toBe(true);
    expect(spares.take(64)).toBe(data.buffer);
    // Without spares, or a view of part of a buffer: disposed, nothing kept.
    const plain = tensorFromArray(new Float32Array(16), [16], { host: true });
    recycleTensor(plain);
    expect(plain.isDisposed).toBe(true);
    const part = tensorFromArray(new Float32Array(32).subarray(0, 16), [16], { host: true, spares });
    recycleTensor(part);
    expect(part.isDisposed).toBe(true);
    expect(spares.bytes).toBe(0);
    recycleTensor(null); // nothing to do
  });
});
