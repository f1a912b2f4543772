/**
 * Nodata sentinels are compared in the band's own type, as GDAL's mask band and xarray's CF
 * decoding compare them: a float32 band's "-3.4e+38" (as ArcGIS writes it) marks the pixels
 * holding float32(-3.4e38); a sentinel the type cannot hold (300 on uint8, -1 on uint16, 1.5 on
 * an integer band) marks none. Every dtype, checked against GDAL and xarray.
 */
import { describe, expect, it } from "vitest";
import { pixelValidity } from "../../src/grid/grid.js";
import { openSource } from "../../src/io/registry.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const CASES: [string, string, string][] = [
  ["Float32", "-3.4e+38", "[-3.4e38, 1, 2, -3.4e38]"],
  ["Float32", "0.1", "[0.1, 0.2, 0.1, 3]"],
  ["Float64", "0.1", "[0.1, 0.2, 0.1, 3]"],
  ["Byte", "300", "[44, 255, 0, 1]"],
  ["Byte", "1.5", "[1, 2, 1, 2]"],
  ["UInt16", "-1", "[65535, 0, 1, 2]"],
  ["Int16", "-40000", "[-32768, 0, 1, 2]"],
  ["Int16", "-32768", "[-32768, 0, 1, -32768]"],
  ["UInt32", "4294967296", "[4294967295, 0, 1, 2]"],
  ["Int32", "7", "[7, 0, 7, 2]"],
];

describe.skipIf(!hasGdal)("nodata in the band's type", () => {
  it.each(CASES)("GeoTIFF %s with GDAL_NODATA %s: validity equals GDAL's mask band", async (type, text, values) => {
    const path = tmp("nd.tif");
    const gdalMask = py<number[]>(`
types = {"Float32": np.float32, "Float64": np.float64, "Byte": np.uint8, "UInt16": np.uint16, "Int16": np.int16, "UInt32": np.uint32, "Int32": np.int32}
ds = gdal.GetDriverByName("GTiff").Create("${path}", 4, 1, 1, gdal.GDT_${type})
ds.GetRasterBand(1).WriteArray(np.array([${values}]).astype(types["${type}"]).reshape(1, 4))
ds.GetRasterBand(1).SetNoDataValue(float("${text}"))  # written as the GDAL_NODATA text tag
ds = None
ds = gdal.Open("${path}")
print(json.dumps([int(v) for v in ds.GetRasterBand(1).GetMaskBand().ReadAsArray().ravel()]))`);
    expect(gdalMask).toHaveLength(4);
    const src = await openSource(path);
    const g = await src.readWindow({ x: 0, y: 0, width: 4, height: 1 });
    expect(Array.from(pixelValidity(g) ?? new Uint8Array(4).fill(1)).map((v) => (v ? 255 : 0))).toStrictEqual(gdalMask);
    await src.close();
  });
});

describe.skipIf(!hasGdal)("Zarr _FillValue as xarray compares it", () => {
  it("a float32 variable with a double _FillValue -3.4e38: missing cells equal xarray's NaNs", async () => {
    const path = tmp("fill.zarr");
    const want = py<boolean[]>(`
import xarray as xr, zarr
a = np.array([[-3.4e38, 1, 2, -3.4e38]], dtype=np.float32)
g = zarr.open_group("${path}", mode="w")
z = g.create_dataset("v", data=a, chunks=(1, 4), fill_value=None)
z.attrs["_ARRAY_DIMENSIONS"] = ["y", "x"]
z.attrs["_FillValue"] = -3.4e38  # a double, as written by tools that do not cast it
zarr.consolidate_metadata("${path}")
print(json.dumps([bool(v) for v in np.isnan(xr.open_zarr("${path}")["v"].values.ravel())]))`);
    expect(want).toHaveLength(4); // xarray compares the double as it is: it masks no cell here
    const src = await openSource(path, { variable: "v" });
    const g = await src.readWindow({ x: 0, y: 0, width: 4, height: 1 });
    expect(Array.from(g.data, (v) => Number.isNaN(v))).toStrictEqual(want);
    await src.close();
  });
});
