/**
 * GeoTIFF's ASCII GeoKeys (citations, ESRI PE strings) hold UTF-8, and a key's count and offset
 * in GeoAsciiParams are bytes, as GDAL writes and reads them. tilecast took them for characters:
 * reading, one "°" or "é" in a GDAL-made citation cut every later key short ("Greenwi", a name
 * ending "52°N/"); writing, a WKT 2 whose area says "86°S" became a PE string GDAL could not
 * parse ("missing ]"), so the GeoTIFF had no CRS for GDAL, exit 0.
 */
import { mkdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { geoKeyTags } from "../../../src/io/geotiff/geokeys-write.js";
import { parseGeoKeys } from "../../../src/io/geotiff/georef.js";
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
});
