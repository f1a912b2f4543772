/**
 * Several variables of a store read as one raster's bands (`--var b02,b03,b04,b08`, `input.var:
 * [t2m, u10]`): a Sentinel-2 product whose bands are variables, as ESA's Zarr format keeps them,
 * or weather fields as a model's channels. Values equal xarray's `to_array()` of the same
 * variables, widened with NaN for missing cells where their types differ; a variable off the
 * first's grid is refused naming both; time-series models refuse several variables.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openSource } from "../../src/io/registry.js";
import { loadPipeline } from "../../src/pipeline/config.js";
import { singleVariable } from "../../src/pipeline/input.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

/** Values with NaN as null, for comparing with JSON. */
const plain = (v: ArrayLike<number>) => Array.from(v, (x) => (Number.isNaN(x) ? null : x));

describe.skipIf(!hasGdal)("variables stacked as bands", () => {
  it("a product's band variables are one raster's bands, as xarray's to_array() has them", async () => {
    const dir = tmp("stack");
    const store = join(dir, "s2.zarr");
    const want = py<{ s2: number[]; mixed: (number | null)[] }>(`import xarray as xr
rng = np.random.default_rng(3)
y = 5000000 - 10.0 * (np.arange(4) + 0.5); x = 300000 + 10.0 * (np.arange(5) + 0.5)
bands = {b: (("y", "x"), rng.integers(1, 10000, (4, 5)).astype("u2")) for b in ("b02", "b03", "b04", "b08")}
ds = xr.Dataset(bands, coords={"y": ("y", y, {"units": "m"}), "x": ("x", x, {"units": "m"})})
a = rng.integers(0, 5, (4, 5)).astype("u2")  # 0 is its fill value
t = rng.normal(280, 5, (2, 4, 5)).astype("f4"); t[1, 0, 0] = np.nan
ds["a"] = (("y", "x"), a, {"_FillValue": 0})
ds["t"] = (("time", "y", "x"), t)
ds["small"] = (("y2", "x2"), np.zeros((2, 3), "f4"))
ds = ds.assign_coords(time=("time", [0, 6], {"units": "hours since 2024-01-01"}))
ds.to_zarr(${JSON.stringify(store)}, mode="w")
back = xr.open_zarr(${JSON.stringify(store)})
s2 = back[["b02", "b03", "b04", "b08"]].to_array().values
mixed = np.concatenate([back["a"].values[None].astype("f4"), back["t"].values])
print(json.dumps({"s2": s2.ravel().tolist(), "mixed": [None if np.isnan(v) else float(v) for v in mixed.ravel()]}))`);
    const s2 = await openSource(store, { variable: ["b02", "b03", "b04", "b08"] });
    expect(s2.meta).toMatchObject({ bands: 4, dtype: "uint16", width: 5, height: 4 });
    expect(s2.meta.attrs.bandNames).toStrictEqual(["b02", "b03", "b04", "b08"]);
    expect(s2.meta.georef?.transform).toStrictEqual([300000, 10, 0, 5000000, 0, -10]);
    expect(Array.from((await s2.readWindow({ x: 0, y: 0, width: 5, height: 4 })).data)).toStrictEqual(want.s2);
    // Some bands, in another order: each from its own variable.
    const two = await s2.readWindow({ x: 1, y: 2, width: 2, height: 1 }, { bands: [3, 0] });
    expect(Array.from(two.data)).toStrictEqual([want.s2[3 * 20 + 11], want.s2[3 * 20 + 12], want.s2[11], want.s2[12]]);
    expect(two.attrs.bandNames).toStrictEqual(["b08", "b02"]);
    await s2.close();

    // uint16 with a fill value beside float32 with NaN: float32, each variable's missing cells NaN.
    const mixed = await openSource(store, { variable: ["a", "t"] });
    expect(mixed.meta).toMatchObject({ bands: 3, dtype: "float32" });
    expect(mixed.meta.nodata).toBeNaN();
    expect(mixed.meta.attrs.bandNames).toStrictEqual(["a", "t:2024-01-01T00:00:00.000Z", "t:2024-01-01T06:00:00.000Z"]);
    const got = plain((await mixed.readWindow({ x: 0, y: 0, width: 5, height: 4 })).data);
    expect(got).toStrictEqual(want.mixed.map((v) => (v === null ? null : Math.fround(v))));
    expect(got.filter((v) => v === null).length).toBeGreaterThan(1);
    await mixed.close();

    // One time step of t beside the static a: the index fixes t's time and leaves a alone.
    const step = await openSource(store, { variable: ["a", "t"], index: { time: 1 } });
    expect(step.meta.attrs.bandNames).toStrictEqual(["a", "t"]);
    expect(plain((await step.readWindow({ x: 0, y: 0, width: 5, height: 4 })).data)).toStrictEqual(
      [...want.mixed.slice(0, 20), ...want.mixed.slice(40, 60)].map((v) => (v === null ? null : Math.fround(v))),
    );
    await step.close();
    await expect(openSource(store, { variable: "a", index: { time: 1 } })).rejects.toThrow(
      "no dimension 'time' in 'a'",
    );

    await expect(openSource(store, { variable: ["b02", "small"] })).rejects.toThrow(
      `${store}: variable 'small' is not on 'b02''s grid: 3 x 2 cells, 'b02' 5 x 4`,
    );

    // The command line: --var with commas; GDAL reads the bands and their names from the output.
    const tif = join(dir, "s2.tif");
    execFileSync(process.execPath, ["bin/tilecast.js", "convert", store, tif, "--var", "b02,b03,b04,b08", "-q"]);
    const gdal = py<{ names: string[]; values: number[] }>(`d = gdal.Open(${JSON.stringify(tif)})
print(json.dumps({"names": [d.GetRasterBand(b + 1).GetDescription() for b in range(d.RasterCount)], "values": d.ReadAsArray().ravel().tolist()}))`);
    expect(gdal).toStrictEqual({ names: ["b02", "b03", "b04", "b08"], values: want.s2 });
  });

  it("time-series models read one variable", async () => {
    const p = await loadPipeline("pipelines/global-forecast-train.yaml", ["input.var=[t, u]"]);
    expect(() => singleVariable(p, "a sequence model")).toThrow(
      "input.var: a sequence model reads one variable (its bands are time steps), not 2; tile models read several as bands",
    );
    const one = await loadPipeline("pipelines/global-forecast-train.yaml", ["input.var=[t]"]);
    expect(singleVariable(one, "a sequence model")).toBe("t");
  });
});
