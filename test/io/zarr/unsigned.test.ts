/**
 * `_Unsigned`, as netCDF 3 files carry unsigned data (GOES ABI radiances are uint16 stored as int16
 * with `_Unsigned = "true"`, a fill value and a scale) and as xarray keeps it when such a file is
 * written to Zarr: tilecast decodes every integer width, packed or not, with fill values given as
 * the stored or as the unsigned number, and `"false"` on an unsigned type, to xarray's values and
 * dtype. Before, values past the signed range came out negative, with no error.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

interface Case {
  name: string;
  dtype: string;
  unsigned: string;
  fill?: number;
  scale?: number;
  offset?: number;
}

const CASES: Case[] = [
  { name: "goes_rad", dtype: "i2", unsigned: "true", fill: 1023, scale: 0.5, offset: -10 },
  { name: "i2_negative_fill", dtype: "i2", unsigned: "true", fill: -1 },
  { name: "i2_unsigned_fill", dtype: "i2", unsigned: "true", fill: 65535 },
  { name: "i1_packed", dtype: "i1", unsigned: "true", fill: -1, scale: 0.1 },
  { name: "i4_plain", dtype: "i4", unsigned: "true" },
  { name: "u1_signed", dtype: "u1", unsigned: "false", fill: 255 },
  { name: "f4_ignored", dtype: "f4", unsigned: "true" },
];

describe.skipIf(!hasGdal)("_Unsigned", () => {
  it("decodes every integer width as xarray does", async () => {
    const store = join(tmp("unsigned"), "u.zarr");
    const want = py<Record<string, { values: (number | null)[]; dtype: string }>>(`import xarray as xr, zarr
cases = ${JSON.stringify(CASES)}
rng = np.random.default_rng(7)
g = zarr.open_group(${JSON.stringify(store)}, mode="w")
bits = {"i1": 8, "u1": 8, "i2": 16, "i4": 32, "f4": 32}
for c in cases:
    if c["dtype"] == "f4":
        raw = rng.normal(0, 100, (4, 6)).astype("f4")
    else:
        info = np.iinfo(c["dtype"])
        raw = rng.integers(info.min, info.max, (4, 6), endpoint=True).astype(c["dtype"])
        if "fill" in c:
            raw[0, 0] = np.array(c["fill"]).astype(c["dtype"])  # the fill, as stored bits
    a = g.create_dataset(c["name"], data=raw, fill_value=None)  # the fill in _FillValue alone
    attrs = {"_ARRAY_DIMENSIONS": ["y", "x"], "_Unsigned": c["unsigned"]}
    for k, key in (("fill", "_FillValue"), ("scale", "scale_factor"), ("offset", "add_offset")):
        if k in c: attrs[key] = c[k]
    a.attrs.update(attrs)
g.create_dataset("y", data=np.arange(4.0)[::-1]).attrs["_ARRAY_DIMENSIONS"] = ["y"]
g.create_dataset("x", data=np.arange(6.0)).attrs["_ARRAY_DIMENSIONS"] = ["x"]
ds = xr.open_zarr(${JSON.stringify(store)}, consolidated=False)
out = {}
for c in cases:
    v = ds[c["name"]].values.astype("f8")
    out[c["name"]] = {"values": [None if np.isnan(x) else float(x) for x in v.ravel()], "dtype": str(ds[c["name"]].dtype)}
print(json.dumps(out))`);
    // A case that proves the point: a GOES-like radiance past int16's range.
    expect(want.goes_rad?.values.some((v) => v !== null && v > 16383)).toBe(true);
    const READ = { i1: "uint8", i2: "uint16", i4: "uint32", u1: "int8", f4: "float32" } as Record<string, string>;
    for (const c of CASES) {
      const src = await openZarrSource(store, { variable: c.name });
      const w = want[c.name];
      // Integers with a fill value and no packing stay integers here, the fill value their nodata
      // (xarray makes them float with NaN): the type `_Unsigned` names.
      const keepsInteger = c.scale === undefined && c.offset === undefined && c.fill !== undefined;
      expect(src.meta.dtype, c.name).toBe(keepsInteger ? READ[c.dtype] : w?.dtype);
      const g = await src.readWindow({ x: 0, y: 0, width: 6, height: 4 });
      const nodata = src.meta.nodata;
      const got = Array.from(g.data as ArrayLike<number>, (v) => (Number.isNaN(v) || v === nodata ? null : v));
      // float32 decoding, as numpy computes it: exact to float32's digits.
      got.forEach((v, i) => {
        const e = w?.values[i];
        if (v === null || e === null || e === undefined) expect(v, `${c.name}[${i}]`).toBe(e ?? null);
        else expect(Math.abs(v - e), `${c.name}[${i}] ${v} vs ${e}`).toBeLessThanOrEqual(Math.abs(e) * 1e-7);
      });
      // An unpacked integer's fill value is its nodata, in the type `_Unsigned` names.
      if (c.name === "i2_negative_fill" || c.name === "i2_unsigned_fill") expect(nodata).toBe(65535);
      if (c.name === "u1_signed") expect(nodata).toBe(-1);
    }
  });
});
