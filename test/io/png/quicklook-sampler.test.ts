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

  it("tiles with halos past the raster's edges, a mask and an integer nodata sample the raster's cells", () => {
    // 37 x 29 uint16, nodata 0 at every 5th cell, masked where x + y is a multiple of 7; read as
    // 16 px tiles with 6 px halos (windows from -6, reaching past the far edges), halos padded 9.
    const [w, h, step] = [37, 29, 4];
    const value = (x: number, y: number) => ((x + 3 * y) % 5 === 0 ? 0 : 100 + x + 50 * y);
    const masked = (x: number, y: number) => (x + y) % 7 === 0;
    const q = new QuicklookSampler(w, h, 1, { maxSize: Math.ceil(w / step) });
    expect(q.step).toBe(step);
    for (let ty = 0; ty < h; ty += 16)
      for (let tx = 0; tx < w; tx += 16) {
        const win = { x: tx - 6, y: ty - 6, width: 28, height: 28 };
        const data = new Uint16Array(28 * 28);
        const mask = new Uint8Array(28 * 28);
        for (let y = 0; y < 28; y++)
          for (let x = 0; x < 28; x++) {
            const [sx, sy] = [win.x + x, win.y + y];
            const inside = sx >= 0 && sy >= 0 && sx < w && sy < h;
            data[y * 28 + x] = inside ? value(sx, sy) : 9;
            mask[y * 28 + x] = inside && !masked(sx, sy) ? 1 : 0;
          }
        q.add({ window: win, grid: createGrid("uint16", [1, 28, 28], { data, mask, nodata: 0 }) });
      }
    const [ow, oh] = [Math.ceil(w / step), Math.ceil(h / step)];
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const [x, y] = [ox * step, oy * step];
        expect(q.sample.data[oy * ow + ox]).toBe(value(x, y));
        expect(q.sample.mask?.[oy * ow + ox]).toBe(value(x, y) === 0 || masked(x, y) ? 0 : 1);
      }
    expect(Array.from(q.sample.mask ?? []).filter((v) => v === 0).length).toBeGreaterThan(5);
  });
});
