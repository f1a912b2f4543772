/**
 * GDAL's other mask sources, beside the internal mask (`internal-mask.test.ts`): an alpha band
 * (ExtraSamples: the other bands are invalid where it is 0, as GDAL's mask of an RGBA image says)
 * and an external `<file>.msk`. Validity must equal GDAL's `GetMaskBand()`, window by window.
 */
import { describe, expect, it } from "vitest";
import { validMask } from "../../../src/grid/grid.js";
import { describeRaster } from "../../../src/io/geotiff/inspect.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const W = 75;
const H = 52;

/** The validity pattern: 0 on a left collar of 6 columns, a bottom band of 5 rows, and cell (20, 10). */
const PATTERN = `m = np.full((${H}, ${W}), 255, np.uint8)
m[:, :6] = 0
m[${H - 5}:, :] = 0
m[10, 20] = 0
m[11, 20] = 128`;

/** GDAL's mask of each band of `path` (0 to 255, rows of W) and its mask flags. */
function gdalMasks(path: string): { flags: number[]; masks: number[][][] } {
  return py(`r = gdal.Open(${JSON.stringify(path)})
bands = [r.GetRasterBand(i + 1) for i in range(r.RasterCount)]
print(json.dumps({"flags": [b.GetMaskFlags() for b in bands], "masks": [b.GetMaskBand().ReadAsArray().tolist() for b in bands]}))`);
}

const WINDOWS = [
  { x: 0, y: 0, width: W, height: H },
  { x: 3, y: 4, width: 30, height: 20 },
  { x: -5, y: 40, width: 30, height: 20 },
];

/** Read `bands` of `path` window by window; each band's validity must be GDAL's mask of it. */
async function expectGdalValidity(path: string, bands: number[], masks: number[][][]) {
  const src = await openGeoTiff(path);
  try {
    for (const w of WINDOWS) {
      const valid = validMask(await src.readWindow(w, { bands }));
      const plane = w.width * w.height;
      bands.forEach((b, i) => {
        for (let y = 0; y < w.height; y++)
          for (let x = 0; x < w.width; x++) {
            const [sx, sy] = [w.x + x, w.y + y];
            const inside = sx >= 0 && sy >= 0 && sx < W && sy < H;
            const want = inside && (masks[b]?.[sy]?.[sx] ?? 0) !== 0;
            if ((valid[i * plane + y * w.width + x] === 1) !== want)
              throw new Error(`band ${b} cell (${sx}, ${sy}) of ${JSON.stringify(w)}: valid should be ${want}`);
          }
      });
    }
  } finally {
    await src.close();
  }
}

describe.skipIf(!hasGdal)("alpha bands and external masks", () => {
  for (const interleave of ["PIXEL", "BAND"])
    it(`an RGBA image (${interleave} interleaved): the colour bands are invalid where alpha is 0, alpha itself is data`, async () => {
      const path = tmp(`rgba-${interleave}.tif`);
      py(`ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, ${W}, ${H}, 4, gdal.GDT_Byte,
    ["ALPHA=YES", "PHOTOMETRIC=RGB", "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE", "INTERLEAVE=${interleave}"])
for b in range(3):
    ds.GetRasterBand(b + 1).WriteArray((np.arange(${W * H}).reshape(${H}, ${W}) * (b + 2) % 250).astype(np.uint8))
${PATTERN}
ds.GetRasterBand(4).WriteArray(m)
ds = None
print(1)`);
      const { flags, masks } = gdalMasks(path);
      expect(flags).toStrictEqual([6, 6, 6, 1]); // GMF_ALPHA | GMF_PER_DATASET; the alpha band all valid
      const src = await openGeoTiff(path);
      expect(src.meta.alphaBand).toBe(3);
      await src.close();
      await expectGdalValidity(path, [0, 1, 2, 3], masks);
      await expectGdalValidity(path, [2, 0], masks); // without the alpha band in the read
      await expectGdalValidity(path, [3], masks);
    });

  // GDAL's rule: gray + alpha and RGB + alpha, 8 or 16 bits, without nodata; elsewhere alpha is data.
  const rules: [string, number, string, string[], number, number[]][] = [
    ["gray + alpha", 2, "Byte", [], 1, [6, 1]],
    ["red, green, alpha (3 bands)", 3, "Byte", [], 2, [1, 1, 1]],
    ["alpha as band 5 of 5", 5, "UInt16", [], 4, [1, 1, 1, 1, 1]],
    ["RGBA float32", 4, "Float32", ["PHOTOMETRIC=RGB"], 3, [1, 1, 1, 1]],
    ["RGBA uint16 with nodata", 4, "UInt16", ["PHOTOMETRIC=RGB", "NODATA"], 3, [8, 8, 8, 8]],
  ];
  for (const [label, bands, type, options, alphaAt, wantFlags] of rules)
    it(`${label}: validity follows GDAL's mask (flags ${wantFlags.join(", ")})`, async () => {
      const path = tmp(`alpha-${label.replace(/\W+/g, "-")}.tif`);
      const creation = options.filter((o) => o !== "NODATA");
      py(`ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, ${W}, ${H}, ${bands}, gdal.GDT_${type}, ${JSON.stringify(creation)})
ds.GetRasterBand(${alphaAt + 1}).SetColorInterpretation(gdal.GCI_AlphaBand)
${PATTERN}
for i in range(${bands}):
    ds.GetRasterBand(i + 1).WriteArray(m if i == ${alphaAt} else np.full((${H}, ${W}), 7))
    if ${options.includes("NODATA") ? "True" : "False"}: ds.GetRasterBand(i + 1).SetNoDataValue(3)
ds = None
print(1)`);
      const { flags, masks } = gdalMasks(path);
      expect(flags).toStrictEqual(wantFlags);
      const src = await openGeoTiff(path);
      expect(src.meta.alphaBand).toBe(alphaAt);
      await src.close();
      await expectGdalValidity(path, [...Array(bands).keys()], masks);
    });

  it("convert keeps the alpha band alpha, and the colours it hides: GDAL reads the copy as the original", async () => {
    const path = tmp("rgba-src.tif");
    const copy = tmp("rgba-copy.tif");
    const zarr = tmp("rgba-copy.zarr");
    py(`ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, ${W}, ${H}, 4, gdal.GDT_UInt16, ["ALPHA=YES", "PHOTOMETRIC=RGB"])
${PATTERN}
ds.GetRasterBand(4).WriteArray(m)
ds.GetRasterBand(1).Fill(300)
for b in (2, 3):
    ds.GetRasterBand(b).WriteArray((np.arange(${W * H}).reshape(${H}, ${W}) * b % 1000).astype(np.uint16))
ds = None
print(1)`);
    await convertRaster(path, copy, { tileSize: 32, outputTileSize: 16 });
    await convertRaster(path, zarr, { tileSize: 32 });
    const [a, b] = [gdalMasks(path), gdalMasks(copy)];
    expect(b.flags).toStrictEqual([6, 6, 6, 1]);
    expect(b.masks).toStrictEqual(a.masks);
    // Every value, under alpha 0 too, as gdal_translate copies them (they were written as 0).
    const same = py<[boolean, boolean]>(`import xarray as xr
src = gdal.Open(${JSON.stringify(path)})
dst = gdal.Open(${JSON.stringify(copy)})
want = src.ReadAsArray()
print(json.dumps([bool(np.array_equal(dst.ReadAsArray(), want)),
                  bool(np.array_equal(xr.open_zarr(${JSON.stringify(zarr)}).band_data.values, want))]))`);
    expect(same).toStrictEqual([true, true]);
  });

  /** GDAL's colour interpretation of each band of `path`. */
  const colours = (path: string) =>
    py<string[]>(`r = gdal.Open(${JSON.stringify(path)})
print(json.dumps([gdal.GetColorInterpretationName(r.GetRasterBand(i + 1).GetColorInterpretation()) for i in range(r.RasterCount)]))`);

  it("convert keeps the colours: RGB stays RGB (a JPEG YCbCr scene too), RGBA stays RGBA, gray stays gray", async () => {
    const rgba = tmp("colours-rgba.tif");
    py(`ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(rgba)}, ${W}, ${H}, 4, gdal.GDT_Byte, ["ALPHA=YES", "PHOTOMETRIC=RGB"])
${PATTERN}
ds.GetRasterBand(4).WriteArray(m)
ds = None
print(1)`);
    const cases: [string, string[]][] = [
      ["fixtures/geotiff/u8.jpeg-ycbcr.tiled.3b.tif", ["Red", "Green", "Blue"]],
      [rgba, ["Red", "Green", "Blue", "Alpha"]],
      ["fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif", colours("fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif")],
      ["fixtures/demo/scene.s2like.u16.4b.tif", ["Gray", "Undefined", "Undefined", "Undefined"]],
    ];
    for (const [src, want] of cases) {
      const copy = tmp("colours-copy.tif");
      await convertRaster(src, copy, { tileSize: 64 });
      expect(colours(copy), src).toStrictEqual(want);
      expect(gdalMasks(copy).flags, src).toStrictEqual(gdalMasks(src).flags);
    }
    expect(colours("fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif")).toStrictEqual([
      "Gray",
      "Undefined",
      "Undefined",
    ]);
  });

  it("an external .msk mask (GDAL_TIFF_INTERNAL_MASK=NO) is read as GDAL reads it", async () => {
    const path = tmp("external.tif");
    py(`gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "NO")
ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, ${W}, ${H}, 2, gdal.GDT_Int16, ["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32"])
ds.GetRasterBand(1).Fill(5)
ds.CreateMaskBand(gdal.GMF_PER_DATASET)
${PATTERN}
ds.GetRasterBand(1).GetMaskBand().WriteArray(m)
ds = None
import os
assert os.path.exists(${JSON.stringify(`${path}.msk`)})
print(1)`);
    const { flags, masks } = gdalMasks(path);
    expect(flags).toStrictEqual([2, 2]);
    const src = await openGeoTiff(path);
    expect(src.meta.maskSource).toBe("external");
    expect(describeRaster(src).mask).toBe("external");
    await src.close();
    await expectGdalValidity(path, [0, 1], masks);
  });
});
