/**
 * GeoTIFFs with GDAL internal masks (per-dataset masks in an image of their own): every window's
 * validity must equal GDAL's `GetMaskBand()` (and the nodata test, where there is a nodata value),
 * in every layout GDAL writes them: tiled and striped, pixel and band interleaved, deflate, LZW,
 * ZSTD, JPEG and none, little- and big-endian, with overviews (whose masks are not the
 * full-resolution one).
 */
import { openSync, writeSync } from "node:fs";
import { fromFile } from "geotiff";
import { describe, expect, it } from "vitest";
import { createGrid, validMask } from "../../../src/grid/grid.js";
import { describeRaster } from "../../../src/io/geotiff/inspect.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { createGeoTiffSink } from "../../../src/io/geotiff/writer.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const W = 83;
const H = 61;

/**
 * Make `path` with GDAL: `bands` bands of type `type` (band b = (x + W*y) * (b + 1) mod 200 + 1)
 * and a per-dataset mask that is 0 on a left collar of 9 columns, a bottom-right corner, one
 * isolated cell, and every 7th cell of row 30; `options` are GTiff creation options; with
 * `nodata`, also a 3 x 2 block of nodata at (40, 10).
 * Returns GDAL's mask of band 1 (0 or 255, rows of W).
 */
function gdalMasked(path: string, c: Case): number[][] {
  const { type, bands, options, nodata } = c;
  return py<number[][]>(`
gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, ${W}, ${H}, ${bands}, gdal.GDT_${type}, ${JSON.stringify(options)})
ds.SetGeoTransform([500000, 10, 0, 4000000, 0, -10])
for b in range(${bands}):
    band = ds.GetRasterBand(b + 1)
    band.WriteArray(np.arange(${W * H}).reshape(${H}, ${W}) * (b + 1) % 200 + 1)
    ${nodata === undefined ? "pass" : `band.SetNoDataValue(${nodata}); band.WriteArray(np.full((2, 3), ${nodata}), 40, 10)`}
ds.CreateMaskBand(gdal.GMF_PER_DATASET)
m = np.full((${H}, ${W}), 255, np.uint8)
m[:, :9] = 0
m[45:, 70:] = 0
m[3, 33] = 0
m[30, ::7] = 0
ds.GetRasterBand(1).GetMaskBand().WriteArray(m)
if ${c.overviews ? "True" : "False"}:
    ds.BuildOverviews("NEAREST", [2, 4])
ds = None
r = gdal.Open(${JSON.stringify(path)})
assert r.GetRasterBand(1).GetMaskFlags() == gdal.GMF_PER_DATASET, r.GetRasterBand(1).GetMaskFlags()
print(json.dumps(r.GetRasterBand(1).GetMaskBand().ReadAsArray().tolist()))`);
}

/** Windows inside, across block edges, and past every edge of the raster. */
const WINDOWS = [
  { x: 0, y: 0, width: W, height: H },
  { x: 5, y: 2, width: 40, height: 33 },
  { x: 60, y: 40, width: 23, height: 21 },
  { x: -7, y: -4, width: 30, height: 20 },
  { x: 70, y: 50, width: 30, height: 30 },
];

/** Whether cell (x, y) of the raster is valid in every band by GDAL: its mask, and nodata. */
function gdalValid(mask: number[][], x: number, y: number, nodataAt: (x: number, y: number) => boolean): boolean {
  if (x < 0 || y < 0 || x >= W || y >= H) return false;
  return (mask[y]?.[x] ?? 0) !== 0 && !nodataAt(x, y);
}

async function expectSameValidity(path: string, mask: number[][], c: Case) {
  const { bands, nodata } = c;
  const nodataAt = (x: number, y: number) => nodata !== undefined && y >= 10 && y < 12 && x >= 40 && x < 43;
  const src = await openGeoTiff(path);
  try {
    expect(src.meta.maskSource).toBe("internal");
    expect(describeRaster(src).mask).toBe("internal");
    for (const w of WINDOWS) {
      const g = await src.readWindow(w);
      const valid = validMask(g);
      const plane = w.width * w.height;
      for (let b = 0; b < bands; b++)
        for (let y = 0; y < w.height; y++)
          for (let x = 0; x < w.width; x++) {
            const want = gdalValid(mask, w.x + x, w.y + y, nodataAt);
            if ((valid[b * plane + y * w.width + x] === 1) !== want)
              throw new Error(
                `band ${b} cell (${w.x + x}, ${w.y + y}) of window ${JSON.stringify(w)}: valid should be ${want}`,
              );
          }
      // The data under the mask are read as they are: band 0 at (20, 20) is its pattern value.
      if (w.x <= 20 && w.y <= 20 && w.x + w.width > 20 && w.y + w.height > 20 && !c.lossy)
        expect(g.data[(20 - w.y) * w.width + (20 - w.x)]).toBe(((20 + W * 20) % 200) + 1);
    }
  } finally {
    await src.close();
  }
}

interface Case {
  label: string;
  type: string;
  bands: number;
  options: string[];
  nodata?: number;
  overviews?: boolean;
  lossy?: boolean;
}

const tiled = (n: number) => ["TILED=YES", `BLOCKXSIZE=${n}`, `BLOCKYSIZE=${n}`];

const CASES: Case[] = [
  { label: "deflate, tiled, 3 bands", type: "UInt16", bands: 3, options: [...tiled(32), "COMPRESS=DEFLATE"] },
  { label: "LZW, striped, 1 band", type: "Byte", bands: 1, options: ["COMPRESS=LZW", "BLOCKYSIZE=7"] },
  { label: "none, band interleaved, float32", type: "Float32", bands: 2, options: [...tiled(16), "INTERLEAVE=BAND"] },
  {
    label: "ZSTD, tiled, big-endian",
    type: "Int16",
    bands: 2,
    options: [...tiled(16), "COMPRESS=ZSTD", "ENDIANNESS=BIG"],
  },
  {
    label: "JPEG, YCbCr, tiled",
    type: "Byte",
    bands: 3,
    options: [...tiled(16), "COMPRESS=JPEG", "PHOTOMETRIC=YCBCR"],
    lossy: true,
  },
  { label: "a nodata value too", type: "Float32", bands: 2, options: [...tiled(32), "COMPRESS=DEFLATE"], nodata: -9 },
  { label: "overviews", type: "Byte", bands: 3, options: [...tiled(16), "COMPRESS=DEFLATE"], overviews: true },
];

describe.skipIf(!hasGdal)("GDAL internal masks", () => {
  for (const c of CASES)
    it(`${c.label}: every window's validity equals GDAL's mask`, async () => {
      const path = tmp(`mask-${c.label.replace(/\W+/g, "-")}.tif`);
      const mask = gdalMasked(path, c);
      expect(mask.flat().filter((v) => v === 0).length).toBe(9 * H + 16 * 13 + 1 + 10);
      await expectSameValidity(path, mask, c);
    });

  it("a file without a mask reads as before: no mask inside the raster", async () => {
    const path = tmp("no-mask.tif");
    py(`ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, 20, 10, 1, gdal.GDT_Byte)
ds.GetRasterBand(1).Fill(5)
ds = None
print(1)`);
    const src = await openGeoTiff(path);
    expect(src.meta.maskSource).toBeNull();
    expect(describeRaster(src).mask).toBeNull();
    const g = await src.readWindow({ x: 0, y: 0, width: 20, height: 10 });
    expect(g.mask).toBeNull();
    await src.close();
  });

  /** GDAL's mask of band 1 and its pixels of `path`, with its mask flags. */
  const gdalSide = (path: string) =>
    py<{ flags: number; mask: number[][]; md5: string }>(`r = gdal.Open(${JSON.stringify(path)})
a = r.ReadAsArray()
print(json.dumps({"flags": r.GetRasterBand(1).GetMaskFlags(), "mask": r.GetRasterBand(1).GetMaskBand().ReadAsArray().tolist(),
  "md5": __import__("hashlib").md5(np.ascontiguousarray(a).tobytes()).hexdigest()}))`);

  for (const c of [CASES[0], CASES[1], CASES[5]] as Case[])
    it(`convert keeps the mask (${c.label}): GDAL reads the copy's mask and pixels as the original's`, async () => {
      const path = tmp(`mask-src-${c.label.replace(/\W+/g, "-")}.tif`);
      const copy = tmp(`mask-copy-${c.label.replace(/\W+/g, "-")}.tif`);
      gdalMasked(path, c);
      await convertRaster(path, copy, { tileSize: 24, overlap: 3, outputTileSize: 32 });
      const [a, b] = [gdalSide(path), gdalSide(copy)];
      expect(b.flags).toBe(2); // GMF_PER_DATASET
      expect(b.mask).toStrictEqual(a.mask);
      expect(b.md5).toBe(a.md5);
      await expectSameValidity(copy, a.mask, c);
    });

  it("the writer's mask: 0 where a block's mask marks a band invalid, not at nodata values (those stay in the data), all 1 for a block without a mask", async () => {
    const path = tmp("mask-written.tif");
    const spec = { width: 21, height: 18, bands: 2, dtype: "int16" as const, georef: null, nodata: -1, mask: true };
    const sink = await createGeoTiffSink(path, spec, { tileSize: 16 });
    const block = (col: number, row: number) => {
      const w = col === 0 ? 16 : 5;
      const h = row === 0 ? 16 : 2;
      const data = new Int16Array(2 * w * h).fill(7);
      const mask = new Uint8Array(2 * w * h).fill(1);
      if (col === 0 && row === 0) {
        data[3] = -1; // band 0, pixel (3, 0): nodata
        mask[w * h + 2 * w + 5] = 0; // band 1, pixel (5, 2): masked
      }
      return createGrid("int16", [2, h, w], { data, nodata: -1, mask: col === 1 && row === 1 ? null : mask });
    };
    for (const [col, row] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ] as const)
      await sink.writeBlock(col, row, block(col, row));
    await sink.commit();
    const g = gdalSide(path);
    expect(g.flags).toBe(2);
    const want = Array.from({ length: 18 }, (_, y) =>
      Array.from({ length: 21 }, (_, x) => (x === 5 && y === 2 ? 0 : 255)),
    );
    expect(g.mask).toStrictEqual(want);
    // The values stay: the nodata cell, and the masked one under the mask.
    const v = py<number[]>(`a = gdal.Open(${JSON.stringify(path)}).ReadAsArray()
print(json.dumps([int(a[0, 0, 3]), int(a[1, 2, 5]), int(a[1, 17, 20])]))`);
    expect(v).toStrictEqual([-1, 7, 7]);
  });

  it("a corrupt mask tile is an error naming the file and the tile, not a silently valid window", async () => {
    const path = tmp("mask-corrupt.tif");
    gdalMasked(path, CASES[0] as Case);
    const image = await (await fromFile(path)).getImage(1); // the mask's directory
    const at = Number(((await image.fileDirectory.loadValue(324)) as ArrayLike<number>)[0]); // TileOffsets
    const fd = openSync(path, "r+");
    writeSync(fd, Buffer.alloc(24, 0xa5), 0, 24, at);
    const src = await openGeoTiff(path);
    try {
      const read = src.readWindow({ x: 0, y: 0, width: 10, height: 10 });
      await expect(read).rejects.toThrow(/mask tile \(0, 0\)/);
      await expect(read).rejects.toThrow(path);
    } finally {
      await src.close();
    }
  });
});
