/**
 * Float values packed into integers by numcodecs' fixedscaleoffset or astype filter, with a fill
 * value no integer holds (NaN, an infinity): xarray's usual packing. zarr-python fills a missing
 * chunk with the fill value in the array's own type and never casts it through the filters, and
 * xarray reads that fill value as missing; tilecast read every chunk of such an array as
 * "corrupt chunk (Cannot cast NaN to integer type without scalar_map)".
 */
import { describe, expect, it } from "vitest";
import { openSource } from "../../../src/io/registry.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/**
 * A store at `path` whose variable `v` (2 x 23 x 41, chunks 1 x 10 x 16) zarr-python writes with
 * `filter` and `fill`, band 0 written and band 1 left to its fill value, and the values xarray
 * reads (missing, NaN, as null).
 */
function packed(path: string, dtype: string, filter: string, fill: string): (number | null)[] {
  return py(`import zarr, numcodecs, xarray as xr
rs = np.random.default_rng(5)
a = (rs.standard_normal((23, 41)) * 50).astype(${JSON.stringify(dtype)})
g = zarr.open_group(${JSON.stringify(path)}, mode="w")
z = g.create_dataset("v", shape=(2, 23, 41), dtype=${JSON.stringify(dtype)}, chunks=(1, 10, 16), fill_value=${fill}, compressor=numcodecs.Zlib(1), filters=[numcodecs.${filter}])
z[0] = a
z.attrs["_ARRAY_DIMENSIONS"] = ["band", "y", "x"]
b = xr.open_zarr(${JSON.stringify(path)}, consolidated=False)["v"].values.astype(float).ravel()
print(json.dumps([None if math.isnan(v) else v for v in b.tolist()]))`);
}

async function tilecastValues(path: string): Promise<(number | null)[]> {
  const src = await openSource(path, { variable: "v" });
  try {
    const g = await src.readWindow({ x: 0, y: 0, width: src.meta.width, height: src.meta.height });
    return Array.from(g.data as ArrayLike<number>, (v) => (Number.isNaN(v) ? null : v));
  } finally {
    await src.close();
  }
}

describe.skipIf(!hasGdal)("packed floats with a fill value no integer holds", () => {
  it.each([
    ["<f4 as <i2, fill NaN", "<f4", "FixedScaleOffset(offset=0, scale=10, dtype='<f4', astype='<i2')", "np.nan"],
    ["<f8 as |u1, fill NaN", "<f8", "FixedScaleOffset(offset=-200, scale=0.5, dtype='<f8', astype='|u1')", "np.nan"],
    [
      "big-endian >f4 as <i4, fill -inf",
      ">f4",
      "FixedScaleOffset(offset=5, scale=100, dtype='>f4', astype='<i4')",
      "-np.inf",
    ],
    ["<f4 as <i2 by astype, fill inf", "<f4", "AsType(encode_dtype='<i2', decode_dtype='<f4')", "np.inf"],
  ])("%s: xarray's values, the band never written missing", async (_what, dtype, filter, fill) => {
    const path = tmp("packed.zarr");
    const ref = packed(path, dtype, filter, fill);
    const got = await tilecastValues(path);
    expect(got).toStrictEqual(ref);
    expect(new Set(ref.slice(0, 23 * 41)).size).toBeGreaterThan(50); // band 0: packed values
    expect(new Set(ref.slice(23 * 41))).toStrictEqual(new Set([null])); // band 1: never written
  });

  it("a store xarray writes with a fixedscaleoffset encoding reads as xarray reads it", async () => {
    const path = tmp("xr-packed.zarr");
    const ref = py<(number | null)[]>(`import xarray as xr, numcodecs
rs = np.random.default_rng(7)
v = (rs.random((2, 23, 41)) * 300).astype("float32")
v[1, 4, 5] = np.nan
ds = xr.Dataset({"v": (("band", "y", "x"), v)})
enc = {"v": {"filters": [numcodecs.FixedScaleOffset(offset=0, scale=10, dtype="<f4", astype="<i2")], "chunks": (1, 10, 16)}}
ds.to_zarr(${JSON.stringify(path)}, encoding=enc, mode="w")
b = xr.open_zarr(${JSON.stringify(path)})["v"].values.astype(float).ravel()
print(json.dumps([None if math.isnan(x) else x for x in b.tolist()]))`);
    expect(await tilecastValues(path)).toStrictEqual(ref);
  });

  it("an astype filter written for another type than the array's is refused naming astype", async () => {
    const path = tmp("astype-other.zarr");
    py(`import zarr, numcodecs
g = zarr.open_group(${JSON.stringify(path)}, mode="w")
z = g.create_dataset("v", shape=(2, 23, 41), dtype="<f4", chunks=(1, 10, 16), filters=[numcodecs.AsType(encode_dtype="<f4", decode_dtype="<f8")])
z.attrs["_ARRAY_DIMENSIONS"] = ["band", "y", "x"]
print("null")`);
    await expect(tilecastValues(path)).rejects.toThrow(
      `${path}: array 'v' uses an astype filter for <f8 values, but the array holds <f4`,
    );
  });
});
