/**
 * GeoTIFF's ASCII GeoKeys (citations, ESRI PE strings) hold UTF-8, and a key's count and offset
 * in GeoAsciiParams are bytes, as GDAL writes and reads them. tilecast took them for characters:
 * reading, one "°" or "é" in a GDAL-made citation cut every later key short ("Greenwi", a name
 * ending "52°N/"); writing, a WKT 2 whose area says "86°S" became a PE string GDAL could not
 * parse ("missing ]"), so the GeoTIFF had no CRS for GDAL, exit 0. A key in Latin-1 (older
 * writers) was decoded as UTF-8 before it was cut out: each of its non-ASCII bytes became a
 * 3-byte U+FFFD and every later key shifted.
 */
import { mkdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { geoKeyTags } from "../../../src/io/geotiff/geokeys-write.js";
import { parseGeoKeys } from "../../../src/io/geotiff/georef.js";
import { decodeTiffText } from "../../../src/io/geotiff/tiff-text.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

describe("ASCII GeoKeys", () => {
  it("count and place each key by its UTF-8 bytes, both ways", () => {
    const tags = geoKeyTags([
      { key: 1026, value: "Projeção 52°N" },
      { key: 2049, value: "Géodésie" },
      { key: 3073, value: "plain" },
    ]);
    const dir = tags[0]?.values as number[];
    const ascii = tags.find((t) => t.tag === 34737)?.values as string;
    // [key, location, count, offset] after the 4-entry header: bytes, not characters.
    expect(dir.slice(4)).toStrictEqual([1026, 34737, 17, 0, 2049, 34737, 11, 17, 3073, 34737, 6, 28]);
    const keys = parseGeoKeys(dir, undefined, ascii);
    expect([keys.get(1026), keys.get(2049), keys.get(3073)]).toStrictEqual(["Projeção 52°N", "Géodésie", "plain"]);
  });

  it.skipIf(!hasGdal)("a GDAL GeoTIFF's non-ASCII names survive convert, and so does a PE string's '°'", () => {
    const dir = tmp("ascii-keys");
    mkdirSync(dir);
    const wkt2 = py<string>(`import pyproj, re
src = osr.SpatialReference()
src.ImportFromProj4("+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +units=m")
wkt = src.ExportToWkt().replace('PROJCS["unknown"', 'PROJCS["Projeção équivalente 52°N"').replace('GEOGCS["unknown"', 'GEOGCS["Géodésie locale"')
d = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(`${dir}/names.tif`)}, 4, 3, 1, gdal.GDT_Float32)
d.SetGeoTransform((4321000, 10, 0, 3210000, 0, -10)); d.SetProjection(wkt); d = None
# EASE-Grid 2.0's WKT 2 without its code: its area reads "World between 86°S and 86°N."
print(json.dumps(re.sub(r',ID\\["EPSG",6933\\]\\]$', "]", pyproj.CRS(6933).to_wkt("WKT2_2019"))))`);
    expect(wkt2).toContain("86°S");
    py(`import xarray as xr
ds = xr.Dataset({"t": (("y", "x"), np.zeros((3, 4), "f4"), {"grid_mapping": "spatial_ref"}),
                 "spatial_ref": ((), 0, {"spatial_ref": ${JSON.stringify(wkt2)}})},
                coords={"y": ("y", [2000.0, 1000.0, 0.0]), "x": ("x", [0.0, 1000.0, 2000.0, 3000.0])})
ds.to_zarr(${JSON.stringify(`${dir}/ease.zarr`)}, mode="w")
print("null")`);
    expect(tilecast("convert", `${dir}/names.tif`, `${dir}/names.out.tif`, "-q").code).toBe(0);
    expect(tilecast("convert", `${dir}/ease.zarr`, `${dir}/ease.tif`, "--var", "t", "-q").code).toBe(0);
    const seen = py<
      [string, string, boolean, string | null]
    >(`a = gdal.Open(${JSON.stringify(`${dir}/names.tif`)}).GetSpatialRef()
b = gdal.Open(${JSON.stringify(`${dir}/names.out.tif`)}).GetSpatialRef()
e = gdal.Open(${JSON.stringify(`${dir}/ease.tif`)}).GetSpatialRef()
ease = osr.SpatialReference(); ease.ImportFromEPSG(6933)
print(json.dumps([b.GetAttrValue("PROJCS"), b.GetAttrValue("GEOGCS"), bool(a.IsSame(b)), bool(e and e.IsSame(ease))]))`);
    expect(seen).toStrictEqual(["Projeção équivalente 52°N", "Géodésie locale", true, true]);
  });

  it("read a key's bytes as UTF-8 where they are, else as Latin-1, one character per byte", () => {
    const bytes = (...b: number[]) => new Uint8Array(b);
    expect(decodeTiffText(new TextEncoder().encode("Café 52°N"))).toBe("Café 52°N");
    expect(decodeTiffText(bytes(0x43, 0x61, 0x66, 0xe9, 0x20, 0x35, 0x32, 0xb0))).toBe("Café 52°");
    expect(decodeTiffText(bytes(0xff, 0x41, 0xc3))).toBe("ÿAÃ");
    // A Latin-1 key between UTF-8 ones: each is decoded alone, by its byte count.
    const ascii = new Uint8Array([
      ...new TextEncoder().encode("é|"),
      0x47,
      0xe9,
      0x6f,
      0x7c,
      ...new TextEncoder().encode("x|"),
    ]);
    const dir = [1, 1, 0, 3, 1026, 34737, 3, 0, 2049, 34737, 4, 3, 3073, 34737, 2, 7];
    const keys = parseGeoKeys(dir, undefined, ascii);
    expect([keys.get(1026), keys.get(2049), keys.get(3073)]).toStrictEqual(["é", "Géo", "x"]);
  });

  it.skipIf(!hasGdal)("a Latin-1 citation reads as Latin-1 and leaves the keys after it whole", () => {
    const dir = tmp("latin1-keys");
    mkdirSync(dir);
    const [src, out] = [`${dir}/latin1.tif`, `${dir}/latin1.out.tif`];
    py(`src = osr.SpatialReference()
src.ImportFromProj4("+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +units=m")
wkt = src.ExportToWkt().replace('PROJCS["unknown"', 'PROJCS["Projection QQ 52N"').replace('GEOGCS["unknown"', 'GEOGCS["Geodesie locale"')
d = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(src)}, 4, 3, 1, gdal.GDT_Float32)
d.SetGeoTransform((4321000, 10, 0, 3210000, 0, -10)); d.SetProjection(wkt); d = None
b = open(${JSON.stringify(src)}, "rb").read()
assert b.count(b"QQ") == 1
open(${JSON.stringify(src)}, "wb").write(b.replace(b"QQ", "çã".encode("latin-1")))
print("null")`);
    expect(tilecast("convert", src, out, "-q").code).toBe(0);
    const seen = py<[string, string, boolean]>(`b = gdal.Open(${JSON.stringify(out)}).GetSpatialRef()
ref = osr.SpatialReference(); ref.ImportFromProj4("+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +units=m")
print(json.dumps([b.GetAttrValue("PROJCS"), b.GetAttrValue("GEOGCS"), bool(b.IsSame(ref))]))`);
    expect(seen).toStrictEqual(["Projection çã 52N", "Geodesie locale", true]);
  });
});
