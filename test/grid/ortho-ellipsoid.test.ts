/**
 * The orthographic projection on an ellipsoid, as PROJ (7.2 on) and EPSG compute it. proj4's is
 * spherical on any ellipsoid: a CF `orthographic` mapping or an Orthographic WKT on WGS 84 put
 * points kilometres from PROJ's. Each form is checked against pyproj, both ways, on the
 * ellipsoid and on a sphere (where it was right, and stays so); points past the horizon are NaN.
 */
import { describe, expect, it } from "vitest";
import { crsFromEpsg, parseCrs, transformPoint } from "../../src/grid/crs.js";
import { cfGridMappingProj } from "../../src/io/zarr/cf-grid-mapping.js";
import { hasPyproj, py } from "../helpers/gdal.js";

const CF = {
  grid_mapping_name: "orthographic",
  latitude_of_projection_origin: 40,
  longitude_of_projection_origin: 10,
  false_easting: 1000,
  false_northing: -500,
  semi_major_axis: 6378137,
  inverse_flattening: 298.257223563,
};

describe.skipIf(!hasPyproj)("orthographic on the ellipsoid", () => {
  it("transforms as pyproj does, forward and back, in PROJ, CF and WKT forms", () => {
    const cf = cfGridMappingProj(CF) as string;
    const defs = [
      "+proj=ortho +lat_0=40 +lon_0=10 +ellps=WGS84 +units=m",
      "+proj=ortho +lat_0=-90 +lon_0=0 +x_0=1000 +y_0=-500 +ellps=GRS80",
      "+proj=ortho +lat_0=0 +lon_0=-75 +datum=WGS84",
      "+proj=ortho +lat_0=40 +lon_0=10 +R=6371000 +units=m",
      cf,
    ];
    const cases = py<{ def: string; wkt: string; points: [number, number][]; xy: (number | null)[][] }[]>(`import pyproj
defs = ${JSON.stringify(defs)}
points = [(lon, lat) for lon in range(-180, 180, 25) for lat in range(-85, 90, 17)]
out = []
for d in defs:
    c = pyproj.CRS(d)
    t = pyproj.Transformer.from_crs("EPSG:4326", c, always_xy=True)
    xy = [[v if math.isfinite(v) else None for v in t.transform(*p)] for p in points]
    out.append({"def": d, "wkt": c.to_wkt("WKT2_2019"), "points": points, "xy": xy})
print(json.dumps(out))`);
    let visible = 0;
    for (const c of cases)
      for (const crs of [parseCrs(c.def), parseCrs(c.wkt)])
        c.points.forEach((p, i) => {
          const [ex, ey] = c.xy[i] as [number | null, number | null];
          const [x, y] = transformPoint(crsFromEpsg(4326), crs, p);
          const at = `${c.def} at ${p}`;
          if (ex === null || ey === null) {
            expect(Number.isFinite(x), at).toBe(false);
            return;
          }
          visible++;
          expect(Math.hypot(x - ex, y - ey), at).toBeLessThan(1e-3);
          // Back, away from the horizon where the inverse is ill-conditioned.
          const [lon, lat] = transformPoint(crs, crsFromEpsg(4326), [ex, ey]);
          const dLon = ((lon - p[0] + 540) % 360) - 180; // -180 comes back as 180
          if (Math.hypot(ex, ey) < 6.3e6) expect(Math.hypot(dLon, lat - p[1]), at).toBeLessThan(1e-8);
        });
    expect(visible).toBeGreaterThan(300);
  });
});
