/**
 * `missing_value` given as a list (`[-999, -9999]`, as netCDF attributes are arrays), beside a
 * `_FillValue`: xarray masks every value listed, and so does tilecast, on floats and on packed
 * integers. tilecast masked the first value only.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

describe.skipIf(!hasGdal)("missing_value lists", () => {
  it("masks every listed value as xarray does", async () => {
    const store = join(tmp("missing-list"), "m.zarr");
    const want = py<Record<string, (number | null)[]>>(`import xarray as xr, zarr
g = zarr.open_group(${JSON.stringify(store)}, mode="w")
f = np.array([[1.5, -999, 3], [-9999, 5, -1]], "f4")
i = np.array([[10, -999, 30], [-9999, 50, -32768]], "i2")
for name, data, attrs in (("floats", f, {"missing_value": [-999.0, -9999.0], "_FillValue": -1.0}),
                          ("packed", i, {"missing_value": [-999, -9999], "scale_factor": 0.1})):
    a = g.create_dataset(name, data=data, fill_value=None)
    a.attrs.update({"_ARRAY_DIMENSIONS": ["y", "x"], **attrs})
g.create_dataset("y", data=np.array([1.0, 0.0])).attrs["_ARRAY_DIMENSIONS"] = ["y"]
g.create_dataset("x", data=np.arange(3.0)).attrs["_ARRAY_DIMENSIONS"] = ["x"]
ds = xr.open_zarr(${JSON.stringify(store)}, consolidated=False)
print(json.dumps({k: [None if np.isnan(v) else float(v) for v in ds[k].values.astype("f8").ravel()] for k in ("floats", "packed")}))`);
    expect(want.floats?.filter((v) => v === null)).toHaveLength(3);
    for (const name of ["floats", "packed"]) {
      const src = await openZarrSource(store, { variable: name });
      const g = await src.readWindow({ x: 0, y: 0, width: 3, height: 2 });
      const got = Array.from(g.data as Float32Array, (v) => (Number.isNaN(v) ? null : v));
      expect(got, name).toStrictEqual(want[name]?.map((v) => (v === null ? null : Math.fround(v))));
    }
  });
});
