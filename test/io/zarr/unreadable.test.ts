/**
 * A store's arrays of a type tilecast does not read (complex numbers, raw bytes, structured
 * records) are set aside, not fatal: before, one complex variable beside a float one made every
 * variable unreadable ("cannot open array 'c64' (Unsupported or unknown dtype: <c8)"; records gave
 * "dtype.match is not a function"), where xarray reads the others.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unreadableType } from "../../../src/io/zarr/unreadable.js";
import { tilecast } from "../../helpers/cli.js";
import { py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

describe("arrays tilecast does not read", () => {
  it("are listed by inspect and refused by name; the store's other variables read as zarr-python reads them", () => {
    const dir = tmp("unreadable");
    mkdirSync(dir);
    const store = join(dir, "mixed.zarr");
    const expected = py<number[]>(`import numpy as np, xarray as xr, zarr
t = (np.arange(12, dtype="float32").reshape(3, 4) * 1.5)
ds = xr.Dataset({"t": (("y", "x"), t), "c64": (("y", "x"), (t + 1j).astype("complex64"))},
                coords={"y": [3.0, 2.0, 1.0], "x": [0.0, 1.0, 2.0, 3.0]})
ds.to_zarr(${JSON.stringify(store)}, mode="w")
g = zarr.open_group(${JSON.stringify(store)})
g.create_dataset("rec", shape=(3,), dtype=[("a", "<i4"), ("b", "<f4")]).attrs["_ARRAY_DIMENSIONS"] = ["y"]
g.create_dataset("raw", shape=(3,), dtype="|V8").attrs["_ARRAY_DIMENSIONS"] = ["y"]
zarr.consolidate_metadata(${JSON.stringify(store)})
print(json.dumps(zarr.open_group(${JSON.stringify(store)})["t"][:].ravel().tolist()))`);

    const text = tilecast("inspect", store);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      "  not read\n    c64          complex numbers (<c8)\n    raw          raw bytes (|V8)\n    rec          structured records (fields a, b)",
    );
    const json = tilecast("inspect", store, "--json");
    expect(JSON.parse(json.stdout).unreadable).toStrictEqual({
      c64: "complex numbers (<c8)",
      raw: "raw bytes (|V8)",
      rec: "structured records (fields a, b)",
    });

    const out = join(dir, "t.tif");
    const r = tilecast("convert", store, out, "--var", "t", "-q");
    expect(r.code, r.stderr).toBe(0);
    const got = py<number[]>(`from osgeo import gdal
print(json.dumps(gdal.Open(${JSON.stringify(out)}).ReadAsArray().ravel().tolist()))`);
    expect(got).toStrictEqual(expected);

    const c = tilecast("convert", store, join(dir, "c.tif"), "--var", "c64", "-q");
    expect([c.code, c.stderr]).toStrictEqual([
      1,
      `tilecast: ${store}: variable 'c64' holds complex numbers (<c8), which tilecast does not read\n`,
    ]);
  });

  it("a store of nothing else says what it holds", () => {
    const store = tmp("complex-only.zarr");
    py(`import numpy as np, zarr
zarr.open_array(${JSON.stringify(store)}, mode="w", shape=(2, 2), dtype="<c16")
print("null")`);
    const r = tilecast("inspect", store);
    expect([r.code, r.stderr]).toStrictEqual([
      1,
      `tilecast: ${store}: no array tilecast reads: its one array holds complex numbers (<c16)\n`,
    ]);
  });

  it("knows v3's names of the same types", () => {
    expect(unreadableType({ data_type: "complex128" }, 3)).toBe("complex numbers (complex128)");
    expect(unreadableType({ data_type: "r16" }, 3)).toBe("raw bytes (r16)");
    expect(unreadableType({ data_type: "float32" }, 3)).toBeNull();
    expect(unreadableType({ dtype: ">c8" }, 2)).toBe("complex numbers (>c8)");
    expect(unreadableType({ dtype: "<f8" }, 2)).toBeNull();
  });
});
