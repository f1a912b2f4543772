import { describe, expect, it } from "vitest";
import { augmentSample } from "../../src/augment/augment.js";
import { Rng } from "../../src/augment/rng.js";
import { fromSample, type Sample, toSample } from "../../src/augment/sample.js";
import { composeAffine, flipH, flipV, rot90, rotation, warpAffine } from "../../src/augment/warp.js";
import { createGrid } from "../../src/grid/grid.js";
import { augmentTile } from "../../src/stages/augment.js";
import type { Tile } from "../../src/stages/tile.js";

/** A 3 x 2 (w x h) image [[1,2,3],[4,5,6]] with a label [[0,1,2],[3,4,5]]. */
function small(): Sample {
  const image = createGrid("float32", [1, 2, 3], { data: Float32Array.from([1, 2, 3, 4, 5, 6]) });
  const label = createGrid("uint8", [1, 2, 3], { data: Uint8Array.from([0, 1, 2, 3, 4, 5]) });
  return toSample(image, label);
}

/** An n x n single-band image with value 100*y + x and a matching label y*n + x. */
function square(n: number): Sample {
  const image = createGrid("float32", [1, n, n], {
    data: Float32Array.from({ length: n * n }, (_, i) => 100 * Math.floor(i / n) + (i % n)),
  });
  const label = createGrid("uint16", [1, n, n], { data: Uint16Array.from({ length: n * n }, (_, i) => i) });
  return toSample(image, label);
}

const arr = (a: ArrayLike<number>) => Array.from(a);

describe("exact transforms", () => {
  it("flips move image and label together", () => {
    expect(arr(flipH(small()).image)).toStrictEqual([3, 2, 1, 6, 5, 4]);
    expect(arr(flipH(small()).label?.data ?? [])).toStrictEqual([2, 1, 0, 5, 4, 3]);
    expect(arr(flipV(small()).image)).toStrictEqual([4, 5, 6, 1, 2, 3]);
  });

  it("quarter turns are numpy's rot90 (counter-clockwise), and four make the identity", () => {
    const r1 = rot90(small(), 1);
    expect([r1.w, r1.h]).toStrictEqual([2, 3]);
    expect(arr(r1.image)).toStrictEqual([3, 6, 2, 5, 1, 4]); // np.rot90([[1,2,3],[4,5,6]])
    expect(arr(rot90(small(), 2).image)).toStrictEqual([6, 5, 4, 3, 2, 1]);
    expect(arr(rot90(small(), 3).image)).toStrictEqual([4, 1, 5, 2, 6, 3]);
    expect(arr(rot90(rot90(r1, 2), 1).image)).toStrictEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe("resampled transforms", () => {
  it("a 90-degree rotation through the affine path equals rot90", () => {
    const s = square(5);
    const a = warpAffine(s, rotation(90));
    const b = rot90(s, 1);
    a.image.forEach((v, i) => expect(v).toBeCloseTo(b.image[i] as number, 4));
    expect(arr(a.label?.data ?? [])).toStrictEqual(arr(b.label?.data ?? []));
    expect(a.valid.every((v) => v === 1)).toBe(true);
  });

  it("a 45-degree rotation marks corners brought in from outside as nodata, keeps the centre", () => {
    const s = square(9);
    const r = warpAffine(s, rotation(45));
    expect(r.valid[0]).toBe(0); // top-left corner maps outside the tile
    expect(r.valid[4 * 9 + 4]).toBe(1);
    expect(r.image[4 * 9 + 4]).toBeCloseTo(404, 4); // the centre stays put
    const { image, label } = fromSample(r, createGrid("float32", [1, 9, 9], { nodata: -1 }));
    expect(image.data[0]).toBe(-1);
    expect(image.mask?.[0]).toBe(0);
    expect(label?.mask?.[0]).toBe(0); // the label has no nodata value: masked
  });

  it("scaling by 2 about the centre samples half-way between input pixels", () => {
    const s = square(5);
    const z = warpAffine(s, { a: 2, b: 0, c: 0, d: 2, tx: 0, ty: 0 });
    // Output (3, 2) maps to input (2.5, 2): bilinear mean of 202 and 203.
    expect(z.image[2 * 5 + 3]).toBeCloseTo(202.5, 4);
    expect(z.label?.data[2 * 5 + 3]).toBe(2 * 5 + 3); // nearest: round(2.5) = 3 (ties to +inf)
  });

  it("translation by whole pixels shifts values and invalidates the strip brought in", () => {
    const t = warpAffine(square(4), { a: 1, b: 0, c: 0, d: 1, tx: 1, ty: 0 });
    expect(arr(t.image.slice(0, 4))).toStrictEqual([0, 0, 1, 2]);
    expect(arr(t.valid.slice(0, 4))).toStrictEqual([0, 1, 1, 1]);
  });

  it("composition applies the first map, then the second", () => {
    const m = composeAffine(rotation(30), rotation(60));
    const r = rotation(90);
    for (const k of ["a", "b", "c", "d"] as const) expect(m[k]).toBeCloseTo(r[k], 12);
  });

  it("shear keeps the centre row and tilts the others", () => {
    const s = square(5);
    const o = warpAffine(s, { a: 1, b: 0.5, c: 0, d: 1, tx: 0, ty: 0 }); // x' = x + 0.5 (y - 2)
    expect(arr(o.image.slice(10, 15))).toStrictEqual([200, 201, 202, 203, 204]);
    expect(o.image[2]).toBe(3); // output (2, 0) comes from input (3, 0)
    expect(o.image[4 * 5 + 2]).toBe(401);
    expect(augmentSample(s, { shear: { degrees: 30 } }, new Rng(3)).image).not.toStrictEqual(s.image);
  });

  it("elastic distortion with alpha 0 is the identity; with alpha > 0 it moves pixels by about alpha", () => {
    const s = square(16);
    expect(arr(augmentSample(s, { elastic: { alpha: 0, sigma: 3 } }, new Rng(1)).image)).toStrictEqual(arr(s.image));
    const e = augmentSample(s, { elastic: { alpha: 4, sigma: 2 } }, new Rng(1));
    let moved = 0;
    for (let i = 0; i < 256; i++)
      if (e.valid[i] && Math.abs((e.image[i] as number) - (s.image[i] as number)) > 0.01) moved++;
    expect(moved).toBeGreaterThan(100);
  });
});

describe("intensity transforms and cutout", () => {
  it("noise has the requested standard deviation; brightness shifts; contrast scales about the mean", () => {
    const flat = toSample(createGrid("float32", [1, 100, 100], { data: new Float32Array(10000).fill(5) }));
    const noisy = augmentSample(flat, { noise: { std: 2 } }, new Rng(9));
    const d = arr(noisy.image).map((v) => v - 5);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(sd).toBeGreaterThan(1.9);
    expect(sd).toBeLessThan(2.1);
    const bright = augmentSample(flat, { brightness: { delta: 3 } }, new Rng(2));
    expect(new Set(arr(bright.image)).size).toBe(1);
    expect(Math.abs((bright.image[0] as number) - 5)).toBeLessThanOrEqual(3);
    const c = augmentSample(small(), { contrast: { min: 2, max: 2 } }, new Rng(1));
    expect(arr(c.image)).toStrictEqual([-1.5, 0.5, 2.5, 4.5, 6.5, 8.5]); // mean 3.5, doubled spread
    const g = augmentSample(small(), { gamma: { min: 2, max: 2 } }, new Rng(1));
    expect(arr(g.image)).toStrictEqual([
      1, 1.2000000476837158, 1.7999999523162842, 2.799999952316284, 4.199999809265137, 6,
    ]);
  });

  it("intensity edits leave nodata pixels alone and never touch the label", () => {
    const image = createGrid("float32", [1, 1, 3], { data: Float32Array.from([1, -9, 3]), nodata: -9 });
    const label = createGrid("uint8", [1, 1, 3], { data: Uint8Array.from([7, 8, 9]) });
    const o = augmentSample(toSample(image, label), { brightness: { delta: 1 }, noise: { std: 1 } }, new Rng(4));
    expect(o.image[1]).toBe(-9);
    expect(arr(o.label?.data ?? [])).toStrictEqual([7, 8, 9]);
  });

  it("cutout fills squares in the image only", () => {
    const o = augmentSample(square(8), { cutout: { size: 3, count: 1, fill: -1 } }, new Rng(5));
    expect(arr(o.image).filter((v) => v === -1)).toHaveLength(9);
    expect(o.valid.every((v) => v === 1)).toBe(true);
  });

  it("random crops have the requested size and come from inside the tile", () => {
    const o = augmentSample(square(10), { crop: { size: 4 } }, new Rng(8));
    expect([o.w, o.h, o.image.length]).toStrictEqual([4, 4, 16]);
    const x0 = (o.image[0] as number) % 100;
    const y0 = Math.floor((o.image[0] as number) / 100);
    expect(o.image[15]).toBe(100 * (y0 + 3) + x0 + 3);
  });
});

describe("seeding", () => {
  const opts = { seed: 11, hflip: { p: 0.5 }, rotate: { p: 0.8, degrees: 40 }, noise: { std: 1 } };
  const tile = (id: number): Tile => ({
    spec: { id, col: 0, row: 0, core: { x: 0, y: 0, width: 8, height: 8 }, read: { x: 0, y: 0, width: 8, height: 8 } },
    grid: createGrid("float32", [1, 8, 8], { data: Float32Array.from({ length: 64 }, (_, i) => i) }),
    window: { x: 0, y: 0, width: 8, height: 8 },
    release() {},
  });

  it("the same seed and tile give the same result; another seed, epoch or tile does not", () => {
    const a = arr(augmentTile(tile(3), opts).grid.data);
    expect(arr(augmentTile(tile(3), opts).grid.data)).toStrictEqual(a);
    expect(arr(augmentTile(tile(3), { ...opts, seed: 12 }).grid.data)).not.toStrictEqual(a);
    expect(arr(augmentTile(tile(3), { ...opts, epoch: 1 }).grid.data)).not.toStrictEqual(a);
    expect(arr(augmentTile(tile(4), opts).grid.data)).not.toStrictEqual(a);
  });

  it("probabilities are honoured: p = 0.5 flips about half the tiles", () => {
    let flipped = 0;
    for (let id = 0; id < 400; id++) {
      const out = augmentTile(tile(id), { seed: 1, hflip: { p: 0.5 } }).grid.data;
      if (out[0] === 7) flipped++;
    }
    expect(flipped).toBeGreaterThan(160);
    expect(flipped).toBeLessThan(240);
  });
});
