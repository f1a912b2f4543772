/**
 * Grids that weather and satellite data reach Zarr on, through xarray, with what GDAL and pyproj
 * make of them:
 * - GOES ABI's fixed grid: x and y are scan angles in radians, stored as int16 with
 *   `scale_factor`/`add_offset`, under a geostationary grid mapping. tilecast read the packed
 *   integers as positions (0, 1, 2, ...) and no CRS; it now places the cells where GDAL's netCDF
 *   driver places the same data, to the last digit.
 * - COSMO's rotated pole: rlon/rlat in degrees about a displaced pole. tilecast read it as plain
 *   longitude and latitude (EPSG:4326, hundreds of kilometres off) or, with the grid mapping, could
 *   not write it as a GeoTIFF at all.
 * - Any packed coordinate: latitudes and longitudes stored as int16 with a scale.
 * Each is written back out (GeoTIFF, Zarr) and read by GDAL and pyproj.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isGeographic, isRotatedPole } from "../../../src/grid/crs.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { inspectZarr } from "../../../src/io/zarr/inspect.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const GOES = {
  grid_mapping_name: "geostationary",
  perspective_point_height: 35786023.0,
  semi_major_axis: 6378137.0,
  semi_minor_axis: 6356752.31414,
  inverse_flattening: 298.2572221,
  latitude_of_projection_origin: 0.0,
  longitude_of_projection_origin: -75.0,
  sweep_angle_axis: "x",
};
const COSMO = {
  grid_mapping_name: "rotated_latitude_longitude",
  grid_north_pole_latitude: 40.0,
  grid_north_pole_longitude: -170.0,
};

/** Python: the lon/lat of GDAL's reading of a raster at pixel corners `(col, row)`. */
const gdalLonLat = (path: string, corners: [number, number][]) => `from osgeo import osr
ds = gdal.Open(${JSON.stringify(path)})
g = ds.GetGeoTransform()
s = osr.SpatialReference(wkt=ds.GetProjection()); s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
w = osr.SpatialReference(); w.ImportFromEPSG(4326); w.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
t = osr.CoordinateTransformation(s, w)
lonlat = [list(t.TransformPoint(g[0] + c * g[1], g[3] + r * g[5])[:2]) for c, r in ${JSON.stringify(corners)}]`;

describe.skipIf(!hasGdal)("satellite and limited-area model grids", () => {
  it("GOES scan angles packed in int16 are placed as GDAL's netCDF driver places them, and written so GDAL and pyproj agree", async () => {
    const dir = tmp("goes");
    const store = join(dir, "abi.zarr");
    const nc = join(dir, "abi.nc");
    const ref = py<{ gt: number[]; proj: string }>(`import xarray as xr
nx, ny = 40, 30
# A window of the CONUS sector near the sub-satellite point: x and y as ABI stores them.
x = (np.arange(nx) * 5.6e-05 - 0.02).astype("f8")
y = (0.06 - np.arange(ny) * 5.6e-05).astype("f8")
data = np.random.default_rng(1).random((ny, nx)).astype("f4")
ds = xr.Dataset({"CMI": (("y", "x"), data, {"grid_mapping": "goes_imager_projection"})},
    coords={"x": ("x", x, {"units": "rad", "axis": "X", "standard_name": "projection_x_coordinate"}),
            "y": ("y", y, {"units": "rad", "axis": "Y", "standard_name": "projection_y_coordinate"})})
ds["goes_imager_projection"] = xr.DataArray(np.int32(-2147483647), attrs=${JSON.stringify(GOES)})
ds.x.encoding = {"dtype": "i2", "scale_factor": 5.6e-05, "add_offset": -0.02, "_FillValue": -1}
ds.y.encoding = {"dtype": "i2", "scale_factor": -5.6e-05, "add_offset": 0.06, "_FillValue": -1}
ds.to_zarr(${JSON.stringify(store)})
ds.to_netcdf(${JSON.stringify(nc)})
assert open(${JSON.stringify(join(store, "x", ".zarray"))}).read().count('"<i2"') == 1
n = gdal.Open("NETCDF:${nc}:CMI")
print(json.dumps({"gt": list(n.GetGeoTransform()), "proj": osr.SpatialReference(wkt=n.GetProjection()).ExportToProj4()}))`);
    expect(ref.proj).toContain("+proj=geos");
    expect(ref.proj).toContain("+sweep=x");
    const src = await openZarrSource(store, { variable: "CMI" });
    const gt = src.meta.georef?.transform ?? [];
    // GDAL's netCDF driver computes in double precision from the same packed integers.
    gt.forEach((v, i) =>
      expect(Math.abs(v - (ref.gt[i] as number)), `transform[${i}] ${v} vs ${ref.gt[i]}`).toBeLessThan(1e-6),
    );
    expect(src.meta.georef?.crs?.proj4).toContain("+sweep=x");
    expect(src.meta.flipY).toBe(false);
    // inspect shows the scan angles decoded (40 values: the ends only) and how the variable is placed.
    const info = await inspectZarr(store);
    const [a, b] = (info.coords.x?.range ?? []) as number[];
    expect([a, b].map((v) => Math.round((v as number) * 1e9) / 1e9)).toStrictEqual([-0.02, -0.017816]);
    const placed = info.variables.CMI?.placed;
    expect(typeof placed === "object" && placed?.transform).toStrictEqual(gt);
    expect(typeof placed === "object" && placed?.crs?.proj4).toContain("+proj=geos");

    const tif = join(dir, "abi.tif");
    const out = join(dir, "abi-out.zarr");
    await convertRaster(store, tif, { variable: "CMI" });
    await convertRaster(store, out, { variable: "CMI" });
    const seen = py<{
      proj: string;
      same: boolean;
      lonlat: number[][];
      want: number[][];
      zarr: string;
      x: number[];
    }>(`${gdalLonLat(tif, [
      [0, 0],
      [40, 30],
      [17, 9],
    ])}
from pyproj import CRS, Transformer
import xarray as xr
n = gdal.Open("NETCDF:${nc}:CMI")
tn = Transformer.from_crs(CRS.from_cf(${JSON.stringify(GOES)}), "EPSG:4326", always_xy=True)
gn = n.GetGeoTransform()
want = [list(tn.transform(gn[0] + c * gn[1], gn[3] + r * gn[5])) for c, r in [[0, 0], [40, 30], [17, 9]]]
z = xr.open_zarr(${JSON.stringify(out)})
print(json.dumps({"proj": s.ExportToProj4(), "same": bool(np.array_equal(ds.ReadAsArray(), n.ReadAsArray())),
  "lonlat": lonlat, "want": want, "zarr": CRS.from_wkt(z.spatial_ref.attrs["crs_wkt"]).to_proj4(),
  "x": [float(v) for v in z.x.values[:2]]}))`);
    expect(seen.proj).toContain("+proj=geos");
    expect(seen.proj).toContain("+sweep=x");
    expect(seen.same).toBe(true);
    seen.lonlat.forEach((p, i) => {
      expect(Math.abs((p[0] as number) - (seen.want[i]?.[0] as number)), `corner ${i} lon`).toBeLessThan(1e-9);
      expect(Math.abs((p[1] as number) - (seen.want[i]?.[1] as number)), `corner ${i} lat`).toBeLessThan(1e-9);
    });
    // The Zarr output's CRS is the same view, its x in metres (pyproj reads the crs_wkt).
    expect(seen.zarr).toContain("+proj=geos");
    expect(seen.zarr).toContain("+sweep=x");
    expect(seen.zarr).toContain("+h=35786023");
    expect(Math.abs((seen.x[0] as number) - -0.02 * 35786023)).toBeLessThan(1e-3);
    // tilecast reads its own GeoTIFF back as the same view.
    const back = await openGeoTiff(tif);
    expect(back.meta.georef?.crs?.proj4).toBe(src.meta.georef?.crs?.proj4);
  });

  it("a rotated pole is not longitude and latitude, and its GeoTIFF and Zarr land where pyproj puts the cells", async () => {
    const dir = tmp("rotated");
    const store = join(dir, "cosmo.zarr");
    py(`import xarray as xr
rlon = -5.0 + 0.0625 * np.arange(16)
rlat = 3.0 - 0.0625 * np.arange(12)
ds = xr.Dataset({"T_2M": (("time", "rlat", "rlon"), np.arange(384, dtype="f4").reshape(2, 12, 16),
                  {"grid_mapping": "rotated_pole", "units": "K"})},
    coords={"rlon": ("rlon", rlon, {"units": "degrees", "standard_name": "grid_longitude"}),
            "rlat": ("rlat", rlat, {"units": "degrees", "standard_name": "grid_latitude"}),
            "time": np.array(["2026-11-21T00", "2026-11-21T01"], dtype="datetime64[ns]")})
ds["rotated_pole"] = xr.DataArray(np.int32(0), attrs=${JSON.stringify(COSMO)})
ds.to_zarr(${JSON.stringify(store)})
print("null")`);
    const src = await openZarrSource(store, { variable: "T_2M" });
    const crs = src.meta.georef?.crs;
    expect(src.meta.georef?.transform).toStrictEqual([-5.03125, 0.0625, 0, 3.03125, 0, -0.0625]);
    expect(isRotatedPole(crs)).toBe(true);
    expect(isGeographic(crs)).toBe(false);
    expect(src.meta.periodicX).toBe(false);

    const tif = join(dir, "cosmo.tif");
    const out = join(dir, "cosmo-out.zarr");
    await convertRaster(store, tif, { variable: "T_2M" });
    await convertRaster(store, out, { variable: "T_2M" });
    const corners: [number, number][] = [
      [0, 0],
      [16, 12],
      [5, 7],
    ];
    const seen = py<{
      lonlat: number[][];
      want: number[][];
      zarr: string;
      attrs: Record<string, string>;
      pixels: boolean;
    }>(`${gdalLonLat(tif, corners)}
from pyproj import CRS, Transformer
import xarray as xr
t = Transformer.from_crs(CRS.from_cf(${JSON.stringify(COSMO)}), "EPSG:4326", always_xy=True)
want = [list(t.transform(-5.03125 + c * 0.0625, 3.03125 - r * 0.0625)) for c, r in ${JSON.stringify(corners)}]
z = xr.open_zarr(${JSON.stringify(out)})
print(json.dumps({"lonlat": lonlat, "want": want, "zarr": CRS.from_wkt(z.spatial_ref.attrs["crs_wkt"]).to_proj4(),
  "attrs": {k: z.x.attrs[k] for k in ("units", "standard_name")},
  "pixels": bool(np.array_equal(ds.ReadAsArray(), np.arange(384, dtype="f4").reshape(2, 12, 16)))}))`);
    seen.lonlat.forEach((p, i) => {
      expect(Math.abs((p[0] as number) - (seen.want[i]?.[0] as number)), `corner ${i} lon`).toBeLessThan(1e-9);
      expect(Math.abs((p[1] as number) - (seen.want[i]?.[1] as number)), `corner ${i} lat`).toBeLessThan(1e-9);
    });
    expect(seen.pixels).toBe(true);
    expect(seen.zarr).toContain("+proj=ob_tran");
    expect(seen.zarr).toContain("+o_lat_p=40");
    expect(seen.zarr).toContain("+lon_0=10");
    expect(seen.attrs).toStrictEqual({ units: "degrees", standard_name: "grid_longitude" });
    const back = await openGeoTiff(tif);
    expect(isRotatedPole(back.meta.georef?.crs)).toBe(true);
  });

  it("latitude and longitude in any unit spelling CF allows, or by standard_name, are EPSG:4326", async () => {
    const dir = tmp("cf-units");
    const cases: [string, Record<string, string>, Record<string, string>][] = [
      ["exact", { units: "degrees_north" }, { units: "degrees_east" }],
      ["short", { units: "degree_N" }, { units: "degrees_E" }],
      ["joined", { units: "degreesN" }, { units: "degreeE" }],
      ["standard", { standard_name: "latitude", units: "degrees" }, { standard_name: "longitude", units: "degrees" }],
    ];
    for (const [name, ya, xa] of cases) {
      const store = join(dir, `${name}.zarr`);
      py(`import xarray as xr
xr.Dataset({"t": (("y", "x"), np.zeros((3, 4), "f4"))},
    coords={"y": ("y", [50.0, 49.5, 49.0], ${JSON.stringify(ya)}), "x": ("x", [10.0, 10.5, 11.0, 11.5], ${JSON.stringify(xa)})}).to_zarr(${JSON.stringify(store)})
print("null")`);
      const src = await openZarrSource(store);
      expect(src.meta.georef?.crs?.epsg, name).toBe(4326);
      expect(src.meta.georef?.transform, name).toStrictEqual([9.75, 0.5, 0, 50.25, 0, -0.5]);
    }
  });

  it("rlat/rlon without a grid mapping are not taken for longitude and latitude", async () => {
    const store = join(tmp("rotated-bare"), "bare.zarr");
    py(`import xarray as xr
xr.Dataset({"T": (("rlat", "rlon"), np.zeros((3, 4), "f4"))},
    coords={"rlon": ("rlon", np.arange(4.0)), "rlat": ("rlat", np.arange(3.0))}).to_zarr(${JSON.stringify(store)})
print("null")`);
    const src = await openZarrSource(store, { variable: "T" });
    expect(src.meta.georef?.crs).toBeNull();
    expect(src.meta.georef?.transform).toStrictEqual([-0.5, 1, 0, 2.5, 0, -1]);
  });

  it("packed latitude and longitude coordinates decode as xarray decodes them; a missing one is refused by name", async () => {
    const dir = tmp("packed-coords");
    const store = join(dir, "packed.zarr");
    const want = py<{ lat: number[]; lon: number[] }>(`import xarray as xr
lat = 60.0 - 0.25 * np.arange(8)
lon = -10.0 + 0.25 * np.arange(12)
ds = xr.Dataset({"t2m": (("latitude", "longitude"), np.ones((8, 12), "f4"))},
    coords={"latitude": ("latitude", lat, {"units": "degrees_north"}), "longitude": ("longitude", lon, {"units": "degrees_east"})})
ds.latitude.encoding = {"dtype": "i2", "scale_factor": 0.25, "add_offset": 60.0}
ds.longitude.encoding = {"dtype": "u2", "scale_factor": 0.25}
ds.to_zarr(${JSON.stringify(store)})
r = xr.open_zarr(${JSON.stringify(store)})
print(json.dumps({"lat": [float(v) for v in r.latitude.values], "lon": [float(v) for v in r.longitude.values]}))`);
    const src = await openZarrSource(store, { variable: "t2m" });
    const [x0, dx, , y0, , dy] = src.meta.georef?.transform ?? [];
    expect([x0, dx, y0, dy]).toStrictEqual([
      (want.lon[0] as number) - 0.125,
      0.25,
      (want.lat[0] as number) + 0.125,
      -0.25,
    ]);
    expect(src.meta.georef?.crs?.epsg).toBe(4326);

    // A packed coordinate with a missing cell (xarray writes its _FillValue as the array's fill
    // value) has no position there: refused, named. A plain integer coordinate's fill value (0,
    // zarr-python's default) is a position like any other.
    const holed = join(dir, "holed.zarr");
    const plain = join(dir, "plain.zarr");
    py(`import xarray as xr, zarr
lon = np.array([0.0, 0.5, np.nan, 1.5, 2.0])
ds = xr.Dataset({"v": (("lat", "lon"), np.ones((2, 5), "f4"))},
    coords={"lat": ("lat", np.array([1.0, 0.0])), "lon": ("lon", lon)})
ds.lon.encoding = {"dtype": "i2", "scale_factor": 0.5, "_FillValue": -99}
ds.to_zarr(${JSON.stringify(holed)})
g = zarr.open_group(${JSON.stringify(plain)}, mode="w")
v = g.create_dataset("v", data=np.ones((2, 3), "f4")); v.attrs["_ARRAY_DIMENSIONS"] = ["lat", "lon"]
x = g.create_dataset("lon", data=np.array([0, 1, 2], "i4"), fill_value=0); x.attrs["_ARRAY_DIMENSIONS"] = ["lon"]
y = g.create_dataset("lat", data=np.array([1, 0], "i4"), fill_value=0); y.attrs["_ARRAY_DIMENSIONS"] = ["lat"]
print("null")`);
    await expect(openZarrSource(holed, { variable: "v" })).rejects.toThrow(/holed\.zarr.*'lon'/);
    const p = await openZarrSource(plain, { variable: "v" });
    expect(p.meta.georef?.transform).toStrictEqual([-0.5, 1, 0, 1.5, 0, -1]);
  });
});
