/**
 * A rotated pole given as WKT 2 (pyproj's `crs_wkt` of a COSMO or ICON grid) transforms where
 * pyproj transforms it. proj4 read the WKT as plain longitude and latitude: (10°E, 50°N) stayed
 * (10, 50) where it is (0, 0) on a grid whose pole is at (-170, 40), with no error; the same CRS
 * from CF's parameters was then not the same CRS.
 */
import { describe, expect, it } from "vitest";
import { crsFromEpsg, parseCrs, sameCrs, transformPoint } from "../../src/grid/crs.js";
import { rotatedPoleProj } from "../../src/grid/rotated-pole-wkt.js";
import { cfGridMappingProj } from "../../src/io/zarr/cf-grid-mapping.js";
import { hasPyproj, py } from "../helpers/gdal.js";

describe.skipIf(!hasPyproj)("rotated pole WKT 2", () => {
  it("transforms as pyproj does, by CF's convention and GRIB's, on an ellipsoid or a sphere", () => {
    const cases = py<{ wkt: string; points: [number, number][]; expected: [number, number][] }[]>(`import pyproj
grib = '''GEOGCRS["rotated",BASEGEOGCRS["sphere",DATUM["d",ELLIPSOID["s",6371229,0,LENGTHUNIT["metre",1]]]],
DERIVINGCONVERSION["Pole rotation (GRIB convention)",METHOD["Pole rotation (GRIB convention)"],
PARAMETER["Latitude of the southern pole (GRIB convention)",-35,ANGLEUNIT["degree",0.0174532925199433]],
PARAMETER["Longitude of the southern pole (GRIB convention)",10,ANGLEUNIT["degree",0.0174532925199433]],
PARAMETER["Axis rotation (GRIB convention)",15,ANGLEUNIT["degree",0.0174532925199433]]],
CS[ellipsoidal,2],AXIS["lon",east,ORDER[1],ANGLEUNIT["degree",0.0174532925199433]],
AXIS["lat",north,ORDER[2],ANGLEUNIT["degree",0.0174532925199433]]]'''.replace("\\n", "")
crss = [pyproj.CRS.from_cf({"grid_mapping_name": "rotated_latitude_longitude", "grid_north_pole_latitude": 40.0,
            "grid_north_pole_longitude": -170.0}),
        pyproj.CRS.from_cf({"grid_mapping_name": "rotated_latitude_longitude", "grid_north_pole_latitude": 39.25,
            "grid_north_pole_longitude": -162.0, "north_pole_grid_longitude": 5.0, "earth_radius": 6371229.0}),
        pyproj.CRS.from_wkt(grib)]
points = [(10, 50), (-3.5, 61.25), (25, 35)]
out = []
for c in crss:
    t = pyproj.Transformer.from_crs(pyproj.CRS("+proj=longlat +datum=WGS84"), c, always_xy=True)
    out.append({"wkt": c.to_wkt("WKT2_2019"), "points": points, "expected": [list(t.transform(*p)) for p in points]})
print(json.dumps(out))`);
    expect(cases.length).toBe(3);
    for (const c of cases) {
      const crs = parseCrs(c.wkt);
      c.points.forEach((p, i) => {
        const [x, y] = transformPoint(crsFromEpsg(4326), crs, p);
        const [ex, ey] = c.expected[i] as [number, number];
        expect(Math.abs(x - ex) + Math.abs(y - ey), c.wkt.slice(0, 60)).toBeLessThan(1e-9);
      });
    }
    expect(Math.hypot(...(cases[0]?.expected[0] ?? [1, 1]))).toBeLessThan(1e-9); // (10, 50) is the grid's (0, 0)
  });

  it("is the same CRS as the CF parameters beside it give, and names no rotated pole where there is none", () => {
    // A store's crs_wkt and its CF parameters (pyproj's to_cf writes both) are one CRS.
    const params = {
      grid_mapping_name: "rotated_latitude_longitude",
      grid_north_pole_latitude: 40,
      grid_north_pole_longitude: -170,
    };
    const [wkt, ownProj] = py<[string, string]>(`import pyproj
c = pyproj.CRS.from_cf(${JSON.stringify(params)})
print(json.dumps([c.to_wkt("WKT2_2019"), pyproj.CRS(c.to_proj4()).to_wkt("WKT2_2019")]))`);
    expect(rotatedPoleProj(wkt)).toBe(
      "+proj=ob_tran +o_proj=longlat +o_lat_p=40 +o_lon_p=0 +lon_0=10 +a=6378137 +rf=298.257223563 +no_defs",
    );
    expect(sameCrs(parseCrs(wkt), parseCrs(cfGridMappingProj(params) ?? ""))).toBe(true);
    // PROJ's own ob_tran method, as pyproj writes a rotated pole given as a PROJ string.
    expect(rotatedPoleProj(ownProj)).toBe(rotatedPoleProj(wkt));
    expect(rotatedPoleProj(crsFromEpsg(4326).wkt ?? "")).toBeNull();
    expect(rotatedPoleProj("+proj=longlat")).toBeNull();
  });
});
