/**
 * A run's class quicklook: the classes at the quicklook's cells over the input image, the same
 * picture as classifying every region and sampling the classes.
 */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { classify } from "../../src/grid/classes.js";
import { createGrid, type Grid } from "../../src/grid/grid.js";
import type { Window } from "../../src/grid/window.js";
import { writeClassOverlay } from "../../src/io/png/class-overlay.js";
import { QuicklookSampler } from "../../src/io/png/quicklook-sampler.js";
import type { RasterMeta } from "../../src/io/types.js";
import type { PipelineOutput } from "../../src/pipeline/config.js";
import { RunProducts } from "../../src/pipeline/products.js";
import { tmp } from "../helpers/write.js";

const pixels = async (png: string) => Array.from((await sharp(png).raw().toBuffer()) as Uint8Array);

describe("run products", () => {
  it("draws the classes of the sampled probabilities, as classifying every region would", async () => {
    // 1100 x 300 (a quicklook step of 3), four regions of 3 class probabilities with gaps.
    const [W, H, K] = [1100, 300, 3];
    const meta = { width: W, height: H, bands: 3, dtype: "uint16", nodata: 0, attrs: {} } as unknown as RasterMeta;
    const quicklook = tmp("classes.png");
    const output = { path: tmp("p.tif"), classes: tmp("c.tif"), quicklook } as unknown as PipelineOutput;
    const products = new RunProducts(output, meta);
    const image = createGrid("uint16", [3, H, W], {
      data: Uint16Array.from({ length: 3 * W * H }, (_, i) => 100 + (i % 997)),
      nodata: 0,
    });
    products.onTile({ window: { x: 0, y: 0, width: W, height: H }, grid: image });
    const regions: { window: Window; grid: Grid }[] = [];
    for (const [x, width] of [
      [0, 400],
      [400, 700],
    ])
      for (const [y, height] of [
        [0, 130],
        [130, 170],
      ]) {
        const n = width * height;
        const data = Float32Array.from({ length: K * n }, (_, i) => {
          const p = i % n;
          const [px, py] = [x + (p % width), y + Math.floor(p / width)];
          if ((px + py) % 11 === 0 && i >= n) return Number.NaN; // a gap in band 1 or 2
          return Math.sin(px / 37 + (i / n) * 2.1) + Math.cos(py / 23);
        });
        regions.push({
          window: { x, y, width, height },
          grid: createGrid("float32", [K, height, width], { data, nodata: Number.NaN }),
        });
      }
    for (const r of regions) products.onRegion(r);
    expect(await products.finish()).toBe(quicklook);

    // The reference: every region classified, its classes sampled.
    const img = new QuicklookSampler(W, H, 3);
    img.add({ window: { x: 0, y: 0, width: W, height: H }, grid: image });
    const classes = new QuicklookSampler(W, H, 1);
    for (const r of regions) classes.add({ window: r.window, grid: classify(r.grid) });
    const reference = tmp("reference.png");
    await writeClassOverlay(reference, img.sample, classes.sample);
    const got = await pixels(quicklook);
    expect(got).toStrictEqual(await pixels(reference));
    // The classes show: class 0 is left clear, so drawing no classes changes the picture.
    const none = tmp("none.png");
    const [, oh, ow] = classes.sample.shape as [number, number, number];
    await writeClassOverlay(none, img.sample, createGrid("uint8", [1, oh, ow]));
    const plain = await pixels(none);
    expect(got.filter((v, i) => v !== plain[i]).length).toBeGreaterThan(got.length / 4);
    expect(new Set(classify(regions[0]?.grid as Grid).data)).toStrictEqual(new Set([0, 1, 2, 255]));
  });
});
