/**
 * Projected coordinates CF labels in kilometres beside a CRS in metres (a `crs_wkt`, GDAL's
 * `_CRS`): placed in metres, by 1000. Before, the kilometre values were taken for metres, and a
 * UTM scene landed 1000 times nearer the false origin, exit 0 (GDAL's netCDF driver places it so
 * too). Kilometres on a CRS in kilometres (CF parameters with km coordinates, tilecast's own
 * Zarr output of them) stay as they are.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/** A UTM 33N store at `path` with x and y in km, its CRS as `how` says. */
function store(path: string, how: "crs_wkt" | "_CRS" | "cf"): string {
  py(`import xarray as xr
from pyproj import CRS
utm = CRS.from_epsg(32633)
x = 500.05 + 0.1 * np.arange(8)
y = 3999.95 - 0.1 * np.arange(6)
how = ${JSON.stringify(how)}
attrs = {"grid_mapping": "crs"} if how != "_CRS" else {"_CRS": {"wkt": utm.to_wkt()}}
ds = xr.Dataset({"t": (("y", "x"), np.arange(48, dtype="f4").reshape(6, 8), attrs)},
  coords={"x": ("x", x, {"units": "km"}), "y": ("y", y, {"units": "kilometres"})})
if how == "crs_wkt": ds["crs"] = ((), 0, {"crs_wkt": utm.to_wkt()})
if how == "cf": ds["crs"] = ((), 0, {k: v for k, v in utm.to_cf().items() if k not in ("crs_wkt", "projected_crs_name")})
ds.to_zarr(${JSON.stringify(path)}, mode="w")
print("null")`);
  return path;
}

describe.skipIf(!hasGdal)("coordinates in kilometres", () => {
  it("on a CRS in metres are placed in metres, and GDAL finds the GeoTIFF there", async () => {
    for (const how of ["crs_wkt", "_CRS"] as const) {
      const path = store(tmp(`${how}.zarr`), how);
      const src = await openZarrSource(path, { variable: "t" });
      expect(src.meta.georef?.transform, how).toStrictEqual([500000, 100, 0, 4000000, 0, -100]);
      const out = join(path, "..", "out.tif");
      expect(tilecast("convert", path, out, "-q").code).toBe(0);
      expect(
        py<number[]>(`print(json.dumps(list(gdal.Open(${JSON.stringify(out)}).GetGeoTransform())))`),
      ).toStrictEqual([500000, 100, 0, 4000000, 0, -100]);
    }
  });

  it("on a CRS in kilometres stay kilometres, through a Zarr output and back", async () => {
    const path = store(tmp("cf.zarr"), "cf");
    const src = await openZarrSource(path, { variable: "t" });
    const [x0, dx, , y0, , dy] = src.meta.georef?.transform ?? [];
    expect([x0, dx, y0, dy].map((v) => Number(v?.toFixed(9)))).toStrictEqual([500, 0.1, 4000, -0.1]);
    expect(src.meta.georef?.crs?.proj4).toContain("+units=km");
    const out = join(path, "..", "copy.zarr");
    expect(tilecast("convert", path, out, "-q").code).toBe(0);
    const back = await openZarrSource(out, { variable: "band_data" });
    expect(back.meta.georef?.transform.map((v) => Number(v.toFixed(9)))).toStrictEqual([500, 0.1, 0, 4000, 0, -0.1]);
  });
});
