import { describe, expect, it } from "vitest";
import type { DType } from "../../../src/grid/dtype.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { expected, fixture, H, isNodataCell, W } from "../../helpers/pattern.js";

const FULL = { x: 0, y: 0, width: W, height: H };

/** Fixtures that hold the exact pattern, with what they exercise. */
const EXACT: [name: string, dtype: DType, bands: number, props: Record<string, unknown>][] = [
  ["u8.none.strip.1b.tif", "uint8", 1, { compression: "none", tiled: false, blockHeight: 5 }],
  ["i8.deflate.tiled.1b.tif", "int8", 1, { compression: "deflate", predictor: 1 }],
  ["u16.deflate.pred2.tiled.3b.tif", "uint16", 3, { predictor: 2, interleave: "pixel" }],
  ["i16.lzw.pred2.tiled.band.2b.tif", "int16", 2, { compression: "lzw", interleave: "band" }],
  ["u32.packbits.strip.1b.tif", "uint32", 1, { compression: "packbits", blockHeight: 7 }],
  ["i32.zstd.pred2.tiled.2b.tif", "int32", 2, { compression: "zstd", predictor: 2 }],
  ["f64.deflate.pred3.tiled.1b.tif", "float64", 1, { predictor: 3 }],
  ["f32.lerc.tiled.1b.tif", "float32", 1, { compression: "lerc" }],
  ["f32.none.strip.1b.bigendian.tif", "float32", 1, { littleEndian: false }],
  ["u16.deflate.pred2.tiled.1b.bigendian.tif", "uint16", 1, { littleEndian: false, predictor: 2 }],
  ["i16.deflate.tiled.1b.bigtiff.tif", "int16", 1, { bigTiff: true }],
  ["f32.none.tiled.1b.rotated.tif", "float32", 1, { compression: "none" }],
  ["u8.webp.tiled.3b.tif", "uint8", 3, { compression: "webp" }],
  ["u8.lzma.tiled.1b.tif", "uint8", 1, { compression: "lzma" }],
];

describe("GeoTIFF reader: every compression, layout and dtype, pixel by pixel", () => {
  it.each(EXACT)("%s", async (name, dtype, bands, props) => {
    const src = await openGeoTiff(fixture(name));
    expect(src.meta).toMatchObject({ width: W, height: H, bands, dtype, ...props });
    const g = await src.readWindow(FULL);
    expect(g.shape).toStrictEqual([bands, H, W]);
    const want = new Array<number>(g.data.length);
    for (let b = 0; b < bands; b++)
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) want[(b * H + y) * W + x] = expected(dtype, b, y, x);
    expect(Array.from(g.data)).toStrictEqual(want);
    await src.close();
  });

  it("reads any subset and order of a pixel-interleaved file's bands as those bands read one at a time", async () => {
    // 2, 3 and 4 bands take a one-pass copy; one band alone goes through the per-band copy.
    const cases: [string, number[][]][] = [
      [
        fixture("u16.deflate.pred2.tiled.3b.tif"),
        [
          [2, 0],
          [1, 2, 0],
          [0, 1, 2],
          [2, 2],
        ],
      ],
      [
        "fixtures/demo/scene.s2like.u16.4b.tif",
        [
          [3, 0, 2, 1],
          [0, 1, 2, 3],
          [3, 1],
          [1, 3, 0],
        ],
      ],
    ];
    for (const [path, subsets] of cases) {
      const src = await openGeoTiff(path);
      expect(src.meta.interleave).toBe("pixel");
      // A window across block edges and past the raster's right and bottom edges.
      const w = { x: src.meta.width - 37, y: src.meta.height - 29, width: 45, height: 33 };
      const one = await Promise.all(
        Array.from({ length: src.meta.bands }, (_, b) => src.readWindow(w, { bands: [b] })),
      );
      const plane = w.width * w.height;
      for (const bands of subsets) {
        const g = await src.readWindow(w, { bands });
        expect(g.shape).toStrictEqual([bands.length, w.height, w.width]);
        bands.forEach((b, i) => {
          expect(Array.from(g.data.subarray(i * plane, (i + 1) * plane)), `${path} bands ${bands}`).toStrictEqual(
            Array.from((one[b] as (typeof one)[0]).data),
          );
          expect(g.mask?.subarray(i * plane, (i + 1) * plane)).toStrictEqual(
            (one[b] as (typeof one)[0]).mask ?? undefined,
          );
        });
      }
      await src.close();
    }
  });

  it("reads nodata fixtures: NaN and a huge negative sentinel, cells in place", async () => {
    for (const [name, nodata] of [
      ["f32.deflate.pred3.tiled.2b.nodata-nan.tif", Number.NaN],
      ["f32.deflate.tiled.1b.nodata-neg3e38.tif", -3.4028234663852886e38],
    ] as const) {
      const src = await openGeoTiff(fixture(name));
      expect(src.meta.nodata).toStrictEqual(nodata);
      const g = await src.readWindow(FULL);
      for (let b = 0; b < src.meta.bands; b++) {
        for (let y = 0; y < H; y++) {
          for (let x = 0; x < W; x++) {
            const v = g.data[(b * H + y) * W + x] as number;
            if (isNodataCell(y, x)) expect(v).toStrictEqual(Math.fround(nodata));
            else expect(v).toBe(expected("float32", b, y, x));
          }
        }
      }
      await src.close();
    }
  });

  it("reads windows that straddle tiles and strips, with band subsets", async () => {
    for (const name of ["u16.deflate.pred2.tiled.3b.tif", "i16.lzw.pred2.tiled.band.2b.tif", "u8.none.strip.1b.tif"]) {
      const src = await openGeoTiff(fixture(name));
      const w = { x: 13, y: 4, width: 21, height: 17 }; // crosses tile and strip borders
      const bands = src.meta.bands > 1 ? [src.meta.bands - 1, 0] : [0];
      const g = await src.readWindow(w, { bands });
      expect(g.shape).toStrictEqual([bands.length, 17, 21]);
      bands.forEach((b, i) => {
        for (let y = 0; y < w.height; y++)
          for (let x = 0; x < w.width; x++) {
            expect(g.data[(i * w.height + y) * w.width + x]).toBe(expected(src.meta.dtype, b, w.y + y, w.x + x));
          }
      });
      expect(g.georef?.transform[0]).toBe(
        (src.meta.georef?.transform[0] ?? 0) + 13 * (src.meta.georef?.transform[1] ?? 0),
      );
      await src.close();
    }
  });

  it("pads windows past the edge with nodata, or masks them when there is none", async () => {
    const withNodata = await openGeoTiff(fixture("f32.deflate.pred3.tiled.2b.nodata-nan.tif"));
    const a = await withNodata.readWindow({ x: W - 2, y: -1, width: 4, height: 3 }, { bands: [1] });
    expect(a.mask).toBeNull();
    expect(Number.isNaN(a.data[0] as number)).toBe(true); // row -1
    expect(a.data[4 + 0]).toBe(expected("float32", 1, 0, W - 2));
    expect(Number.isNaN(a.data[4 + 2] as number)).toBe(true); // column W
    const noNodata = await openGeoTiff(fixture("u8.none.strip.1b.tif"));
    const b = await noNodata.readWindow({ x: -1, y: 0, width: 2, height: 1 });
    expect(Array.from(b.data)).toStrictEqual([0, expected("uint8", 0, 0, 0)]);
    expect(Array.from(b.mask ?? [])).toStrictEqual([0, 1]);
    await withNodata.close();
    await noNodata.close();
  });

  it("decodes JPEG within the codec's rounding of the original", async () => {
    const src = await openGeoTiff(fixture("u8.jpeg.tiled.1b.tif"));
    const g = await src.readWindow(FULL);
    let maxErr = 0;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        maxErr = Math.max(maxErr, Math.abs((g.data[y * W + x] as number) - expected("uint8", 0, y, x)));
    expect(maxErr).toBeGreaterThan(0); // lossy: not the same bytes
    expect(maxErr).toBeLessThan(40); // but the same picture at quality 90 on a sawtooth
    await src.close();
  });

  it("reports band names, scale/offset, overviews and PixelIsPoint", async () => {
    const rgb = await openGeoTiff(fixture("u16.deflate.pred2.tiled.3b.tif"));
    expect(rgb.meta.attrs.bandNames).toStrictEqual(["red", "green", "blue"]);
    const so = await openGeoTiff(fixture("i16.lzw.pred2.tiled.band.2b.tif"));
    expect(so.meta.attrs.scale).toStrictEqual([0.01, 0.5]);
    expect(so.meta.attrs.offset).toStrictEqual([273.15, -1]);
    const ov = await openGeoTiff(fixture("u16.deflate.tiled.1b.overviews.tif"));
    expect(ov.meta.overviews).toStrictEqual([
      { width: 20, height: 12 },
      { width: 10, height: 6 },
    ]);
    const pt = await openGeoTiff(fixture("u8.none.tiled.1b.point.tif"));
    expect(pt.meta.georef?.rasterType).toBe("point");
    expect(pt.meta.georef?.transform).toStrictEqual([500000, 10, 0, 4600000, 0, -10]);
    for (const s of [rgb, so, ov, pt]) await s.close();
  });
});
