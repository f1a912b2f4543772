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
import { stackSources } from "../../src/io/stack.js";
import { loadPipeline } from "../../src/pipeline/config.js";
import { singleVariable } from "../../src/pipeline/input.js";
import { era5Store } from "../helpers/era5-store.js";
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

  it("each band keeps its variable's unit, description and scale; what all share stays the raster's", async () => {
    const dir = tmp("stack-attrs");
    const store = era5Store(dir);
    const s = await openSource(store, { variable: ["t2m", "tp"] });
    const t2m = { long_name: "2 metre temperature" };
    const tp = { long_name: "Total precipitation" };
    expect(s.meta.attrs).toStrictEqual({
      GRIB_centre: "ecmf",
      bandNames: s.meta.attrs.bandNames,
      bandUnits: ["K", "K", "m", "m"],
      bandMetadata: [t2m, t2m, tp, tp],
      bandVariables: ["t2m", "t2m", "tp", "tp"],
    });
    // A window of some bands keeps theirs.
    const g = await s.readWindow({ x: 0, y: 0, width: 2, height: 1 }, { bands: [2, 0] });
    expect([g.attrs.bandUnits, g.attrs.bandMetadata, g.attrs.bandVariables]).toStrictEqual([
      ["m", "K"],
      [tp, t2m],
      ["tp", "t2m"],
    ]);
    await s.close();

    // GDAL reads them from the GeoTIFF output: units and descriptions per band, the shared item once.
    const tif = join(dir, "era5.tif");
    execFileSync(process.execPath, ["bin/tilecast.js", "convert", store, tif, "--var", "t2m,tp", "-q"]);
    const seen = py<{
      units: string[];
      long: (string | null)[];
      centre: string | null;
      scale: number[];
    }>(`d = gdal.Open(${JSON.stringify(tif)})
b = [d.GetRasterBand(i + 1) for i in range(d.RasterCount)]
print(json.dumps({"units": [x.GetUnitType() for x in b], "long": [x.GetMetadataItem("long_name") for x in b],
  "centre": d.GetMetadataItem("GRIB_centre"), "scale": [x.GetScale() or 1 for x in b]}))`);
    expect(seen).toStrictEqual({
      units: ["K", "K", "m", "m"],
      long: ["2 metre temperature", "2 metre temperature", "Total precipitation", "Total precipitation"],
      centre: "ecmf",
      scale: [1, 1, 1, 1], // tp is read unpacked: its values are metres already
    });

    // Rasters with scale and offset (GeoTIFFs, stacked through the API) keep each band's.
    const [a, b] = [join(dir, "a.tif"), join(dir, "b.tif")];
    py(`drv = gdal.GetDriverByName("GTiff")
for p, sc, off in ((${JSON.stringify(a)}, 0.5, 10), (${JSON.stringify(b)}, None, None)):
    d = drv.Create(p, 3, 2, 1, gdal.GDT_Int16); d.SetGeoTransform([0, 1, 0, 2, 0, -1])
    if sc: d.GetRasterBand(1).SetScale(sc); d.GetRasterBand(1).SetOffset(off)
    d.GetRasterBand(1).WriteArray(np.arange(6, dtype="i2").reshape(2, 3)); d = None
print("null")`);
    const stacked = stackSources([await openSource(a), await openSource(b)], ["a", "b"]);
    expect([stacked.meta.attrs.scale, stacked.meta.attrs.offset]).toStrictEqual([
      [0.5, 1],
      [10, 0],
    ]);
    await stacked.close();
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
