import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { crsFromEpsg } from "../../../src/grid/crs.js";
import { allocate, DTYPES, type DType } from "../../../src/grid/dtype.js";
import { createGrid, type Georef } from "../../../src/grid/grid.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { gdalinfo, gdalPixels, hasGdal, py, sameCrsInGdal } from "../../helpers/gdal.js";
import { expected, fixture, H, W } from "../../helpers/pattern.js";
import { tmp, writeWhole } from "../../helpers/write.js";

const crsText = (c: { epsg: number | null; proj4: string | null; wkt: string | null }) =>
  c.epsg ? `EPSG:${c.epsg}` : (c.proj4 ?? c.wkt ?? "");

const READABLE = [
  "u8.none.strip.1b.tif",
  "i8.deflate.tiled.1b.tif",
  "u16.deflate.pred2.tiled.3b.tif",
  "i16.lzw.pred2.tiled.band.2b.tif",
  "u32.packbits.strip.1b.tif",
  "i32.zstd.pred2.tiled.2b.tif",
  "f32.deflate.pred3.tiled.2b.nodata-nan.tif",
  "f64.deflate.pred3.tiled.1b.tif",
  "f32.lerc.tiled.1b.tif",
  "f32.none.strip.1b.bigendian.tif",
  "i16.deflate.tiled.1b.bigtiff.tif",
  "f32.none.tiled.1b.rotated.tif",
  "u8.none.tiled.1b.point.tif",
  "f32.deflate.tiled.1b.lcc-custom.tif",
  "f32.deflate.tiled.1b.nodata-neg3e38.tif",
  "u8.jpeg.tiled.1b.tif",
  "u8.jpeg-ycbcr.tiled.3b.tif",
  "u8.jpeg-ycbcr.strip.3b.tif",
  "u8.jpeg.strip.3b.tif",
  "u8.webp.tiled.3b.tif",
  "u8.lzma.tiled.1b.tif",
];

describe.skipIf(!hasGdal)("GDAL-made files -> tilecast reader", () => {
  it.each(READABLE)("%s: transform, CRS and nodata equal GDAL's exactly", async (name) => {
    const info = gdalinfo(fixture(name));
    const src = await openGeoTiff(fixture(name));
    const g = src.meta.georef;
    expect(g?.transform).toStrictEqual(info.geoTransform);
    const wkt = info.coordinateSystem?.wkt;
    expect(wkt).toBeTruthy();
    expect(sameCrsInGdal(crsText(g?.crs ?? { epsg: null, proj4: null, wkt: null }), wkt ?? "")).toBe(true);
    const nd = py<number | string | null>(`ds = gdal.Open(${JSON.stringify(fixture(name))})
v = ds.GetRasterBand(1).GetNoDataValue()
print(json.dumps("nan" if v is not None and math.isnan(v) else v))`);
    if (nd === null) expect(src.meta.nodata).toBeNull();
    else if (nd === "nan") expect(src.meta.nodata).toBeNaN();
    else expect(src.meta.nodata).toBe(nd);
    expect(src.meta.attrs.AREA_OR_POINT ?? "Area").toBe(info.metadata?.[""]?.AREA_OR_POINT ?? "Area");
    await src.close();
  });

  it.each(["u8.jpeg.tiled.1b.tif", "u8.jpeg-ycbcr.tiled.3b.tif", "u8.jpeg-ycbcr.strip.3b.tif", "u8.jpeg.strip.3b.tif"])(
    "%s: JPEG pixels equal GDAL's exactly (libjpeg-turbo, YCbCr converted to RGB)",
    async (name) => {
      const src = await openGeoTiff(fixture(name));
      const g = await src.readWindow({ x: 0, y: 0, width: src.meta.width, height: src.meta.height });
      expect(Array.from(g.data)).toStrictEqual((gdalPixels(fixture(name)) as number[][][]).flat(2));
      await src.close();
    },
  );

  it("decodes JPEG to within 2 levels of GDAL (libjpeg) on every pixel", async () => {
    const src = await openGeoTiff(fixture("u8.jpeg.tiled.1b.tif"));
    const g = await src.readWindow({ x: 0, y: 0, width: W, height: H });
    const ref = (gdalPixels(fixture("u8.jpeg.tiled.1b.tif"))[0] ?? []).flat() as number[];
    const diffs = Array.from(g.data, (v, i) => Math.abs(v - (ref[i] ?? Number.NaN)));
    expect(Math.max(...diffs)).toBeLessThanOrEqual(2);
    await src.close();
  });
});

function patternGrid(dtype: DType, bands: number, georef: Georef | null, nodata: number | null = null) {
  const data = allocate(dtype, bands * H * W);
  for (let b = 0; b < bands; b++)
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[(b * H + y) * W + x] = expected(dtype, b, y, x);
  return createGrid(dtype, [bands, H, W], { data, georef, nodata });
}

const UTM: Georef = {
  transform: [500000, 10, 0, 4600000, 0, -10],
  crs: crsFromEpsg(32633),
  rasterType: "area",
};

describe.skipIf(!hasGdal)("tilecast writer -> GDAL", () => {
  it.each(DTYPES.map((d) => [d]))(
    "%s, 3 bands, deflate + predictor: GDAL reads the same pixels and georeferencing",
    async (dtype) => {
      const path = tmp(`w.${dtype}.tif`);
      await writeWhole(path, patternGrid(dtype, 3, UTM), { tileSize: 16 });
      const px = gdalPixels(path);
      for (let b = 0; b < 3; b++)
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) expect(px[b]?.[y]?.[x]).toBe(expected(dtype, b, y, x));
      const info = gdalinfo(path);
      expect(info.geoTransform).toStrictEqual([500000, 10, 0, 4600000, 0, -10]);
      expect(info.bands.map((b) => b.block)).toStrictEqual([
        [16, 16],
        [16, 16],
        [16, 16],
      ]);
      expect(sameCrsInGdal("EPSG:32633", info.coordinateSystem?.wkt ?? "")).toBe(true);
      const meta = py<{ c: string; p: string | null }>(`ds = gdal.Open(${JSON.stringify(path)})
print(json.dumps({"c": ds.GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"), "p": ds.GetMetadataItem("PREDICTOR", "IMAGE_STRUCTURE")}))`);
      expect(meta.c).toBe("DEFLATE");
      expect(meta.p).toBe(dtype.startsWith("float") ? "3" : "2");
    },
  );

  it("NaN nodata, band names and scale/offset survive", async () => {
    const g = patternGrid("float32", 2, UTM, Number.NaN);
    g.data[5] = Number.NaN;
    const path = tmp("nodata.tif");
    await writeWhole(path, {
      ...g,
      attrs: { bandNames: ["t2m", "tp"], scale: [1, 0.001], offset: [0, 0] },
    });
    const info = gdalinfo(path);
    expect(info.bands.map((b) => b.noDataValue)).toStrictEqual(["NaN", "NaN"]);
    expect(info.bands.map((b) => b.description)).toStrictEqual(["t2m", "tp"]);
    expect(info.bands[1]?.scale).toBe(0.001);
    expect(gdalPixels(path)[0]?.[0]?.[5]).toBeNull();
  });

  it("a rotated transform and PixelIsPoint are read back by GDAL exactly", async () => {
    const rot: Georef = {
      transform: [500000, 8.660254037844387, 5, 4600000, 5, -8.660254037844387],
      crs: crsFromEpsg(32633),
      rasterType: "area",
    };
    const p1 = tmp("rot.tif");
    await writeWhole(p1, patternGrid("uint8", 1, rot));
    expect(gdalinfo(p1).geoTransform).toStrictEqual([...rot.transform]);
    const p2 = tmp("point.tif");
    await writeWhole(p2, patternGrid("uint8", 1, { ...UTM, rasterType: "point" }));
    const info = gdalinfo(p2);
    expect(info.geoTransform).toStrictEqual([500000, 10, 0, 4600000, 0, -10]);
    expect(info.metadata?.[""]?.AREA_OR_POINT).toBe("Point");
  });

  it.each([
    [
      "Lambert conformal conic 2SP on a sphere",
      "+proj=lcc +lat_0=52 +lon_0=10 +lat_1=35 +lat_2=65 +x_0=4000000 +y_0=2800000 +a=6371229 +b=6371229 +units=m +no_defs",
    ],
    [
      "polar stereographic (NSIDC-like, custom ellipsoid)",
      "+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +k=1 +x_0=0 +y_0=0 +a=6378273 +rf=298.279411123064 +units=m +no_defs",
    ],
    [
      "Albers equal area on GRS80",
      "+proj=aea +lat_0=23 +lon_0=-96 +lat_1=29.5 +lat_2=45.5 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs",
    ],
    [
      "Lambert azimuthal equal area on WGS84",
      "+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +datum=WGS84 +units=m +no_defs",
    ],
    [
      "transverse Mercator, custom",
      "+proj=tmerc +lat_0=0 +lon_0=9 +k=0.9996 +x_0=500000 +y_0=0 +datum=WGS84 +units=m +no_defs",
    ],
    ["geographic on a sphere", "+proj=longlat +a=6371229 +b=6371229 +no_defs"],
  ])("custom CRS (%s) is encoded as GeoKeys GDAL decodes to the same CRS", async (_label, proj) => {
    const path = tmp("custom.tif");
    await writeWhole(
      path,
      patternGrid("float32", 1, {
        transform: [-200000, 2500, 0, 150000, 0, -2500],
        crs: { epsg: null, wkt: null, proj4: proj },
        rasterType: "area",
      }),
    );
    expect(sameCrsInGdal(proj, gdalinfo(path).coordinateSystem?.wkt ?? "")).toBe(true);
    const back = await openGeoTiff(path); // and our reader decodes our keys to the same CRS
    expect(sameCrsInGdal(back.meta.georef?.crs?.proj4 ?? "", proj)).toBe(true);
    await back.close();
  });

  it.each(["PIXEL", "BAND"])(
    "a GDAL BigTIFF with extra samples (4 bands, %s interleaved) reads as GDAL reads it",
    async (interleave) => {
      const path = tmp(`big-extra-${interleave}.tif`);
      py(`ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, 70, 50, 4, gdal.GDT_UInt16,
    ["BIGTIFF=YES", "TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32", "COMPRESS=DEFLATE", "INTERLEAVE=${interleave}"])
for b in range(4):
    ds.GetRasterBand(b + 1).WriteArray((np.arange(50 * 70).reshape(50, 70) * (b + 3) % 65521).astype(np.uint16))
ds = None
print("null")`);
      expect(readFileSync(path).subarray(0, 4)).toStrictEqual(Buffer.from([0x49, 0x49, 43, 0]));
      const src = await openGeoTiff(path);
      expect(src.meta.bands).toBe(4);
      const g = await src.readWindow({ x: 0, y: 0, width: 70, height: 50 });
      await src.close();
      expect(Array.from(g.data)).toStrictEqual(gdalPixels(path).flat(2));
    },
  );

  it("writes BigTIFF on request (and GDAL reads it)", async () => {
    const path = tmp("big.tif");
    await writeWhole(path, patternGrid("int16", 1, UTM), { bigTiff: true });
    expect(readFileSync(path).subarray(0, 4)).toStrictEqual(Buffer.from([0x49, 0x49, 43, 0]));
    expect(gdalPixels(path)[0]?.[3]?.[5]).toBe(expected("int16", 0, 3, 5));
  });
});
