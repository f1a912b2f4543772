/**
 * Projected coordinates in other units than metres. CF says a coordinate's `units` name them, and
 * that a grid mapping's false easting and northing are in them too; GDAL's netCDF writer labels
 * US feet "US_survey_foot", pyproj "0.304800609601219 metre". tilecast read kilometres alone:
 * a CF mapping over coordinates in US feet (GDAL's netCDF of a US state plane CRS) became a CRS
 * in metres with its false easting read as metres, 208 km off; coordinates in feet beside a CRS
 * in metres were placed as metres; and a false easting beside coordinates in km was read in
 * metres (1500 km became 1.5 km), while GDAL and pyproj read it in km.
 */
import { mkdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { unitMetres } from "../../../src/io/zarr/length-units.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

describe("coordinate length units", () => {
  it("reads UDUNITS', GDAL's, rioxarray's and pyproj's names of a length as metres per unit", () => {
    const usFoot = 1200 / 3937;
    const cases: [unknown, number | null][] = [
      ["m", 1],
      ["metres", 1],
      ["Meter", 1],
      ["km", 1000],
      ["kilometre", 1000],
      ["ft", 0.3048],
      ["feet", 0.3048],
      ["US_survey_foot", usFoot],
      ["US survey foot", usFoot],
      ["0.304800609601219 metre", 0.304800609601219],
      ["1000 m", 1000],
      ["degrees_east", null],
      ["1", null],
      ["", null],
      [5, null],
    ];
    for (const [units, metres] of cases) expect(unitMetres(units), String(units)).toBe(metres);
  });

  it.skipIf(!hasGdal)("places stores in feet and km where GDAL's netCDF driver and pyproj place them", () => {
    const dir = tmp("length-units");
    mkdirSync(dir);
    // Each store's pixel centres, through GDAL, in EPSG:4326 beside the reference's.
    const stores = py<string[]>(`import xarray as xr, pyproj
d = ${JSON.stringify(dir)}
g = gdal.GetDriverByName("GTiff").Create(f"{d}/ny.tif", 4, 3, 1, gdal.GDT_Float32)
s = osr.SpatialReference(); s.ImportFromEPSG(2263); g.SetProjection(s.ExportToWkt())
g.SetGeoTransform((1000000, 100, 0, 200000, 0, -100)); g = None
gdal.Translate(f"{d}/ny.nc", f"{d}/ny.tif", format="netCDF")
ds = xr.open_dataset(f"{d}/ny.nc")
gm = ds[ds.Band1.attrs["grid_mapping"]]
for k in ("crs_wkt", "spatial_ref", "GeoTransform"): gm.attrs.pop(k, None)
ds.to_netcdf(f"{d}/ny-cf.nc"); ds.to_zarr(f"{d}/ny-cf.zarr")
a = {"grid_mapping_name": "lambert_conformal_conic", "standard_parallel": 25.0, "longitude_of_central_meridian": 265.0,
     "latitude_of_projection_origin": 25.0, "earth_radius": 6371229.0, "false_easting": 1500.0, "false_northing": -200.0}
km = xr.Dataset({"Band1": (("y", "x"), np.zeros((3, 4), "f4"), {"grid_mapping": "lc"})},
    coords={"x": ("x", 3000.0 + 2.5 * np.arange(4), {"units": "km", "standard_name": "projection_x_coordinate"}),
            "y": ("y", 1200.0 - 2.5 * np.arange(3), {"units": "km", "standard_name": "projection_y_coordinate"})})
km["lc"] = xr.DataArray(0, attrs=a)
km.to_netcdf(f"{d}/km-cf.nc"); km.to_zarr(f"{d}/km-cf.zarr")
utm = pyproj.CRS(32633).to_wkt()
for name, units, k in (("utm-m", "m", 1), ("utm-ft", "ft", 1 / 0.3048), ("utm-usft", "0.304800609601219 metre", 1 / 0.304800609601219)):
    xr.Dataset({"Band1": (("y", "x"), np.zeros((3, 4), "f4"), {"grid_mapping": "spatial_ref"}),
                "spatial_ref": ((), 0, {"crs_wkt": utm})},
        coords={"x": ("x", k * (400000.0 + 500 * np.arange(4)), {"units": units}),
                "y": ("y", k * (5000000.0 - 500 * np.arange(3)), {"units": units})}).to_zarr(f"{d}/{name}.zarr")
print(json.dumps(["ny-cf", "km-cf", "utm-m", "utm-ft", "utm-usft"]))`);
    for (const s of stores)
      expect(tilecast("convert", `${dir}/${s}.zarr`, `${dir}/${s}.tif`, "--var", "Band1", "-q").code, s).toBe(0);
    const off = py<Record<string, number>>(`d = ${JSON.stringify(dir)}
wgs = osr.SpatialReference(); wgs.ImportFromEPSG(4326); wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
def centres(path):
    g = gdal.Open(path); s = g.GetSpatialRef(); s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    t = g.GetGeoTransform(); ct = osr.CoordinateTransformation(s, wgs)
    return np.array([ct.TransformPoint(t[0] + (i + 0.5) * t[1], t[3] + (j + 0.5) * t[5])[:2] for i in range(4) for j in range(3)])
refs = {"ny-cf": f"NETCDF:{d}/ny.nc:Band1", "km-cf": f"NETCDF:{d}/km-cf.nc:Band1",
        "utm-m": f"{d}/utm-m.tif", "utm-ft": f"{d}/utm-m.tif", "utm-usft": f"{d}/utm-m.tif"}
# Metres between tilecast's centres and the reference's (1 degree of latitude is about 111 km).
print(json.dumps({k: float(np.abs(centres(f"{d}/{k}.tif") - centres(r)).max() * 111e3) for k, r in refs.items()}))`);
    for (const [name, metres] of Object.entries(off)) expect(metres, name).toBeLessThan(0.001);
  });

  it.skipIf(!hasGdal)(
    "writes a CRS in US feet with CF's units and its false easting in feet, as GDAL and pyproj do",
    () => {
      const dir = tmp("length-units-out");
      mkdirSync(dir);
      py(`g = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(`${dir}/ny.tif`)}, 4, 3, 1, gdal.GDT_Float32)
s = osr.SpatialReference(); s.ImportFromEPSG(2263); g.SetProjection(s.ExportToWkt())
g.SetGeoTransform((1000000, 100, 0, 200000, 0, -100)); g = None
print("null")`);
      expect(tilecast("convert", `${dir}/ny.tif`, `${dir}/ny.zarr`, "-q").code).toBe(0);
      const seen = py<[string, number, number, number]>(`import xarray as xr
z = xr.open_zarr(${JSON.stringify(`${dir}/ny.zarr`)})
print(json.dumps([z.x.attrs["units"], z.spatial_ref.attrs["false_easting"], float(z.x.values[0]), float(z.y.values[0])]))`);
      // EPSG:2263's false easting is 300000 m, 984250 US survey feet; the first centre (1000050, 199950) ft.
      expect(seen).toStrictEqual(["US_survey_foot", 984250, 1000050, 199950]);
      expect(tilecast("convert", `${dir}/ny.zarr`, `${dir}/back.tif`, "-q").code).toBe(0);
      const back = py<[number[], boolean]>(`a = gdal.Open(${JSON.stringify(`${dir}/back.tif`)})
ref = osr.SpatialReference(); ref.ImportFromEPSG(2263)
print(json.dumps([list(a.GetGeoTransform()), bool(a.GetSpatialRef().IsSame(ref))]))`);
      expect(back).toStrictEqual([[1000000, 100, 0, 200000, 0, -100], true]);
    },
  );
});
