/**
 * An input in other units than the model's training data (reflectance 0-1 into a model trained on
 * 0-10000 counts, degrees Celsius into one trained on kelvin) gave confident nonsense, exit 0, with
 * nothing said. Runs and forecasts now say which bands lie mostly outside the training range; the
 * inputs the models were made for stay quiet.
 */
import { describe, expect, it } from "vitest";
import { createGrid } from "../../src/grid/grid.js";
import { runCycle } from "../../src/ops/cycle.js";
import { TrainingRange } from "../../src/pipeline/training-range.js";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const SCENE = "fixtures/scene-seg/test.s2like.u16.4b.tif";
const TRACER = "fixtures/global-tracer/tracer-5.625deg-6h.zarr";

describe("TrainingRange", () => {
  const stats = {
    bands: [
      { count: 9, mean: 5, std: 2, min: 0, max: 10 },
      { count: 9, mean: 50, std: 20, min: 0, max: 100 },
    ],
    transforms: ["none" as const, "none" as const],
  };

  it("names a band whose sampled values lie mostly outside its range, counting no nodata cell", () => {
    const r = new TrainingRange(stats, ["a", "b"]);
    // Band a: 7 x 7 cells, every 7th sampled (cells 0, 7, ..., 42: 7 of them); band b in range.
    const data = new Float32Array(98);
    for (let i = 0; i < 49; i++) data[i] = i % 2 ? 20 : -9999; // sampled: 0, 14, 28, 42 nodata; 7, 21, 35 outside
    for (let i = 49; i < 98; i++) data[i] = 40;
    r.add(createGrid("float32", [2, 7, 7], { data, nodata: -9999 }));
    expect(r.warning()).toBe(
      "the input lies mostly outside the range the model was trained on: band 1 (a) 100 % outside 0 to 10; is it in the same units as the training data?",
    );
  });

  it("is quiet when half or less of a band is outside", () => {
    const r = new TrainingRange(stats);
    const data = new Float32Array(14).fill(5);
    data[7] = 11; // one of the two sampled cells of band 1
    r.add(createGrid("float32", [2, 1, 7], { data }));
    expect(r.warning()).toBeNull();
  });

  it("one variable's time steps are counted together and named by the variable", () => {
    const r = new TrainingRange(stats, [], "t2m");
    r.add(createGrid("float32", [2, 1, 7], { data: new Float32Array(14).fill(-3) }));
    expect(r.warning()).toContain("'t2m' 100 % outside 0 to 10;");
  });
});

describe.skipIf(!hasGdal)("runs and forecasts on inputs in other units", () => {
  it("run: a reflectance scene into the counts-trained segmentation model is named; the counts scene is not", () => {
    const refl = tmp("refl.tif");
    py(`gdal.Translate(${JSON.stringify(refl)}, ${JSON.stringify(SCENE)}, outputType=gdal.GDT_Float32, scaleParams=[[0, 10000, 0, 1]])
print("null")`);
    const at = (name: string) => [
      "--set",
      `output.path=${tmp(`${name}.tif`)}`,
      "--set",
      "output.classes=null",
      "--set",
      "output.quicklook=null",
    ];
    const bad = tilecast("run", "pipelines/scene-seg.yaml", "--set", `input.path=${refl}`, ...at("refl-out"), "--json");
    expect(bad.code).toBe(0);
    const s = JSON.parse(bad.stdout);
    expect(s.inputWarning).toMatch(
      /^the input lies mostly outside the range the model was trained on: band 1 \(blue\) 100 % outside 72 to 6424; band 2 \(green\) 100 %/,
    );
    const good = tilecast("run", "pipelines/scene-seg.yaml", ...at("good-out"), "--json");
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout).inputWarning).toBeUndefined();
    const text = tilecast("run", "pipelines/scene-seg.yaml", "--set", `input.path=${refl}`, ...at("refl-text"), "-q");
    expect(text.stdout).toContain(
      "  warning   the input lies mostly outside the range the model was trained on: band 1 (blue)",
    );
  });

  it("forecast: the tracer in degrees Celsius into the kelvin-trained global model is named; in kelvin it is not", async () => {
    const celsius = tmp("celsius.zarr");
    py(`import xarray as xr
ds = xr.open_zarr(${JSON.stringify(TRACER)}).isel(time=slice(715, 735)).load()
t = (ds.t - 273.15).astype("float32")
t.attrs = {**ds.t.attrs, "units": "degC"}
out = ds.assign(t=t)
for v in out.variables.values(): v.encoding = {}
out.to_zarr(${JSON.stringify(celsius)}, mode="w")
print("null")`);
    const cycle = ["--cycle", "2000-07-01T00:00Z"];
    const bad = tilecast(
      "forecast",
      "pipelines/global-forecast.yaml",
      "--set",
      `input.path=${celsius}`,
      "--set",
      `output.path=${tmp("c.zarr")}`,
      ...cycle,
    );
    expect(bad.stderr).toBe("");
    expect(bad.code).toBe(0);
    expect(bad.stdout).toMatch(
      / {2}warning {3}the input's units are not the model's: 't' is in degC, the model's in K; the input lies mostly outside the range the model was trained on: 't' 100 % outside 250\.1 to 292\.8;/,
    );
    // A scheduled cycle keeps the warning in its record, which the operations page reads.
    const r = await runCycle("pipelines/global-forecast.yaml", new Date("2000-07-01T06:00Z"), {
      state: tmp("state"),
      sets: [`input.path=${celsius}`, `output.path=${tmp("cycle.zarr")}`],
    });
    expect(r.status).toBe("ok");
    expect(r.warning).toMatch(/'t' 100 % outside 250\.1 to 292\.8;/);
    const good = tilecast(
      "forecast",
      "pipelines/global-forecast.yaml",
      "--set",
      `output.path=${tmp("k.zarr")}`,
      ...cycle,
    );
    expect(good.code).toBe(0);
    expect(good.stdout).not.toContain("warning");
  });
});
