/**
 * The georeferencing in GDAL's `.aux.xml` sidecar, read first as GDAL reads it: a CRS GeoTIFF
 * keys cannot hold (Equal Earth, which GDAL keeps only there, even by EPSG code) and a
 * geotransform set after the file was written. A bad sidecar is an error naming it.
 */
import { copyFileSync, existsSync, truncateSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseGdalMetadata } from "../../../src/io/geotiff/gdal-metadata.js";
import { parsePam } from "../../../src/io/geotiff/pam.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { tilecast } from "../../helpers/cli.js";
import { gdalinfo, hasGdal, py, sameCrsInGdal } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

describe("GDAL's .aux.xml sidecar", () => {
  it("gives the CRS and geotransform, entities decoded, bands' own elements ignored", () => {
    const xml = `<PAMDataset>
  <SRS dataAxisToSRSAxisMapping="1,2">PROJCS[&quot;x&quot;,AUTHORITY[&quot;EPSG&quot;,&quot;8857&quot;]]</SRS>
  <GeoTransform>  1.0e+03,  3.0e+01,  0.0e+00,  5.0e+03,  0.0e+00, -3.0e+01</GeoTransform>
  <PAMRasterBand band="1"><SRS>EPSG:4326</SRS></PAMRasterBand>
</PAMDataset>`;
    const pam = parsePam(xml, "a.tif.aux.xml");
    expect(pam.crs?.epsg).toBe(8857);
    expect(pam.crs?.wkt).toBe('PROJCS["x",AUTHORITY["EPSG","8857"]]');
    expect(pam.transform).toStrictEqual([1000, 30, 0, 5000, 0, -30]);
    expect(parsePam("<PAMDataset><Metadata/></PAMDataset>", "b")).toStrictEqual({
      crs: null,
      transform: null,
      bands: new Map(),
      metadata: { domains: {}, bands: new Map() },
      gcps: null,
    });
    expect(() => parsePam("<PAMDataset><GeoTransform>1, 2, 3</GeoTransform></PAMDataset>", "c.tif.aux.xml")).toThrow(
      "c.tif.aux.xml: its GeoTransform is not six finite numbers ('1, 2, 3')",
    );
    expect(() => parsePam("<PAMDataset><SRS>not a crs</SRS></PAMDataset>", "d.tif.aux.xml")).toThrow(
      "d.tif.aux.xml: its SRS is not a CRS tilecast reads ('not a crs')",
    );
  });

  it("gives each band's nodata, scale, offset and description", () => {
    const xml = `<PAMDataset>
  <PAMRasterBand band="2"><Description>nir &amp; swir</Description><NoDataValue>-9.999E+03</NoDataValue>
    <Offset>10</Offset><Scale>0.5</Scale></PAMRasterBand>
  <PAMRasterBand band="1"><NoDataValue>nan</NoDataValue></PAMRasterBand>
</PAMDataset>`;
    expect(parsePam(xml, "a").bands).toStrictEqual(
      new Map([
        [1, { nodata: "-9.999E+03", scale: 0.5, offset: 10, description: "nir & swir" }],
        [0, { nodata: "nan" }],
      ]),
    );
    expect(() =>
      parsePam('<PAMDataset><PAMRasterBand band="1"><Scale>x</Scale></PAMRasterBand></PAMDataset>', "s"),
    ).toThrow("s: band 1's scale is not a finite number ('x')");
  });

  it("stays linear and whole on hostile text", () => {
    // An entity past Unicode is kept as written, not thrown on.
    expect(() => parsePam("<PAMDataset><SRS>&#99999999;</SRS></PAMDataset>", "e")).toThrow(
      "e: its SRS is not a CRS tilecast reads ('&#99999999;')",
    );
    // Unclosed band and tag openings by the hundred thousand: one pass, no SRS found.
    const hostile = `<PAMDataset><PAMRasterBand>${"<SRS".repeat(200_000)}`;
    expect(parsePam(hostile, "f").crs).toBeNull();
    expect(parsePam(`<PAMDataset>${"<SRSX>".repeat(200_000)}`, "g").crs).toBeNull();
    // Unclosed bands, metadata and items (each of which a lazy regular expression rescans to the end).
    for (const open of ["<PAMRasterBand>", '<PAMRasterBand band="1"><Metadata>', '<Metadata><MDI key="a">'])
      expect(parsePam(`<PAMDataset>${open.repeat(200_000)}`, "h").metadata).toStrictEqual({
        domains: {},
        bands: new Map(),
      });
    expect(parseGdalMetadata(`<GDALMetadata>${"<Item ".repeat(200_000)}`, 1)).toStrictEqual({});
  });

  it("a sidecar larger than any GDAL writes is refused by name, unread", async () => {
    const path = tmp("big.tif");
    copyFileSync("fixtures/demo/scene.s2like.u16.4b.tif", path);
    writeFileSync(`${path}.aux.xml`, "");
    truncateSync(`${path}.aux.xml`, 64 * 1024 * 1024 + 1); // sparse: nothing is written
    await expect(openGeoTiff(path)).rejects.toThrow(
      `${path}.aux.xml: it is 67108865 bytes; a file of its kind is under 67108864`,
    );
  });

  it.skipIf(!hasGdal)("Equal Earth (EPSG:8857, kept in the sidecar by GDAL) is read and written back", async () => {
    const path = tmp("ee.tif");
    py(`ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, 8, 6, 1, gdal.GDT_Float32)
sr = osr.SpatialReference(); sr.ImportFromEPSG(8857)
ds.SetProjection(sr.ExportToWkt()); ds.SetGeoTransform([1000.5, 30, 0, 5000.25, 0, -30])
ds.GetRasterBand(1).WriteArray(np.arange(48, dtype=np.float32).reshape(6, 8)); ds = None
import os
print(json.dumps(os.path.exists(${JSON.stringify(`${path}.aux.xml`)})))`);
    const want = gdalinfo(path).coordinateSystem?.wkt ?? "";
    expect(want).toContain("Equal Earth");
    const src = await openGeoTiff(path);
    expect(src.meta.georef?.crs?.epsg).toBe(8857);
    expect(src.meta.georef?.transform).toStrictEqual([1000.5, 30, 0, 5000.25, 0, -30]);
    await src.close();
    const out = tmp("ee-copy.tif");
    expect(tilecast("convert", path, out, "-q").code).toBe(0);
    expect(sameCrsInGdal(gdalinfo(out).coordinateSystem?.wkt ?? "", want)).toBe(true);
  });

  it.skipIf(!hasGdal)("a geotransform GDAL set in the sidecar wins over the file's, as in GDAL", async () => {
    const path = tmp("moved.tif");
    const gt = py<number[]>(`ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, 4, 4, 1, gdal.GDT_Byte)
ds.SetGeoTransform([0, 1, 0, 0, 0, -1]); ds = None
ds = gdal.Open(${JSON.stringify(path)})  # read-only: GDAL keeps the new transform in the sidecar
ds.SetGeoTransform([500000, 10, 0, 4600000, 0, -10]); ds = None
print(json.dumps(list(gdal.Open(${JSON.stringify(path)}).GetGeoTransform())))`);
    expect(gt).toStrictEqual([500000, 10, 0, 4600000, 0, -10]);
    const src = await openGeoTiff(path);
    expect(src.meta.georef?.transform).toStrictEqual(gt);
    await src.close();
    writeFileSync(`${path}.aux.xml`, "<PAMDataset><GeoTransform>1, 2</GeoTransform></PAMDataset>");
    await expect(openGeoTiff(path)).rejects.toThrow(`${path}.aux.xml: its GeoTransform is not six finite numbers`);
  });

  it.skipIf(!hasGdal)("band values GDAL kept in the sidecar fill the file's gaps, as GDAL reads them", async () => {
    const one = tmp("one.tif");
    const two = tmp("two.tif");
    const mixed = tmp("mixed.tif");
    const want = py<
      (number | string | null)[][]
    >(`paths = [${JSON.stringify(one)}, ${JSON.stringify(two)}, ${JSON.stringify(mixed)}]
for p, bands in zip(paths, [1, 2, 2]):
    ds = gdal.GetDriverByName("GTiff").Create(p, 4, 3, bands, gdal.GDT_Int16); ds = None
    ds = gdal.Open(p)  # read-only: what is set goes to the sidecar
    b = ds.GetRasterBand(1); b.SetNoDataValue(5); b.SetScale(0.5); b.SetOffset(10); b.SetDescription("red")
    ds = None
# Both bands by hand: GDAL itself keeps band 2's only when it differs from band 1's.
open(paths[1] + ".aux.xml", "w").write("<PAMDataset>" + "".join(f'<PAMRasterBand band="{i}"><NoDataValue>5</NoDataValue></PAMRasterBand>' for i in (1, 2)) + "</PAMDataset>")
t = gdal.Open(paths[1])
b = gdal.Open(paths[0]).GetRasterBand(1)
m = gdal.Open(paths[2])
print(json.dumps([[b.GetNoDataValue(), b.GetScale(), b.GetOffset(), b.GetDescription()], [t.GetRasterBand(i).GetNoDataValue() for i in (1, 2)], [m.GetRasterBand(i).GetNoDataValue() for i in (1, 2)]]))`);
    expect(want).toStrictEqual([
      [5, 0.5, 10, "red"],
      [5, 5],
      [5, null],
    ]);
    const src = await openGeoTiff(one);
    expect(src.meta.nodata).toBe(5);
    expect(src.meta.attrs).toMatchObject({ scale: [0.5], offset: [10], bandNames: ["red"] });
    await src.close();
    const both = await openGeoTiff(two);
    expect(both.meta.nodata).toBe(5);
    await both.close();
    await expect(openGeoTiff(mixed)).rejects.toThrow(
      `${mixed}.aux.xml: its bands have different nodata values (band 1 5, band 2 none); tilecast takes one value for all bands`,
    );
  });

  it.skipIf(!hasGdal)("a replaced output loses the old file's sidecar, as GDAL's own writers do", async () => {
    const out = tmp("out.tif");
    const stale = "<PAMDataset><GeoTransform>9, 9, 0, 9, 0, -9</GeoTransform></PAMDataset>";
    for (const flags of [[], ["--cog"]]) {
      writeFileSync(out, "old");
      writeFileSync(`${out}.aux.xml`, stale);
      expect(tilecast("convert", "fixtures/demo/scene.s2like.u16.4b.tif", out, ...flags, "-q").code).toBe(0);
      expect(existsSync(`${out}.aux.xml`)).toBe(false);
      expect(gdalinfo(out).geoTransform).toStrictEqual(gdalinfo("fixtures/demo/scene.s2like.u16.4b.tif").geoTransform);
    }
  });
});
