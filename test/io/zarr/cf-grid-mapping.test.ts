/**
 * A Zarr store whose CRS is CF grid-mapping parameters alone (no `crs_wkt`), as weather models'
 * netCDF output reaches Zarr (MET Norway's Lambert conformal grids, polar stereographic sea-ice
 * grids, MODIS sinusoidal tiles, GOES and Meteosat geostationary views, COSMO's rotated pole):
 * tilecast places it where pyproj's `CRS.from_cf` (rioxarray's reading) places it, point by point,
 * and a GeoTIFF it writes from it lands there in GDAL. tilecast read such stores with no CRS before.
 * Every grid mapping CF names is read: EASE-Grid 2.0's Lambert cylindrical equal area, the
 * azimuthal equidistant, orthographic, vertical perspective and oblique Mercator ones came out
 * with no CRS (a GeoTIFF without one, exit 0) before.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { crsFromEpsg, parseCrs, transformPoint } from "../../../src/grid/crs.js";
import { cfGridMappingProj } from "../../../src/io/zarr/cf-grid-mapping.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const MAPPINGS: Record<string, Record<string, unknown>> = {
  lcc_meps: {
    grid_mapping_name: "lambert_conformal_conic",
    standard_parallel: [63.3, 63.3],
    longitude_of_central_meridian: 15,
    latitude_of_projection_origin: 63.3,
    earth_radius: 6371000,
  },
  lcc_two: {
    grid_mapping_name: "lambert_conformal_conic",
    standard_parallel: [33, 45],
    longitude_of_central_meridian: -97,
    latitude_of_projection_origin: 40,
    false_easting: 1000,
    false_northing: -500,
    semi_major_axis: 6378137,
    inverse_flattening: 298.257223563,
  },
  polar_ts: {
    grid_mapping_name: "polar_stereographic",
    straight_vertical_longitude_from_pole: -45,
    standard_parallel: 70,
    latitude_of_projection_origin: 90,
    semi_major_axis: 6378273,
    semi_minor_axis: 6356889.449,
  },
  polar_k: {
    grid_mapping_name: "polar_stereographic",
    straight_vertical_longitude_from_pole: 0,
    scale_factor_at_projection_origin: 0.994,
    latitude_of_projection_origin: -90,
  },
  // Variant B without the pole, as pyproj's to_cf writes NSIDC's EPSG:3413 and the Antarctic
  // EPSG:3031: the pole is the standard parallel's (these read with no CRS before).
  polar_b_north: {
    grid_mapping_name: "polar_stereographic",
    standard_parallel: 70,
    straight_vertical_longitude_from_pole: -45,
    semi_major_axis: 6378137,
    inverse_flattening: 298.257223563,
  },
  polar_b_south: {
    grid_mapping_name: "polar_stereographic",
    standard_parallel: -71,
    straight_vertical_longitude_from_pole: 0,
  },
  tmerc: {
    grid_mapping_name: "transverse_mercator",
    longitude_of_central_meridian: 9,
    latitude_of_projection_origin: 0,
    scale_factor_at_central_meridian: 0.9996,
    false_easting: 500000,
  },
  mercator: { grid_mapping_name: "mercator", longitude_of_projection_origin: 10, standard_parallel: 20 },
  laea: {
    grid_mapping_name: "lambert_azimuthal_equal_area",
    longitude_of_projection_origin: 10,
    latitude_of_projection_origin: 52,
    false_easting: 4321000,
    false_northing: 3210000,
  },
  albers: {
    grid_mapping_name: "albers_conical_equal_area",
    standard_parallel: [29.5, 45.5],
    longitude_of_central_meridian: -96,
    latitude_of_projection_origin: 23,
  },
  modis: { grid_mapping_name: "sinusoidal", longitude_of_central_meridian: 0, earth_radius: 6371007.181 },
  // GOES-East's ABI fixed grid (sweep x), and Meteosat's named by its fixed axis (so sweep y).
  goes: {
    grid_mapping_name: "geostationary",
    perspective_point_height: 35786023,
    semi_major_axis: 6378137,
    semi_minor_axis: 6356752.31414,
    inverse_flattening: 298.2572221,
    latitude_of_projection_origin: 0,
    longitude_of_projection_origin: -75,
    sweep_angle_axis: "x",
  },
  seviri: {
    grid_mapping_name: "geostationary",
    perspective_point_height: 35785831,
    semi_major_axis: 6378169,
    semi_minor_axis: 6356583.8,
    longitude_of_projection_origin: 9.5,
    fixed_angle_axis: "x",
  },
  // EASE-Grid 2.0's global grid, and the same projection by a scale factor.
  ease2: {
    grid_mapping_name: "lambert_cylindrical_equal_area",
    standard_parallel: 30,
    longitude_of_central_meridian: 0,
    semi_major_axis: 6378137,
    inverse_flattening: 298.257223563,
  },
  cea_k: {
    grid_mapping_name: "lambert_cylindrical_equal_area",
    scale_factor_at_projection_origin: 0.9,
    longitude_of_central_meridian: 5,
  },
  aeqd: {
    grid_mapping_name: "azimuthal_equidistant",
    latitude_of_projection_origin: 52,
    longitude_of_projection_origin: 5,
    false_easting: 100,
  },
  // On a sphere, and on WGS 84, where PROJ's (since 7.2) is ellipsoidal (grid/ortho-ellipsoid.ts).
  ortho: {
    grid_mapping_name: "orthographic",
    latitude_of_projection_origin: 40,
    longitude_of_projection_origin: -10,
    earth_radius: 6371000,
  },
  ortho_wgs84: {
    grid_mapping_name: "orthographic",
    latitude_of_projection_origin: 40,
    longitude_of_projection_origin: -10,
    false_easting: 1000,
    semi_major_axis: 6378137,
    inverse_flattening: 298.257223563,
  },
  nsper: {
    grid_mapping_name: "vertical_perspective",
    perspective_point_height: 3000000,
    latitude_of_projection_origin: 45,
    longitude_of_projection_origin: 10,
    earth_radius: 6371000,
  },
  omerc: {
    grid_mapping_name: "oblique_mercator",
    latitude_of_projection_origin: 4,
    longitude_of_projection_origin: 2,
    azimuth_of_central_line: 30,
    scale_factor_at_projection_origin: 0.99984,
    false_easting: 500000,
  },
};
/** Rotated poles (COSMO's, and one with its own grid longitude of the pole on a sphere), in degrees. */
const ROTATED: Record<string, Record<string, unknown>> = {
  cosmo: {
    grid_mapping_name: "rotated_latitude_longitude",
    grid_north_pole_latitude: 40,
    grid_north_pole_longitude: -170,
  },
  ukv: {
    grid_mapping_name: "rotated_latitude_longitude",
    grid_north_pole_latitude: 37.5,
    grid_north_pole_longitude: 177.5,
    north_pole_grid_longitude: 10,
    earth_radius: 6371229,
  },
};
const DEGREES: [number, number][] = [
  [0, 0],
  [-10, 5],
  [20, -15],
  [3.5, 24.25],
];
const POINTS: [number, number][] = [
  [0, 0],
  [250000, -125000],
  [-400000, 300000],
  [1200000, 800000],
];

describe.skipIf(!hasGdal)("CF grid mappings without WKT", () => {
  it("every mapping read places points where pyproj's CRS.from_cf does", () => {
    const want = py<Record<string, [number, number][]>>(`from pyproj import CRS, Transformer
out = {}
for points, mappings in ((${JSON.stringify(POINTS)}, ${JSON.stringify(MAPPINGS)}), (${JSON.stringify(DEGREES)}, ${JSON.stringify(ROTATED)})):
    for k, a in mappings.items():
        t = Transformer.from_crs(CRS.from_cf(a), "EPSG:4326", always_xy=True)
        out[k] = [list(t.transform(x, y)) for x, y in points]
print(json.dumps(out))`);
    const wgs84 = crsFromEpsg(4326);
    for (const [k, a] of [...Object.entries(MAPPINGS), ...Object.entries(ROTATED)]) {
      const proj = cfGridMappingProj(a);
      expect(proj, k).not.toBeNull();
      (k in ROTATED ? DEGREES : POINTS).forEach((p, i) => {
        // proj4's perspective gives latitude 0 at its exact centre (a metre off it, the right one).
        if (k === "nsper" && p[0] === 0 && p[1] === 0) return;
        const [lon, lat] = transformPoint(parseCrs(proj as string), wgs84, p);
        const [wlon, wlat] = want[k]?.[i] as [number, number];
        expect(Math.abs(lon - wlon), `${k} ${p} lon ${lon} vs ${wlon}`).toBeLessThan(1e-7);
        expect(Math.abs(lat - wlat), `${k} ${p} lat ${lat} vs ${wlat}`).toBeLessThan(1e-7);
      });
    }
    // Kilometre coordinates, and mappings not read here (no CRS, as before).
    const [lon, lat] = transformPoint(
      parseCrs(cfGridMappingProj(MAPPINGS.lcc_meps ?? {}, 1000) ?? ""),
      wgs84,
      [250, -125],
    );
    expect([lon, lat].map((v, i) => Math.abs(v - (want.lcc_meps?.[1]?.[i] ?? 0)) < 1e-7)).toStrictEqual([true, true]);
    expect(
      cfGridMappingProj({ grid_mapping_name: "rotated_latitude_longitude", grid_north_pole_latitude: 40 }),
    ).toBeNull();
    expect(cfGridMappingProj({ grid_mapping_name: "lambert_conformal_conic" })).toBeNull();
    // A geostationary view naming neither axis: pyproj refuses it, and tilecast reads no CRS.
    expect(cfGridMappingProj({ ...MAPPINGS.goes, sweep_angle_axis: undefined })).toBeNull();
    expect(cfGridMappingProj({ grid_mapping_name: "vertical_perspective" })).toBeNull();
    expect(cfGridMappingProj({ grid_mapping_name: "oblique_mercator", latitude_of_projection_origin: 4 })).toBeNull();
    expect(cfGridMappingProj({ grid_mapping_name: "no_such_projection" })).toBeNull();
  });

  it("a store with MET Norway's grid mapping reads placed, and its GeoTIFF lands where pyproj puts the cells", async () => {
    const dir = tmp("cf-gm");
    const store = join(dir, "meps.zarr");
    const corners = py<[number, number][]>(`import xarray as xr
from pyproj import CRS, Transformer
a = ${JSON.stringify(MAPPINGS.lcc_meps)}
x = -500000.0 + 2500.0 * np.arange(8)
y = 700000.0 - 2500.0 * np.arange(6)
ds = xr.Dataset({"air_temperature_2m": (("time", "y", "x"), np.arange(96, dtype="float32").reshape(2, 6, 8),
                  {"grid_mapping": "projection_lambert", "units": "K"})},
                coords={"x": ("x", x, {"units": "m", "standard_name": "projection_x_coordinate"}),
                        "y": ("y", y, {"units": "m", "standard_name": "projection_y_coordinate"}),
                        "time": np.array(["2026-11-21T00", "2026-11-21T01"], dtype="datetime64[ns]")})
ds["projection_lambert"] = xr.DataArray(0, attrs=a)
ds.to_zarr(${JSON.stringify(store)}, mode="w")
t = Transformer.from_crs(CRS.from_cf(a), "EPSG:4326", always_xy=True)
print(json.dumps([list(t.transform(x[0] - 1250, y[0] + 1250)), list(t.transform(x[-1] + 1250, y[-1] - 1250))]))`);
    const src = await openZarrSource(store, { variable: "air_temperature_2m" });
    expect(src.meta.georef?.crs?.proj4).toContain("+proj=lcc");
    expect(src.meta.georef?.transform).toStrictEqual([-501250, 2500, 0, 701250, 0, -2500]);
    const tif = join(dir, "meps.tif");
    await convertRaster(store, tif, { variable: "air_temperature_2m" });
    const seen = py<[number, number][]>(`from osgeo import osr
ds = gdal.Open(${JSON.stringify(tif)})
g = ds.GetGeoTransform()
s = osr.SpatialReference(wkt=ds.GetProjection()); s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
w = osr.SpatialReference(); w.ImportFromEPSG(4326); w.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
t = osr.CoordinateTransformation(s, w)
print(json.dumps([list(t.TransformPoint(g[0], g[3])[:2]), list(t.TransformPoint(g[0] + 8 * g[1], g[3] + 6 * g[5])[:2])]))`);
    seen.forEach((p, i) => {
      expect(Math.abs(p[0] - (corners[i]?.[0] ?? 0)), `corner ${i} lon`).toBeLessThan(1e-6);
      expect(Math.abs(p[1] - (corners[i]?.[1] ?? 0)), `corner ${i} lat`).toBeLessThan(1e-6);
    });
  });

  it("an EASE-Grid 2.0 store (Lambert cylindrical equal area) converts to a GeoTIFF on its CRS", async () => {
    const dir = tmp("cf-ease");
    const store = join(dir, "ease.zarr");
    const tif = join(dir, "ease.tif");
    py(`import xarray as xr
x = -17367530.44 + 9008.05 * (np.arange(10) + 0.5)
y = 7314540.83 - 9008.05 * (np.arange(8) + 0.5)
ds = xr.Dataset({"sm": (("y", "x"), np.arange(80, dtype="float32").reshape(8, 10), {"grid_mapping": "crs"})},
                coords={"x": ("x", x, {"units": "m", "standard_name": "projection_x_coordinate"}),
                        "y": ("y", y, {"units": "m", "standard_name": "projection_y_coordinate"})})
ds["crs"] = xr.DataArray(0, attrs=${JSON.stringify(MAPPINGS.ease2)})
ds.to_zarr(${JSON.stringify(store)}, mode="w")
print("null")`);
    await convertRaster(store, tif, { variable: "sm" });
    // Before, the GeoTIFF had no CRS at all (exit 0). Its corners, by GDAL, against pyproj's.
    const err = py<number>(`from pyproj import CRS, Transformer
ds = gdal.Open(${JSON.stringify(tif)})
g = ds.GetGeoTransform()
s = ds.GetSpatialRef(); s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
w = osr.SpatialReference(); w.ImportFromEPSG(4326); w.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
t = osr.CoordinateTransformation(s, w)
ref = Transformer.from_crs(CRS.from_cf(${JSON.stringify(MAPPINGS.ease2)}), "EPSG:4326", always_xy=True)
corners = [(g[0], g[3]), (g[0] + 10 * g[1], g[3] + 8 * g[5])]
print(json.dumps(max(abs(a - b) for x, y in corners for a, b in zip(t.TransformPoint(x, y)[:2], ref.transform(x, y)))))`);
    expect(err).toBeLessThan(1e-9);
  });
});
