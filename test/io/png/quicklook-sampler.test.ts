import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { cropGrid } from "../../../src/grid/crop.js";
import { createGrid, type Grid } from "../../../src/grid/grid.js";
import { renderQuicklook } from "../../../src/io/png/quicklook.js";
import { QuicklookSampler } from "../../../src/io/png/quicklook-sampler.js";
import { tmp } from "../../helpers/write.js";

/** A 3-band float raster with a NaN hole and a gradient per band. */
function raster(width: number, height: number): Grid<"float32"> {
  const g = createGrid("float32", [3, height, width], { nodata: Number.NaN });
  for (let b = 0; b < 3; b++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        g.data[b * width * height + y * width + x] =
          x > 40 && x < 60 && y > 10 && y < 20 ? Number.NaN : (b + 1) * x + y;
  return g;
}

describe("QuicklookSampler", () => {
  it.each([
    [301, 203, 64, 50],
    [100, 37, 512, 16],
  ])(
    "%dx%d (maxSize %d, regions of %d px, any order) gives the whole raster's quicklook",
    async (w, h, maxSize, block) => {
      const g = raster(w, h);
      const q = new QuicklookSampler(w, h, 3, { maxSize });
      const regions = [];
      for (let y = 0; y < h; y += block)
        for (let x = 0; x < w; x += block) {
          const win = { x, y, width: Math.min(block, w - x), height: Math.min(block, h - y) };
          regions.push({ window: win, grid: cropGrid(g, { x: 0, y: 0, width: w, height: h }, win) });
        }
      for (const r of regions.reverse()) q.add(r);
      const png = tmp("sampled.png");
      await q.write(png);
      const want = renderQuicklook(g, { maxSize });
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toStrictEqual([want.width, want.height]);
      expect(Buffer.from(data).equals(Buffer.from(want.rgba))).toBe(true);
      expect(want.rgba.some((v, i) => i % 4 === 3 && v === 0)).toBe(true); // the hole is transparent
    },
  );

  it("leaves cells no region covered transparent", async () => {
    const q = new QuicklookSampler(8, 8, 1, { maxSize: 8 });
    q.add({
      window: { x: 0, y: 0, width: 8, height: 4 },
      grid: createGrid("float32", [1, 4, 8], { data: new Float32Array(32).fill(3) }),
    });
    const png = tmp("half.png");
    await q.write(png);
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const alpha = [...data].filter((_, i) => i % 4 === 3);
    expect(alpha.slice(0, 32).every((a) => a === 255)).toBe(true);
    expect(alpha.slice(32).every((a) => a === 0)).toBe(true);
  });

  it("cells of parts, put back in any order and at any byte offset, rebuild the sample", () => {
    const [w, h] = [301, 203];
    const g = raster(w, h);
    const q = new QuicklookSampler(w, h, 3, { maxSize: 64 });
    q.add({
      window: { x: 0, y: 0, width: w, height: 150 },
      grid: cropGrid(g, { x: 0, y: 0, width: w, height: h }, { x: 0, y: 0, width: w, height: 150 }),
    });
    const parts = [
      { x: 0, y: 0, width: 160, height: 100 },
      { x: 160, y: 0, width: 141, height: 100 },
      { x: 0, y: 100, width: 301, height: 103 },
    ];
    const cells = parts.map((p) => q.cells(p));
    const back = new QuicklookSampler(w, h, 3, { maxSize: 64 });
    parts.forEach((p, i) => {
      const bytes = cells[i] as Uint8Array;
      const odd = new Uint8Array(bytes.length + 3).fill(7).subarray(3); // not 8-byte aligned
      odd.set(bytes);
      back.putCells(p, i === 1 ? odd : bytes);
    });
    expect(Array.from(back.sample.data)).toStrictEqual(Array.from(q.sample.data));
    expect(Array.from(back.sample.mask ?? [])).toStrictEqual(Array.from(q.sample.mask ?? []));
    expect((back.sample.mask ?? []).some((v) => v === 0)).toBe(true); // rows past 150 were never sampled
    expect((back.sample.mask ?? []).some((v) => v === 1)).toBe(true);
  });
});
