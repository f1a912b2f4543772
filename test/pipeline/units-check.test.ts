/**
 * Radar reflectivity in dBZ fed to the nowcaster of rain rates in mm h-1 made a nowcast without a
 * word: the model was trained without normalization, so no statistics file could say the values
 * were out of range. The card records each input's units, and a forecast or run whose input
 * declares others now warns; spellings of one unit (`mm/h`, `mm h-1`) are one unit.
 */
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalUnit, sameUnits, unitsWarning } from "../../src/pipeline/units-check.js";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

describe("units", () => {
  it("reads one unit however it is spelled, and tells different units apart", () => {
    for (const u of ["mm h-1", "mm/h", "mm hr-1", "mm h**-1", "mm h^-1", "millimeters/hour"])
      expect(canonicalUnit(u)).toBe("h-1 mm");
    expect(canonicalUnit("kg/m2/s")).toBe(canonicalUnit("kg m**-2 s**-1"));
    expect(sameUnits("K", "kelvin")).toBe(true);
    expect(sameUnits("degC", "°C")).toBe(true);
    expect(sameUnits("K", "degC")).toBe(false);
    expect(sameUnits("mm h-1", "dBZ")).toBe(false);
    expect(sameUnits("mm h-1", "mm")).toBe(false);
    expect(unitsWarning(["K", "K"], ["K", "degC"], ["t2m", "d2m"])).toBe(
      "the input's units are not the model's: band 2 (d2m) is in degC, the model's in K",
    );
    expect(unitsWarning(["K"], [null])).toBeNull(); // undeclared: nothing to compare
  });
});

describe.skipIf(!hasGdal)("a nowcast from an input in other units", () => {
  it("warns when the store's units are dBZ; mm/h is the model's mm h-1", () => {
    const dir = tmp("units");
    const [dbz, mmh] = [join(dir, "dbz.zarr"), join(dir, "mmh.zarr")];
    py(`import xarray as xr
ds = xr.open_zarr(${JSON.stringify(resolve("fixtures/radar-knmi/knmi-20100826.rain-4km.zarr"))}).isel(time=slice(60, 72)).load()
for v in ds.variables.values(): v.encoding = {}
for path, units in [(${JSON.stringify(dbz)}, "dBZ"), (${JSON.stringify(mmh)}, "mm/h")]:
    ds.rain_rate.attrs["units"] = units
    ds.to_zarr(path, mode="w")
print("null")`);
    /** The nowcast's printed summary (the CLI runs on wasm; in this process TF.js would be slow). */
    const nowcast = (input: string) => {
      const r = tilecast(
        "nowcast",
        "pipelines/radar-nowcast.yaml",
        "--cycle",
        "2010-08-26T05:40Z",
        "--set",
        `input.path=${input}`,
        "--set",
        `output.path=${input.replace(".zarr", ".nc.zarr")}`,
      );
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };
    expect(nowcast(dbz)).toContain(
      "\n  warning   the input's units are not the model's: 'rain_rate' is in dBZ, the model's in mm h-1\n",
    );
    expect(nowcast(mmh)).not.toContain("warning");
  });
});
