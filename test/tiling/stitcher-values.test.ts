/**
 * The stitcher's values against a blend computed pixel by pixel, in every layout its loops
 * specialise: planes, NHWC batch rows (four bands unrolled, other counts general), tiles with a
 * mask, and float and integer outputs.
 */
import { describe, expect, it } from "vitest";
import type { DType } from "../../src/grid/dtype.js";
import { planTiles, type TilePlan, type TileSpec } from "../../src/tiling/plan.js";
import { type Region, Stitcher, type TileValues } from "../../src/tiling/stitcher.js";
import { blendWindow } from "../../src/tiling/weights.js";

/** Tile `t`'s value of band `b` at frame pixel (x, y): different in every tile, so seams blend. */
const value = (t: TileSpec, b: number, x: number, y: number) =>
  Math.fround(Math.sin(t.id * 1.7 + b) * 3 + 0.01 * (x + 2 * y) + b);

/**
 * The masks: tile 5 (an interior tile) drops its first three frame columns and one row, which
 * its neighbours also cover; tile 0 drops frame pixels (3..4, 3..4), the raster's (0..1, 0..1),
 * which no other tile covers.
 */
const validOf = (t: TileSpec, x: number, y: number) =>
  !((t.id === 5 && (x < 3 || y === 4)) || (t.id === 0 && x >= 3 && x <= 4 && y >= 3 && y <= 4));

/** The stitched scene computed per pixel: float64 sums of w * v over the covering tiles, in plan order. */
function reference(plan: TilePlan, bands: number, dtype: DType, masked: boolean): Float64Array {
  const W = plan.width;
  const H = plan.height;
  const n = plan.tileSize + 2 * plan.overlap;
  const w = blendWindow("hann", n);
  const sum = new Float64Array(bands * W * H);
  const weight = new Float64Array(W * H);
  const covering = new Uint8Array(W * H);
  const only = new Float64Array(bands * W * H); // the value where one tile covers the pixel
  for (const t of plan.tiles())
    for (let fy = 0; fy < n; fy++)
      for (let fx = 0; fx < n; fx++) {
        const x = t.read.x + fx;
        const y = t.read.y + fy;
        if (x < 0 || y < 0 || x >= W || y >= H) continue;
        const p = y * W + x;
        covering[p] = (covering[p] as number) + 1;
        if (masked && !validOf(t, fx, fy)) continue;
        const k = (w[fy] as number) * (w[fx] as number);
        weight[p] = (weight[p] as number) + k;
        for (let b = 0; b < bands; b++) {
          sum[b * W * H + p] = (sum[b * W * H + p] as number) + k * value(t, b, fx, fy);
          only[b * W * H + p] = value(t, b, fx, fy);
        }
      }
  const out = new Float64Array(bands * W * H);
  for (let b = 0; b < bands; b++)
    for (let p = 0; p < W * H; p++) {
      const q = b * W * H + p;
      const v =
        weight[p] === 0
          ? Number.NaN
          : covering[p] === 1
            ? (only[q] as number)
            : (sum[q] as number) / (weight[p] as number);
      out[q] = dtype === "float32" ? Math.fround(v) : dtype === "uint8" ? Math.min(255, Math.max(0, Math.round(v))) : v;
    }
  return out;
}

/** Tile `t`'s prediction in a layout: planes, or row `row` of an NHWC batch of `rows`. */
function prediction(t: TileSpec, bands: number, nhwc: boolean): Float32Array | TileValues {
  const n = t.read.width;
  const row = 1;
  const data = new Float32Array((nhwc ? 3 : 1) * bands * n * n);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++)
      for (let b = 0; b < bands; b++)
        data[nhwc ? (row * n * n + y * n + x) * bands + b : b * n * n + y * n + x] = value(t, b, x, y);
  return nhwc ? { data, offset: row * n * n * bands, bandStride: 1, pixelStride: bands } : data;
}

/** The stitcher's scene for a layout, output dtype and masking. */
function stitched(plan: TilePlan, bands: number, nhwc: boolean, dtype: DType, masked: boolean): Float64Array {
  const st = new Stitcher(plan, { weights: "hann", dtype, nodata: dtype === "uint8" ? 255 : Number.NaN });
  const out = new Float64Array(bands * plan.width * plan.height).fill(-1);
  const put = (r: Region) => {
    const rn = r.window.width * r.window.height;
    for (let b = 0; b < bands; b++)
      for (let y = 0; y < r.window.height; y++)
        for (let x = 0; x < r.window.width; x++) {
          const v = r.grid.data[b * rn + y * r.window.width + x] as number;
          const p = b * plan.width * plan.height + (r.window.y + y) * plan.width + r.window.x + x;
          out[p] = dtype === "uint8" && v === 255 ? Number.NaN : v;
        }
  };
  for (const t of plan.tiles()) {
    const n = t.read.width;
    const valid = masked
      ? Uint8Array.from({ length: n * n }, (_, f) => (validOf(t, f % n, Math.floor(f / n)) ? 1 : 0))
      : null;
    for (const r of st.add(t, t.read, prediction(t, bands, nhwc), bands, valid)) put(r);
  }
  for (const r of st.finish()) put(r);
  return out;
}

describe("stitcher values", () => {
  // 4 x 3 tiles of 8 px with 3 px halos over 30 x 22: interiors, seams, corners and edge tiles.
  const plan = planTiles({ width: 30, height: 22, tileSize: 8, overlap: 3 });
  for (const bands of [1, 3, 4, 5])
    for (const nhwc of [false, true])
      for (const masked of [false, true])
        it(`${bands} band(s), ${nhwc ? "NHWC rows" : "planes"}${masked ? ", one tile masked" : ""}: the per-pixel blend, to the bit`, () => {
          expect(Array.from(stitched(plan, bands, nhwc, "float32", masked))).toStrictEqual(
            Array.from(reference(plan, bands, "float32", masked)),
          );
        });

  for (const dtype of ["float64", "uint8"] as const)
    it(`${dtype} output from four NHWC bands, one tile masked: the per-pixel blend`, () => {
      expect(Array.from(stitched(plan, 4, true, dtype, true))).toStrictEqual(
        Array.from(reference(plan, 4, dtype, true)),
      );
    });

  it.each([
    ["uint8", 255, 300, [0, 254]],
    ["uint8", 0, -40, [1, 255]],
    ["int16", -32768, -40000, [-32767, 32767]],
    ["uint16", 7, 70000, [0, 65535]], // nodata inside the range: the range stays whole
  ] as const)(
    "%s with nodata %i: valid values past the ends clamp to %j, never onto nodata",
    (dtype, nodata, far, range) => {
      // One tile of 4 x 4 over 4 x 4: values from -far to +far, and exactly the range's ends.
      const plan = planTiles({ width: 4, height: 4, tileSize: 4, overlap: 0 });
      const st = new Stitcher(plan, { weights: "hann", dtype, nodata });
      const [t] = [...plan.tiles()];
      const values = Float32Array.from({ length: 16 }, (_, i) => (i < 8 ? -far : far) * ((i % 4) / 3));
      values[14] = range[0];
      values[15] = range[1];
      const regions = [...st.add(t as TileSpec, (t as TileSpec).read, values, 1, null), ...st.finish()];
      const got = Array.from(regions[0]?.grid.data ?? []);
      const [lo, hi] = range;
      const want = Array.from(values, (v) => Math.min(hi, Math.max(lo, Math.round(v))) + 0); // + 0: no -0
      expect(got).toStrictEqual(want);
      expect(got).toContain(far > 0 ? hi : lo);
      const clamped = regions.reduce((c, r) => c + (r.clamped ?? 0), 0);
      expect(clamped).toBe(values.filter((v) => Math.round(v) < lo || Math.round(v) > hi).length);
      expect(clamped).toBeGreaterThan(0);
      if (nodata === lo - 1 || nodata === hi + 1) expect(got).not.toContain(nodata);
    },
  );

  for (const dtype of ["float32", "uint8"] as const)
    it(`${dtype}: a cell no valid tile covers is nodata in every band, and only those`, () => {
      const got = stitched(plan, 4, true, dtype, true);
      const n = plan.width * plan.height;
      const gaps = [0, 1, plan.width, plan.width + 1]; // the raster's (0..1, 0..1)
      for (let b = 0; b < 4; b++)
        for (let p = 0; p < n; p++) expect(Number.isNaN(got[b * n + p]), `band ${b}, cell ${p}`).toBe(gaps.includes(p));
    });

  it.each([
    ["uint8", 255, 255],
    ["int16", null, 0],
    ["float32", -9999, -9999],
    ["uint8 packed", 0, 0],
  ] as const)(
    "%s with nodata %s: a NaN prediction is nodata (masked without one) in its band alone, one tile or a seam",
    (name, nodata, stored) => {
      // 2 x 1 tiles of 4 px with a 1 px halo over 8 x 4: x 3..4 is a seam.
      const plan = planTiles({ width: 8, height: 4, tileSize: 4, overlap: 1 });
      const dtype = name.split(" ")[0] as DType;
      const packing = name.endsWith("packed") ? { scale: 0.5, offset: -1 } : undefined;
      const st = new Stitcher(plan, { weights: "hann", dtype, nodata, ...(packing ? { packing } : {}) });
      const nanAt = new Set(["0:1:1", "1:1:1", "1:2:3", "0:2:4"]); // band:y:x, in a core and at the seam
      const regions: Region[] = [];
      for (const t of plan.tiles()) {
        const n = t.read.width;
        const values = new Float32Array(2 * n * n);
        for (let b = 0; b < 2; b++)
          for (let y = 0; y < n; y++)
            for (let x = 0; x < n; x++) {
              const [gx, gy] = [t.read.x + x, t.read.y + y];
              values[b * n * n + y * n + x] = nanAt.has(`${b}:${gy}:${gx}`) ? Number.NaN : 3 + b;
            }
        regions.push(...st.add(t, t.read, values, 2, null));
      }
      regions.push(...st.finish());
      const seen = new Map<string, [number, number]>(); // band:y:x -> [value, mask]
      for (const r of regions) {
        const { width: w, height: h } = r.window;
        for (let b = 0; b < 2; b++)
          for (let y = 0; y < h; y++)
            for (let x = 0; x < w; x++) {
              const k = b * w * h + y * w + x;
              seen.set(`${b}:${r.window.y + y}:${r.window.x + x}`, [r.grid.data[k] as number, r.grid.mask?.[k] ?? 1]);
            }
      }
      expect(seen.size).toBe(64);
      const valid = (b: number) => (packing ? Math.round((3 + b - packing.offset) / packing.scale) : 3 + b);
      for (const [key, got] of seen) {
        const b = Number(key[0]);
        const want = nanAt.has(key) ? [stored, nodata === null ? 0 : 1] : [valid(b), 1];
        expect(got, key).toStrictEqual(want);
      }
    },
  );
});
