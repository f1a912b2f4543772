/**
 * `forecast` and `nowcast` take a GeoTIFF time series (GDAL's conversion of a netCDF file) as
 * input, but `evaluate` took only a Zarr store as observations: "radar.tif: not a Zarr store".
 * Observations are now any raster whose bands are times, read as the forecast read its input
 * (packed values unpacked), and score the same as the store they came from.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const RADAR = resolve("fixtures/radar-knmi/knmi-20100826.rain-4km.zarr");
const NOWCAST = "pipelines/radar-nowcast.yaml";

/** Nowcasts of two cycles from `input`, scored against `observations` at 1 and 5 mm/h. */
function scores(dir: string, name: string, input: string, observations: string) {
  const out = join(dir, `${name}.zarr`);
  const sets = [`input.path=${input}`, `output.path=${out}`, ...(input.endsWith(".tif") ? ["input.var=null"] : [])];
  const r = tilecast(
    "nowcast",
    NOWCAST,
    "--cycle",
    "2010-08-26T05:30Z",
    "--until",
    "2010-08-26T05:35Z",
    ...sets.flatMap((s) => ["--set", s]),
  );
  expect(r.code, r.stderr).toBe(0);
  const e = tilecast("evaluate", out, observations, "--thresholds", "1,5", "--json");
  expect(e.code, e.stderr).toBe(0);
  return JSON.parse(e.stdout).methods as Record<string, { csi: number[][] }>;
}

describe.skipIf(!hasGdal)("observations of any raster format", () => {
  it("a nowcast from a GeoTIFF series scores against it as the store's nowcast does against the store", () => {
    const dir = tmp("observations");
    mkdirSync(dir, { recursive: true });
    const [plain, packed] = [join(dir, "radar.tif"), join(dir, "radar.i16.tif")];
    const made = py<[boolean, number]>(`import xarray as xr
ds = xr.open_zarr(${JSON.stringify(RADAR)}).isel(time=slice(60, 80)).load()
for v in ds.variables.values(): v.encoding = {}
ds.to_netcdf(${JSON.stringify(join(dir, "radar.nc"))})
ds.to_netcdf(${JSON.stringify(join(dir, "radar.i16.nc"))}, encoding={"rain_rate": {"dtype": "int16", "scale_factor": 0.01, "add_offset": 0.0, "_FillValue": -32767}})
gdal.Translate(${JSON.stringify(plain)}, "NETCDF:${join(dir, "radar.nc")}:rain_rate")
gdal.Translate(${JSON.stringify(packed)}, "NETCDF:${join(dir, "radar.i16.nc")}:rain_rate")
d = gdal.Open(${JSON.stringify(packed)})
print(json.dumps([d.GetRasterBand(1).DataType == gdal.GDT_Int16, d.GetRasterBand(1).GetScale()]))`);
    expect(made).toStrictEqual([true, 0.01]); // GDAL kept the int16 packing
    const store = scores(dir, "store", RADAR, RADAR);
    expect(scores(dir, "plain", plain, plain)).toStrictEqual(store);
    const fromPacked = scores(dir, "packed", packed, packed);
    for (const m of ["model", "persistence", "extrapolation"])
      fromPacked[m]?.csi.flat().forEach((v, i) => {
        expect(Math.abs(v - (store[m]?.csi.flat()[i] as number))).toBeLessThan(0.01);
      });
  });
});
