import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { lastValueFrom } from "rxjs";
import { describe, expect, it } from "vitest";
import { createGrid } from "../../src/grid/grid.js";
import { openGeoTiff } from "../../src/io/geotiff/reader.js";
import { createGeoTiffSink } from "../../src/io/geotiff/writer.js";
import { batch } from "../../src/stages/batch.js";
import { predict } from "../../src/stages/predict.js";
import { readTiles } from "../../src/stages/read-tiles.js";
import { stitch } from "../../src/stages/stitch.js";
import { write } from "../../src/stages/write.js";
import { type EdgePolicy, planTiles, type TilePlan, type TileSpec } from "../../src/tiling/plan.js";
import { type Region, Stitcher } from "../../src/tiling/stitcher.js";
import type { BlendWeights } from "../../src/tiling/weights.js";
import { tmp, writeWhole } from "../helpers/write.js";

/** A smooth, x-periodic float32 field f(x, y) over W x H, two bands. */
function field(W: number, H: number): Float32Array {
  return Float32Array.from({ length: 2 * W * H }, (_, i) => {
    const b = Math.floor(i / (W * H));
    const x = i % W;
    const y = Math.floor(i / W) % H;
    return Math.sin((2 * Math.PI * x) / W) * (1 + b) + Math.cos(y / 9) + 0.001 * x * y;
  });
}

async function fieldTiff(W: number, H: number): Promise<string> {
  const path = tmp("field.tif");
  await writeWhole(path, createGrid("float32", [2, H, W], { data: field(W, H), nodata: Number.NaN }), { tileSize: 32 });
  return path;
}

/** Run read -> batch -> identity -> stitch -> write and return the written pixels. */
async function roundTrip(path: string, plan: TilePlan, weights: BlendWeights): Promise<Float32Array> {
  const src = await openGeoTiff(path);
  const out = tmp("stitched.tif");
  const sink = await createGeoTiffSink(out, src.meta, { tileSize: 32 });
  await lastValueFrom(
    readTiles(src, plan, { concurrency: 6 }).pipe(
      batch(3),
      predict((x) => x.clone()),
      stitch(plan, { weights }),
      write(sink),
    ),
  );
  await src.close();
  const back = await openGeoTiff(out);
  const g = await back.readWindow({ x: 0, y: 0, width: plan.width, height: plan.height });
  await back.close();
  return g.data as Float32Array;
}

/** Stitch tiles whose prediction is a per-tile constant; return the output band. */
function stitchConstants(plan: TilePlan, weights: BlendWeights, value: (id: number) => number): Float32Array {
  const st = new Stitcher(plan, { weights });
  const out = new Float32Array(plan.width * plan.height);
  const put = (r: Region) => {
    for (let y = 0; y < r.window.height; y++)
      for (let x = 0; x < r.window.width; x++)
        out[(r.window.y + y) * plan.width + r.window.x + x] = r.grid.data[y * r.window.width + x] as number;
  };
  for (const t of plan.tiles()) {
    const n = t.read.width * t.read.height;
    for (const r of st.add(t, t.read, new Float32Array(n).fill(value(t.id)), 1, null)) put(r);
  }
  for (const r of st.finish()) put(r);
  return out;
}

/** Largest |f(x+1) - f(x)| over columns x where `at(x)` holds. */
function maxStep(a: Float32Array, W: number, H: number, at: (x: number) => boolean): number {
  let m = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W - 1; x++)
      if (at(x)) m = Math.max(m, Math.abs((a[y * W + x + 1] as number) - (a[y * W + x] as number)));
  return m;
}

describe("stitching", () => {
  const cases: [number, number, EdgePolicy, boolean, BlendWeights][] = [
    [16, 0, "pad", false, "hann"],
    [16, 4, "pad", false, "hann"],
    [20, 6, "shift", false, "linear"],
    [24, 5, "pad", true, "hann"],
    [32, 8, "pad", false, "uniform"],
    [16, 4, "shift", false, "crop"],
  ];
  for (const [N, M, edge, periodicX, weights] of cases) {
    const stripeGuests = !periodicX && M > 0;
    it(`identity predictions reproduce the input exactly (${N} px, halo ${M}, ${edge}, ${weights}${periodicX ? ", periodic" : ""})`, async () => {
      const W = 90;
      const H = 70;
      const path = await fieldTiff(W, H);
      const plan = planTiles({
        width: W,
        height: H,
        tileSize: N,
        overlap: M,
        edge,
        periodicX,
        stripeWidth: 40,
        stripeGuests,
      });
      const before = tf.memory().numTensors;
      const got = await roundTrip(path, plan, weights);
      expect(tf.memory().numTensors).toBe(before);
      expect(Array.from(got)).toStrictEqual(Array.from(field(W, H)));
    });
  }

  it("stripe guests: seams between stripes blend exactly as without stripes, and nothing waits between stripes", () => {
    const W = 160;
    const H = 48;
    const bias = (id: number) => (id * 37) % 5;
    const whole = stitchConstants(
      planTiles({ width: W, height: H, tileSize: 16, overlap: 4, stripeWidth: 1000 }),
      "hann",
      bias,
    );
    const guestPlan = planTiles({ width: W, height: H, tileSize: 16, overlap: 4, stripeWidth: 48, stripeGuests: true });
    const striped = stitchConstants(guestPlan, "hann", bias);
    for (let i = 0; i < W * H; i++) expect(striped[i]).toBeCloseTo(whole[i] as number, 5);
    // After each stripe, every region of it has been emitted.
    const st = new Stitcher(guestPlan, { weights: "hann" });
    let lastClip = -1;
    for (const t of guestPlan.tiles()) {
      if (t.clip && t.clip.x !== lastClip) {
        expect(st.openRegions).toBe(0);
        lastClip = t.clip.x;
      }
      st.add(t, t.read, new Float32Array(24 * 24), 1, null);
    }
    expect(st.openRegions).toBe(0);
    expect([...guestPlan.tiles()].filter((t) => t.guest)).toHaveLength(2 * 3 * 3); // 2 per boundary, 3 boundaries, 3 rows
  });

  it("blending leaves no seam where neighbouring tiles disagree; cropping does", () => {
    const W = 128;
    const plan = planTiles({ width: W, height: 64, tileSize: 32, overlap: 8 });
    const bias = (id: number) => (id * 37) % 5; // per-tile offsets 0..4
    const border = (x: number) => x % 32 === 31;
    const cropped = stitchConstants(plan, "crop", bias);
    const blended = stitchConstants(plan, "hann", bias);
    expect(maxStep(cropped, W, 64, border)).toBeGreaterThanOrEqual(2);
    // Hann spreads each jump over the 16 px overlap: the steepest step is ~pi/16 of the jump.
    expect(maxStep(blended, W, 64, () => true)).toBeLessThan(0.25 * 4);
    expect(maxStep(blended, W, 64, border)).toBeLessThan(maxStep(cropped, W, 64, border) / 3);
  });

  it("on a periodic grid the antimeridian is a seam like any other", () => {
    const W = 96;
    const plan = planTiles({ width: W, height: 32, tileSize: 32, overlap: 8, periodicX: true });
    const out = stitchConstants(plan, "hann", (id) => (id % 3 === 2 ? 3 : 0));
    let step = 0;
    for (let y = 0; y < 32; y++)
      step = Math.max(step, Math.abs((out[y * W] as number) - (out[y * W + W - 1] as number)));
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(0.25 * 3);
    // Both sides of the antimeridian are blends of the first and last tiles.
    expect(out[0]).toBeGreaterThan(0);
    expect(out[W - 1]).toBeLessThan(3);
  });

  it("empty tiles and pixels outside every tile ('drop') come out as nodata", () => {
    const plan = planTiles({ width: 40, height: 20, tileSize: 16, overlap: 2, edge: "drop" });
    const st = new Stitcher(plan, { weights: "crop", dtype: "uint8", nodata: 255 });
    const regions: Region[] = [];
    for (const t of plan.tiles()) {
      if (t.id === 0) regions.push(...st.addEmpty(t));
      else regions.push(...st.add(t, t.read, new Float32Array(20 * 20).fill(7.6), 1, null));
    }
    regions.push(...st.finish());
    const px = (x: number, y: number) => {
      const r = regions.find(
        (g) =>
          x >= g.window.x && x < g.window.x + g.window.width && y >= g.window.y && y < g.window.y + g.window.height,
      );
      return r?.grid.data[(y - (r?.window.y ?? 0)) * (r?.window.width ?? 0) + x - (r?.window.x ?? 0)];
    };
    expect([px(3, 3), px(20, 3), px(35, 3), px(3, 18)]).toStrictEqual([255, 8, 255, 255]);
    const covered = regions.reduce((a, r) => a + r.window.width * r.window.height, 0);
    expect(covered).toBe(40 * 20); // every pixel once
  });

  it("invalid pixels add nothing at seams; NHWC rows stitch like planes", () => {
    // Two tiles side by side, 8 px overlap: tile 0 says (10, 20) and is invalid on its last column,
    // holding a bogus 1000 there; tile 1 says (30, 40), given as one row of an NHWC batch.
    const plan = planTiles({ width: 32, height: 16, tileSize: 16, overlap: 4, edge: "drop" });
    const [t0, t1] = [...plan.tiles()] as [TileSpec, TileSpec];
    const n = t0.read.width * t0.read.height;
    const st = new Stitcher(plan, { weights: "hann" });
    const planes = new Float32Array(2 * n);
    const valid = new Uint8Array(n).fill(1);
    for (let f = 0; f < n; f++) {
      const last = f % t0.read.width === t0.read.width - 1;
      planes[f] = last ? 1000 : 10;
      planes[n + f] = last ? 1000 : 20;
      if (last) valid[f] = 0;
    }
    const nhwc = new Float32Array(3 * 2 * n); // the tile is the batch's second row
    for (let f = 0; f < n; f++) nhwc.set([30, 40], 2 * n + 2 * f);
    const regions = [
      ...st.add(t0, t0.read, planes, 2, valid),
      ...st.add(t1, t1.read, { data: nhwc, offset: 2 * n, bandStride: 1, pixelStride: 2 }, 2, null),
      ...st.finish(),
    ];
    const at = (x: number, y: number, b: number) => {
      const r = regions.find(
        (g) =>
          x >= g.window.x && x < g.window.x + g.window.width && y >= g.window.y && y < g.window.y + g.window.height,
      ) as Region;
      const rn = r.window.width * r.window.height;
      return r.grid.data[b * rn + (y - r.window.y) * r.window.width + x - r.window.x] as number;
    };
    const seamEnd = t0.read.x + t0.read.width - 1; // tile 0's invalid column, inside tile 1
    expect([at(seamEnd, 5, 0), at(seamEnd, 5, 1)]).toStrictEqual([30, 40]);
    expect([at(2, 5, 0), at(2, 5, 1)]).toStrictEqual([10, 20]); // tile 0 alone
    expect([at(31, 5, 0), at(31, 5, 1)]).toStrictEqual([30, 40]); // tile 1 alone
    // Inside the seam both count, by their Hann weights: strictly between the two.
    const mid = at(seamEnd - 3, 5, 0);
    expect(mid).toBeGreaterThan(10);
    expect(mid).toBeLessThan(30);
    expect(at(seamEnd - 3, 5, 1) - mid).toBeCloseTo(10, 4); // band 1 is band 0 + 10 in both tiles
  });

  it("holds a band of tiles, not the scene: open regions do not grow with the width", () => {
    const peak = (W: number) => {
      const plan = planTiles({ width: W, height: 1024, tileSize: 64, overlap: 8, stripeWidth: 1024 });
      const st = new Stitcher(plan, { weights: "hann" });
      const values = new Float32Array(80 * 80);
      let open = 0;
      for (const t of plan.tiles()) {
        st.add(t, t.read, values, 1, null);
        open = Math.max(open, st.openRegions);
      }
      st.finish();
      return open;
    };
    const narrow = peak(1024);
    expect(peak(8192)).toBeLessThanOrEqual(narrow * 1.1 + 64); // + the seam column shared between stripes
  });

  it("a failure mid-stream disposes tensors and leaves no output", async () => {
    const path = await fieldTiff(64, 64);
    const src = await openGeoTiff(path);
    const out = tmp("failed.tif");
    const sink = await createGeoTiffSink(out, src.meta, { tileSize: 32 });
    const plan = planTiles({ width: 64, height: 64, tileSize: 16, overlap: 4 });
    const before = tf.memory().numTensors;
    let n = 0;
    const run = readTiles(src, plan, { concurrency: 4 }).pipe(
      batch(2),
      predict((x) => {
        if (++n === 3) throw new Error("model crashed");
        return x.mul(2);
      }),
      stitch(plan),
      write(sink),
    );
    await expect(lastValueFrom(run)).rejects.toThrow("model crashed");
    await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(dirname(out))).toStrictEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    await src.close();
  });
});
