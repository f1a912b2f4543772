/**
 * `convert` keeps packed values as stored, with their packing, as `gdal_translate` does. Before,
 * a CF-packed Zarr variable was written unpacked as float32 (twice the size, its integers gone),
 * and a GeoTIFF whose bands had different scales went into a Zarr store as its stored integers
 * with no packing at all: xarray read 27315 where the field said 273.15 K, exit 0.
 */
import { describe, expect, it } from "vitest";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

/** `tilecast convert -q ...args`, which must succeed; its stderr. */
function convert(...args: string[]): string {
  const r = tilecast("convert", "-q", ...args);
  expect(r.code, r.stderr).toBe(0);
  return r.stderr;
}

/** A CF-packed store made by xarray: `t` int16 (0.01 K + 273.15, fill -32767), `u` int16 read as uint16 (`_Unsigned`). */
function packedStore(path: string, extra = ""): void {
  py(`import xarray as xr
tt, yy, xx = np.mgrid[0:3, 0:24, 0:40]
t = 250 + 40 * np.sin(xx / 9.0 + tt) * np.cos(yy / 7.0)
t[0, 3, 4] = t[2, 20, 30] = np.nan
u = (xx * 1000 + yy * 37 + tt).astype(np.float64)
ds = xr.Dataset({"t": (("time", "lat", "lon"), t), "u": (("time", "lat", "lon"), u)},
                coords={"time": np.array(["2024-01-01", "2024-01-02", "2024-01-03"], "datetime64[ns]"),
                        "lat": 60 - 0.5 * np.arange(24), "lon": 5 + 0.5 * np.arange(40)})
enc = {"t": {"dtype": "int16", "scale_factor": 0.01, "add_offset": 273.15, "_FillValue": -32767, "chunks": (1, 12, 20)},
       "u": {"dtype": "int16", "_Unsigned": "true", "scale_factor": 0.5, "add_offset": -3.0, "chunks": (1, 12, 20)}}
${extra}
ds.to_zarr(${JSON.stringify(path)}, encoding=enc, consolidated=True)
print("null")`);
}

/** xarray's decoded values of `v` in `a` and `b` are the same (NaN where missing), and `b`'s encoding. */
function sameDecoded(a: string, b: string, v: string, bVar = v) {
  return py<{
    same: boolean;
    dtype: string;
    scale: number | null;
    offset: number | null;
    fill: number | null;
  }>(`import xarray as xr
x = xr.open_zarr(${JSON.stringify(a)})[${JSON.stringify(v)}].values
y = xr.open_zarr(${JSON.stringify(b)})[${JSON.stringify(bVar)}]
import zarr
z = zarr.open(${JSON.stringify(b)})[${JSON.stringify(bVar)}]
print(json.dumps({"same": bool(x.shape == y.shape and np.array_equal(x, y.values, equal_nan=True)), "dtype": str(z.dtype),
  "scale": z.attrs.get("scale_factor"), "offset": z.attrs.get("add_offset"),
  "fill": None if z.fill_value is None or np.isnan(float(z.fill_value)) else float(z.fill_value)}))`);
}

describe.skipIf(!hasGdal)("convert keeps packing", () => {
  it("a CF-packed store to GeoTIFF: its stored integers, scale, offset and fill value, as GDAL reads them", () => {
    const store = tmp("pack-src.zarr");
    packedStore(store);
    for (const [v, type, scale, offset, nodata] of [
      ["t", "Int16", 0.01, 273.15, -32767],
      ["u", "UInt16", 0.5, -3, null],
    ] as const) {
      const out = tmp(`pack-${v}.tif`);
      convert(store, out, "--var", v);
      const r = py<{
        same: boolean;
        types: string[];
        scale: number[];
        offset: number[];
        nodata: (number | null)[];
      }>(`import zarr
d = gdal.Open(${JSON.stringify(out)})
stored = zarr.open(${JSON.stringify(store)})[${JSON.stringify(v)}][:]
if ${JSON.stringify(v)} == "u": stored = stored.view(np.uint16)
bands = [d.GetRasterBand(b + 1) for b in range(d.RasterCount)]
print(json.dumps({"same": bool(np.array_equal(d.ReadAsArray(), stored)), "types": [gdal.GetDataTypeName(b.DataType) for b in bands],
  "scale": [b.GetScale() for b in bands], "offset": [b.GetOffset() for b in bands], "nodata": [b.GetNoDataValue() for b in bands]}))`);
      expect(r.same).toBe(true);
      expect(r.types).toEqual([type, type, type]);
      expect(r.scale).toEqual([scale, scale, scale]);
      expect(r.offset).toEqual([offset, offset, offset]);
      expect(r.nodata).toEqual([nodata, nodata, nodata]);
    }
  });

  it("a CF-packed store to Zarr: xarray decodes the copy as the original, from int16 with the same packing", () => {
    const store = tmp("pack-src2.zarr");
    packedStore(store);
    const out = tmp("pack-copy.zarr");
    convert(store, out, "--var", "t");
    expect(sameDecoded(store, out, "t")).toEqual({
      same: true,
      dtype: "int16",
      scale: 0.01,
      offset: 273.15,
      fill: -32767,
    });
    // Stacked with another variable, each keeps its packing in the widened type.
    const both = tmp("pack-both.zarr");
    convert(store, both, "--var", "t,u");
    for (const v of ["t", "u"]) expect(sameDecoded(store, both, v).same).toBe(true);
  });

  it("fill values a raster cannot keep as one nodata: written unpacked, decoded as xarray decodes them", () => {
    const store = tmp("pack-two-fills.zarr");
    packedStore(store, `ds["t"].attrs["missing_value"] = -32000\nenc["t"]["chunks"] = (3, 24, 40)`);
    const out = tmp("pack-two-fills-copy.zarr");
    convert(store, out, "--var", "t");
    const r = sameDecoded(store, out, "t");
    expect(r.same).toBe(true);
    expect(r.dtype).toBe("float32");
  });

  it("a GeoTIFF whose bands are packed differently, to Zarr: unpacked as GDAL unpacks them, and said", () => {
    const tif = tmp("pack-bands.tif");
    py(`yy, xx = np.mgrid[0:24, 0:40]
d = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(tif)}, 40, 24, 2, gdal.GDT_Int16)
d.SetGeoTransform([10, 0.25, 0, 50, 0, -0.25])
sr = osr.SpatialReference(); sr.ImportFromEPSG(4326); d.SetProjection(sr.ExportToWkt())
for b, (s, o) in enumerate([(0.01, 273.15), (10.0, 0.0)]):
    band = d.GetRasterBand(b + 1)
    band.WriteArray((xx * 37 - yy * 11 + b * 500).astype(np.int16)); band.SetScale(s); band.SetOffset(o)
band.WriteArray(np.where(xx == 3, -9999, band.ReadAsArray()).astype(np.int16)); band.SetNoDataValue(-9999)
d = None
print("null")`);
    const out = tmp("pack-bands.zarr");
    expect(convert(tif, out)).toContain(
      "bands 1 and 2 are packed differently (stored x 0.01 + 273.15; stored x 10) and a Zarr variable holds one packing: written unpacked, as float32",
    );
    const same = py<{ same: boolean; dtype: string }>(`import xarray as xr
d = gdal.Open(${JSON.stringify(tif)})
want = []
for b in range(2):
    band = d.GetRasterBand(b + 1); a = band.ReadAsArray()
    v = a.astype(np.float32) * np.float32(band.GetScale()) + np.float32(band.GetOffset())
    want.append(np.where(a == band.GetNoDataValue(), np.nan, v) if band.GetNoDataValue() is not None else v)
got = xr.open_zarr(${JSON.stringify(out)})["band_data"]
print(json.dumps({"same": bool(np.array_equal(np.stack(want), got.values, equal_nan=True)), "dtype": str(got.dtype)}))`);
    expect(same).toEqual({ same: true, dtype: "float32" });
    // One packing for both bands stays packed.
    const one = tmp("pack-one.tif");
    py(`d = gdal.Translate(${JSON.stringify(one)}, ${JSON.stringify(tif)}, scaleParams=None)
for b in range(2): d.GetRasterBand(b + 1).SetScale(0.01); d.GetRasterBand(b + 1).SetOffset(273.15)
d = None
print("null")`);
    const kept = tmp("pack-one.zarr");
    expect(convert(one, kept)).not.toContain("packed differently");
    expect(
      py<unknown[]>(`import zarr
z = zarr.open(${JSON.stringify(kept)})["band_data"]
print(json.dumps([str(z.dtype), z.attrs.get("scale_factor"), z.attrs.get("add_offset")]))`),
    ).toEqual(["int16", 0.01, 273.15]);
  });
});
