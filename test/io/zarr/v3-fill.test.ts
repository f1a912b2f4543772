/**
 * Which value marks a Zarr v3 variable's missing cells. Before, the array's `fill_value` did, as
 * in v2. But a v3 array always names one, 0 where its writer named none: xarray 2025 with
 * zarr-python 3 wrote float variables with `fill_value: 0.0` and their NaN mark as a base64
 * `_FillValue` attribute, so every 0 mm of rain read as missing; and tilecast's own v3 output of a
 * class raster without nodata read back with class 0 missing. xarray reads a v3 store's missing
 * cells from the `_FillValue` attribute; so does tilecast now, and writes it.
 */
import { describe, expect, it } from "vitest";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/** `tilecast convert -q ...args`, which must succeed. */
function convert(...args: string[]): void {
  const r = tilecast("convert", "-q", ...args);
  expect(r.code, r.stderr).toBe(0);
}

/**
 * A v3 store with variable `v` (y, x) of `dtype`, uncompressed, laid out as zarr-python 3 lays it
 * out, its `fill_value` and attributes as given; `values` row by row (null: NaN).
 */
function v3Store(path: string, dtype: string, fill: number | string, attrs: object, values: (number | null)[][]): void {
  py(`import os
root = ${JSON.stringify(path)}
os.makedirs(root)
def doc(where, d):
    os.makedirs(os.path.join(root, where), exist_ok=True)
    with open(os.path.join(root, where, "zarr.json"), "w") as f: json.dump(d, f)
def array(name, dtype, fill, dims, a, attrs):
    doc(name, {"zarr_format": 3, "node_type": "array", "shape": list(a.shape), "data_type": dtype,
               "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": list(a.shape)}},
               "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
               "fill_value": fill, "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
               "attributes": attrs, "dimension_names": dims})
    os.makedirs(os.path.join(root, name, "c", *["0"] * (a.ndim - 1)), exist_ok=True)
    with open(os.path.join(root, name, "c", *["0"] * a.ndim), "wb") as f: f.write(a.astype("<" + a.dtype.str[1:]).tobytes())
doc("", {"zarr_format": 3, "node_type": "group", "attributes": {}})
v = np.array(json.loads(${JSON.stringify(JSON.stringify(values))}), dtype=float)
array("v", ${JSON.stringify(dtype)}, ${JSON.stringify(fill)}, ["y", "x"], v.astype(${JSON.stringify(dtype)}), ${JSON.stringify(attrs)})
array("y", "float64", "NaN", ["y"], 50.0 - np.arange(v.shape[0]), {"units": "degrees_north"})
array("x", "float64", "NaN", ["x"], 10.0 + np.arange(v.shape[1]), {"units": "degrees_east"})
print("null")`);
}

/** What GDAL reads of a GeoTIFF's first band: values (NaN as null) and nodata. */
function gdalBand(path: string): { values: (number | null)[][]; nodata: number | "nan" | null } {
  return py(`d = gdal.Open(${JSON.stringify(path)})
b = d.GetRasterBand(1)
a = b.ReadAsArray().astype(float)
nd = b.GetNoDataValue()
print(json.dumps({"values": [[None if math.isnan(x) else x for x in r] for r in a.tolist()], "nodata": nd if nd is None or not math.isnan(nd) else "nan"}))`);
}

describe.skipIf(!hasGdal)("Zarr v3 missing-cell marks", () => {
  it("xarray's float variable (fill_value 0.0, _FillValue NaN base64): zeros are values, NaN missing", () => {
    const store = tmp("v3-xr-float.zarr");
    const rain = [
      [0, 0, 1.5],
      [null, 0, 0.25],
    ];
    v3Store(store, "float32", 0.0, { _FillValue: "AAAAAAAA+H8=", units: "mm" }, rain);
    const out = tmp("v3-xr-float.tif");
    convert(store, out);
    expect(gdalBand(out)).toEqual({ values: rain, nodata: "nan" });
  });

  it("an integer mark in the _FillValue attribute marks; a fill_value of 0 alone does not", () => {
    const classes = [
      [0, 1, 2],
      [-9999, 0, 3],
    ];
    const marked = tmp("v3-int-marked.zarr");
    v3Store(marked, "int16", 0, { _FillValue: -9999 }, classes);
    const a = tmp("v3-int-marked.tif");
    convert(marked, a);
    expect(gdalBand(a)).toEqual({ values: classes, nodata: -9999 });
    const bare = tmp("v3-int-bare.zarr");
    v3Store(bare, "int16", 0, {}, classes);
    const b = tmp("v3-int-bare.tif");
    convert(bare, b);
    expect(gdalBand(b)).toEqual({ values: classes, nodata: null });
    // A fill value other than 0 (GDAL's nodata) still marks.
    const gdalMade = tmp("v3-int-gdal.zarr");
    v3Store(gdalMade, "int16", -9999, {}, classes);
    const c = tmp("v3-int-gdal.tif");
    convert(gdalMade, c);
    expect(gdalBand(c).nodata).toBe(-9999);
  });

  it("tilecast's v3 output carries nodata as xarray's _FillValue, and a raster without nodata gains none", () => {
    const tif = tmp("v3-classes.tif");
    py(`d = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(tif)}, 3, 2, 1, gdal.GDT_Byte)
d.SetGeoTransform([10, 1, 0, 50, 0, -1])
d.GetRasterBand(1).WriteArray(np.array([[0, 1, 2], [3, 0, 1]], np.uint8)); d = None
print("null")`);
    const store = tmp("v3-classes.zarr");
    convert(tif, store, "--zarr-format", "3");
    const back = tmp("v3-classes-back.tif");
    convert(store, back);
    expect(gdalBand(back)).toEqual({
      values: [
        [0, 1, 2],
        [3, 0, 1],
      ],
      nodata: null,
    });

    const masked = tmp("v3-nodata.tif");
    py(`d = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(masked)}, 3, 2, 1, gdal.GDT_Int16)
d.SetGeoTransform([10, 1, 0, 50, 0, -1])
d.GetRasterBand(1).WriteArray(np.array([[0, -9999, 2], [3, 0, 1]], np.int16)); d.GetRasterBand(1).SetNoDataValue(-9999); d = None
print("null")`);
    const out = tmp("v3-nodata.zarr");
    convert(masked, out, "--zarr-format", "3");
    const attrs = py<Record<string, unknown>>(
      `print(json.dumps(json.load(open(${JSON.stringify(`${out}/band_data/zarr.json`)}))["attributes"]))`,
    );
    expect(attrs._FillValue).toBe(-9999);
    const f = tmp("v3-nan.zarr");
    const floats = tmp("v3-float.tif");
    py(`d = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(floats)}, 3, 2, 1, gdal.GDT_Float32)
d.SetGeoTransform([10, 1, 0, 50, 0, -1])
d.GetRasterBand(1).WriteArray(np.array([[0, np.nan, 2], [3, 0, 1]], np.float32)); d.GetRasterBand(1).SetNoDataValue(np.nan); d = None
print("null")`);
    convert(floats, f, "--zarr-format", "3");
    const nan = py<Record<string, unknown>>(
      `print(json.dumps(json.load(open(${JSON.stringify(`${f}/band_data/zarr.json`)}))["attributes"]))`,
    );
    expect(nan._FillValue).toBe("AAAAAAAA+H8=");
    const again = tmp("v3-nodata-back.tif");
    convert(out, again);
    expect(gdalBand(again)).toEqual({
      values: [
        [0, -9999, 2],
        [3, 0, 1],
      ],
      nodata: -9999,
    });
  });
});
