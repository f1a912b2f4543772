/**
 * A variable's `grid_mapping` attribute, every way it comes: CF 1.7's extended form
 * (`"crs: x y"`, or one mapping for x/y and another for 2-D latitude and longitude), which GDAL's
 * netCDF driver reads, and the ways it can fail to give a CRS (a mapping variable that is not in
 * the store, a `grid_mapping_name` nobody defines, a mapping missing a parameter, a `crs_wkt` cut
 * short). Before, every one of these read with no CRS at all (or with the broken WKT), and
 * `convert` wrote a GeoTIFF GDAL placed nowhere, exit 0. The extended form is now read; the rest
 * are a one-line error naming the store, the variable and what is wrong with its mapping.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/**
 * A (y, x) UTM 33N store `name` in `dir` whose variable `t` names `gridMapping`, beside a
 * variable `crs` with `mapping` (Python literal; none for `None`) and one `crsll` for latitude
 * and longitude; `extra`, more attributes of `t` (Python literal).
 */
function store(dir: string, name: string, gridMapping: string, mapping: string, extra = "{}"): string {
  const path = join(dir, name);
  py(`import xarray as xr
from pyproj import CRS
utm = CRS.from_epsg(32633)
x = 500050.0 + 100 * np.arange(8)
y = 3999950.0 - 100 * np.arange(6)
ds = xr.Dataset({"t": (("y", "x"), np.arange(48, dtype="f4").reshape(6, 8), {"grid_mapping": ${JSON.stringify(gridMapping)}, **${extra}})},
  coords={"x": ("x", x, {"standard_name": "projection_x_coordinate", "units": "m"}),
          "y": ("y", y, {"standard_name": "projection_y_coordinate", "units": "m"})})
m = ${mapping}
if m is not None: ds["crs"] = ((), 0, m)
ds["crsll"] = ((), 0, CRS.from_epsg(4326).to_cf())
ds.to_zarr(${JSON.stringify(path)}, mode="w")
print("null")`);
  return path;
}

const WKT = '{"crs_wkt": utm.to_wkt()}';

describe.skipIf(!hasGdal)("a Zarr variable's grid_mapping reference", () => {
  it("reads CF's extended form, taking the mapping listed for the variable's x and y", async () => {
    const dir = dirname(tmp("x"));
    const stores = [
      store(dir, "one.zarr", "crs: x y", WKT),
      store(dir, "two.zarr", "crsll: lat lon crs: x y", "utm.to_cf()"),
    ];
    for (const path of stores) {
      const src = await openZarrSource(path, { variable: "t" });
      expect(src.meta.georef?.transform, path).toStrictEqual([500000, 100, 0, 4000000, 0, -100]);
      // GDAL sees the GeoTIFF written from it in UTM 33N, as its netCDF driver reads the form.
      const out = join(dir, `${path.split("/").pop()}.tif`);
      expect(tilecast("convert", path, out, "-q").code).toBe(0);
      expect(
        py<boolean>(`s = osr.SpatialReference(); s.ImportFromEPSG(32633)
print(json.dumps(bool(gdal.Open(${JSON.stringify(out)}).GetSpatialRef().IsSame(s))))`),
      ).toBe(true);
    }
  });

  it("is an error naming the store and the mapping where it gives no CRS, and convert writes nothing", () => {
    const dir = dirname(tmp("x"));
    const cases: [string, string, string, RegExp][] = [
      ["missing.zarr", "nosuch", WKT, /'t' names grid mapping 'nosuch', which is not in the store/],
      [
        "typo.zarr",
        "crs",
        '{"grid_mapping_name": "transverse_mercatorr", "longitude_of_central_meridian": 15.0}',
        /grid mapping 'crs' of 't' has no crs_wkt or spatial_ref, and grid_mapping_name 'transverse_mercatorr' is not one CF defines/,
      ],
      [
        "short.zarr",
        "crs",
        '{"grid_mapping_name": "lambert_conformal_conic", "longitude_of_central_meridian": 15.0}',
        /grid mapping 'crs' of 't' \(lambert_conformal_conic\) lacks a parameter CF requires of it/,
      ],
      ["empty.zarr", "crs", "{}", /grid mapping 'crs' of 't' has no crs_wkt, spatial_ref or grid_mapping_name/],
      [
        "cut.zarr",
        "crs",
        '{"crs_wkt": utm.to_wkt()[:200]}',
        /grid mapping 'crs' of 't' has a crs_wkt that is not WKT \(.*\)/,
      ],
    ];
    // GDAL's own attribute, cut short, with no grid mapping.
    cases.push(["gdal.zarr", "", "None", /its _CRS attribute is not a CRS tilecast reads \(malformed WKT/]);
    // GDAL's attribute naming a code EPSG has not given out.
    cases.push(["url.zarr", "", "None", /its _CRS attribute is not a CRS tilecast reads \(EPSG:999999 is not in the/]);
    const extras: Record<string, string> = {
      "gdal.zarr": '{"_CRS": {"wkt": utm.to_wkt()[:300]}}',
      "url.zarr": '{"_CRS": {"url": "http://www.opengis.net/def/crs/EPSG/0/999999"}}',
    };
    for (const [name, ref, mapping, message] of cases) {
      const extra = extras[name] ?? "{}";
      const path = store(dir, name, ref, mapping, extra);
      const out = join(dir, `${name}.tif`);
      const r = tilecast("convert", path, out, "-q");
      expect(r.code, name).not.toBe(0);
      expect(r.stderr, name).toMatch(message);
      expect(r.stderr, name).toContain(path);
      expect(r.stderr.trim().split("\n"), name).toHaveLength(1);
      expect(existsSync(out), name).toBe(false);
    }
  });

  it("takes the EPSG code CF's names name where the parameters define it (pyproj's to_cf without crs_wkt)", async () => {
    const dir = dirname(tmp("x"));
    // Each CRS's CF parameters and names.
    const codes = [32633, 26915, 3035, 3413, 4326];
    const made = py<{ path: string; code: number }[]>(`import xarray as xr
from pyproj import CRS
out = []
for code in ${JSON.stringify(codes)}:
    crs = CRS.from_epsg(code)
    geo = crs.is_geographic
    dims = ("lat", "lon") if geo else ("y", "x")
    step = 0.5 if geo else 100.0
    x = (10.25 if geo else 400050.0) + step * np.arange(8)
    y = (50.25 if geo else 5199950.0) - step * np.arange(6)
    cf = {k: v for k, v in crs.to_cf().items() if k != "crs_wkt"}
    ds = xr.Dataset({"t": (dims, np.arange(48, dtype="f4").reshape(6, 8), {"grid_mapping": "crs"}), "crs": ((), 0, cf)},
      coords={dims[1]: (dims[1], x, {"units": "degrees_east" if geo else "m"}), dims[0]: (dims[0], y, {"units": "degrees_north" if geo else "m"})})
    path = "${dir}/cf%d.zarr" % code
    ds.to_zarr(path, mode="w")
    out.append({"path": path, "code": code})
print(json.dumps(out))`);
    for (const { path, code } of made) {
      const src = await openZarrSource(path, { variable: "t" });
      expect(src.meta.georef?.crs?.epsg, path).toBe(code);
      const out = `${path}.tif`;
      expect(tilecast("convert", path, out, "-q").code).toBe(0);
      // GDAL reads the GeoTIFF as the code. (Its netCDF driver reads the same parameters as
      // the code or not by what else the file holds: the datum it names differs with the
      // coordinates' attributes, so it is no reference here.)
      const same = py<boolean>(`s = osr.SpatialReference(); s.ImportFromEPSG(${code})
opt = ["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES"]
print(json.dumps(bool(gdal.Open(${JSON.stringify(out)}).GetSpatialRef().IsSame(s, opt))))`);
      expect(same, path).toBe(true);
    }
  });

  it("keeps parameters that are not the CRS their name names, with the names CF gives", async () => {
    const dir = dirname(tmp("x"));
    const mapping = `{**{k: v for k, v in utm.to_cf().items() if k != "crs_wkt"}, "longitude_of_central_meridian": 16.0, "projected_crs_name": "Shifted UTM"}`;
    const path = store(dir, "shifted.zarr", "crs", mapping);
    const crs = (await openZarrSource(path, { variable: "t" })).meta.georef?.crs;
    expect([crs?.epsg, crs?.proj4?.includes("+lon_0=16")]).toStrictEqual([null, true]);
    expect(crs?.names).toStrictEqual({
      crs: "Shifted UTM",
      gcs: "WGS 84",
      datum: "World Geodetic System 1984 ensemble",
      ellipsoid: "WGS 84",
      primem: "Greenwich",
    });
    const out = join(dir, "shifted.tif");
    expect(tilecast("convert", path, out, "-q").code).toBe(0);
    expect(py<string>(`print(json.dumps(gdal.Open(${JSON.stringify(out)}).GetSpatialRef().GetName()))`)).toBe(
      "Shifted UTM",
    );
  });

  it("finds a mapping a variable in a group names by CF 1.8's path to a group above", async () => {
    const path = tmp("groups.zarr");
    py(`import xarray as xr
from pyproj import CRS
utm = CRS.from_epsg(32633)
xr.Dataset({"crs": ((), 0, {"crs_wkt": utm.to_wkt()})}).to_zarr(${JSON.stringify(path)}, mode="w")
x = 500050.0 + 100 * np.arange(8)
y = 3999950.0 - 100 * np.arange(6)
for ref, group in [("/crs", "a"), ("../crs", "b")]:
    xr.Dataset({"t": (("y", "x"), np.zeros((6, 8), "f4"), {"grid_mapping": ref})},
      coords={"x": ("x", x, {"units": "m"}), "y": ("y", y, {"units": "m"})}).to_zarr(${JSON.stringify(path)}, group=group, mode="a")
print("null")`);
    for (const variable of ["a/t", "b/t"]) {
      const src = await openZarrSource(path, { variable });
      expect(src.meta.georef?.crs?.epsg, variable).toBe(32633);
    }
  });
});
