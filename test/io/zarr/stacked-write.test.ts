/**
 * Variables read together (`--var t2m,tp`) and written to Zarr come back as variables: `t2m (time,
 * y, x)` and `tp (time, y, x)` sharing the time coordinate, each with its own units and
 * attributes, as xarray opened them from the source. Before, they were one `band_data (band, y,
 * x)` with the times and units lost, its bands named `t2m:2024-01-01T00:00:00.000Z`, ...
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openSource } from "../../../src/io/registry.js";
import { tilecast } from "../../helpers/cli.js";
import { era5Store } from "../../helpers/era5-store.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/** Every value of `path`'s bands, as the built command reads them (`--var`), as plain numbers. */
async function values(path: string, variable: string[]): Promise<number[]> {
  const s = await openSource(path, { variable });
  const g = await s.readWindow({ x: 0, y: 0, width: s.meta.width, height: s.meta.height });
  await s.close();
  return Array.from(g.data, Number);
}

describe.skipIf(!hasGdal)("stacked variables written to Zarr", () => {
  it("are the source's variables again, with their times, units and attributes", async () => {
    const dir = tmp("stacked-write");
    const store = era5Store(dir);
    const out = join(dir, "out.zarr");
    const r = tilecast("convert", store, out, "--var", "t2m,tp", "-q");
    expect(r.stderr).toBe("");
    const seen = py<Record<string, unknown>>(`import xarray as xr
s = xr.open_zarr(${JSON.stringify(store)}); o = xr.open_zarr(${JSON.stringify(out)})
keep = ("units", "long_name", "GRIB_centre", "grid_mapping")
print(json.dumps({
  "vars": sorted(o.data_vars), "dims": {v: list(o[v].dims) for v in ("t2m", "tp")},
  "t2m": bool(np.array_equal(o.t2m.values, s.t2m.values)),
  "tp": float(np.abs(o.tp.values - s.tp.values).max()),
  "time": bool(np.array_equal(o.time.values, s.time.values)),
  "attrs": {v: {k: o[v].attrs.get(k) for k in keep} for v in ("t2m", "tp")},
  "gt": list(gdal.Open(f'ZARR:"${out}":/t2m:0').GetGeoTransform()),
}))`);
    expect(seen).toStrictEqual({
      vars: ["spatial_ref", "t2m", "tp"],
      dims: { t2m: ["time", "y", "x"], tp: ["time", "y", "x"] },
      t2m: true,
      tp: expect.any(Number),
      time: true,
      attrs: {
        t2m: { units: "K", long_name: "2 metre temperature", GRIB_centre: "ecmf", grid_mapping: "spatial_ref" },
        tp: { units: "m", long_name: "Total precipitation", GRIB_centre: "ecmf", grid_mapping: "spatial_ref" },
      },
      gt: [-0.125, 0.25, 0, 50.125, 0, -0.25],
    });
    // tp was read unpacked into float32 beside t2m: float32's rounding of the metres.
    expect(seen.tp).toBeLessThan(1e-8);
    // Read again as variables, it is the stack the source gave.
    expect(await values(out, ["t2m", "tp"])).toStrictEqual(await values(store, ["t2m", "tp"]));
    expect(await values(out, ["tp"])).toStrictEqual((await values(store, ["t2m", "tp"])).slice(40));
  });

  it("a variable of one band is (y, x); in Zarr v3 shards too", async () => {
    const dir = tmp("stacked-write-2d");
    const store = era5Store(dir);
    const out = join(dir, "one.zarr");
    const r = tilecast("convert", store, out, "--var", "t2m,tp", "--index", "time=1", "-q", "--zarr-format", "3");
    expect(r.stderr).toBe("");
    const doc = JSON.parse(readFileSync(join(out, "t2m", "zarr.json"), "utf8"));
    expect([doc.shape, doc.dimension_names, doc.attributes.units]).toStrictEqual([[4, 5], ["y", "x"], "K"]);
    const whole = await values(store, ["t2m", "tp"]);
    const one = await values(out, ["t2m", "tp"]);
    expect(one).toStrictEqual([...whole.slice(20, 40), ...whole.slice(60, 80)]);

    const shards = tilecast(
      "convert",
      store,
      join(dir, "shards.zarr"),
      "--var",
      "t2m,tp",
      "--zarr-format",
      "3",
      "--block",
      "16",
      "--shard-size",
      "32",
      "-q",
    );
    expect(shards.code, shards.stderr).toBe(0);
    expect(await values(join(dir, "shards.zarr"), ["tp", "t2m"])).toStrictEqual(await values(store, ["tp", "t2m"]));
  });

  it("variables on other times, or other levels, get an axis each", async () => {
    const dir = tmp("stacked-write-axes");
    const store = join(dir, "mixed.zarr");
    py(`import xarray as xr
y = 5000000 - 10.0 * (np.arange(3) + 0.5); x = 300000 + 10.0 * (np.arange(2) + 0.5)
v = lambda k: (np.arange(k * 6).reshape(k, 3, 2) + 100 * k).astype("f4")
ds = xr.Dataset({
  "a": (("time", "y", "x"), v(2)), "b": (("t2", "y", "x"), v(3)), "c": (("y", "x"), v(1)[0]),
  "z": (("level", "y", "x"), v(2)), "w": (("time", "y", "x"), v(2) + 1),
}, coords={"y": ("y", y, {"units": "m"}), "x": ("x", x, {"units": "m"}), "level": [500, 850],
  "time": ("time", [0, 6], {"units": "hours since 2024-01-01"}), "t2": ("t2", [0, 1, 2], {"units": "days since 2024-02-01"})})
ds.to_zarr(${JSON.stringify(store)}, mode="w")
print("null")`);
    const out = join(dir, "out.zarr");
    const r = tilecast("convert", store, out, "--var", "a,b,c,z,w", "-q");
    expect(r.stderr).toBe("");
    const seen = py<Record<string, unknown>>(`import xarray as xr
s = xr.open_zarr(${JSON.stringify(store)}); o = xr.open_zarr(${JSON.stringify(out)})
print(json.dumps({
  "dims": {v: list(o[v].dims) for v in "abczw"},
  "equal": [bool(np.array_equal(o[v].values, s[v].values)) for v in "abczw"],
  "time_2": [str(t)[:10] for t in o.time_2.values], "levels": o.z.attrs.get("band_names"),
}))`);
    expect(seen).toStrictEqual({
      dims: {
        a: ["time", "y", "x"],
        b: ["time_2", "y", "x"],
        c: ["y", "x"],
        z: ["band", "y", "x"],
        w: ["time", "y", "x"],
      },
      equal: [true, true, true, true, true],
      time_2: ["2024-02-01", "2024-02-02", "2024-02-03"],
      levels: ["500", "850"],
    });
  });

  it("variables of one name in two groups stay one variable, their bands named", async () => {
    const dir = tmp("stacked-write-groups");
    const store = join(dir, "g.zarr");
    py(`import xarray as xr
y = 5000000 - 10.0 * (np.arange(3) + 0.5); x = 300000 + 10.0 * (np.arange(2) + 0.5)
for g, k in (("r10m", 1), ("r20m", 2)):
    xr.Dataset({"b": (("y", "x"), np.full((3, 2), k, "u2"))}, coords={"y": y, "x": x}).to_zarr(${JSON.stringify(store)}, group=g, mode="a")
import zarr; zarr.consolidate_metadata(${JSON.stringify(store)})
print("null")`);
    const out = join(dir, "out.zarr");
    const r = tilecast("convert", store, out, "--var", "r10m/b,r20m/b", "-q");
    expect(r.stderr).toBe("");
    const seen = py<Record<string, unknown>>(`import xarray as xr
o = xr.open_zarr(${JSON.stringify(out)})
print(json.dumps({"vars": sorted(o.data_vars), "names": o.band_data.attrs["band_names"], "v": o.band_data.values[:, 0, 0].tolist()}))`);
    expect(seen).toStrictEqual({ vars: ["band_data"], names: ["r10m/b", "r20m/b"], v: [1, 2] });
  });
});
