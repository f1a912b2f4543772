/**
 * PROJ strings' named ellipsoids read as PROJ defines them. proj4's table spells WGS72 as WGS7
 * and lacks GSK2011, PZ90, danish and APL4.9, and took each for WGS 84: the 250 WGS 72 and 177
 * GSK-2011 CRSs of the bundled EPSG index were 0.1-1.8 m off pyproj, a Danish grid 2.7 km.
 */
import { describe, expect, it } from "vitest";
import { crsFromEpsg, parseCrs, transformPoint } from "../../src/grid/crs.js";
import { PROJ_ELLIPSOIDS } from "../../src/grid/proj-ellipsoid-table.js";
import { spelledEllipsoid } from "../../src/grid/proj-ellipsoids.js";
import { geoKeysFromCrs } from "../../src/io/geotiff/geokeys-write.js";
import { cfGridMappingAttrs } from "../../src/io/zarr/cf-grid-mapping-write.js";
import { hasPyproj, py } from "../helpers/gdal.js";

/** A transverse Mercator on `ellps`, from longitude and latitude on the same ellipsoid (no datum). */
const tm = (ellps: string) =>
  `+proj=tmerc +lat_0=0 +lon_0=10 +k=1 +x_0=500000 +y_0=0 +ellps=${ellps} +units=m +no_defs`;
const geo = (ellps: string) => `+proj=longlat +ellps=${ellps} +no_defs`;
const POINT: [number, number] = [11.5, 56.25];

describe.runIf(hasPyproj)("PROJ strings' ellipsoids against PROJ", () => {
  it("every ellipsoid PROJ names projects a point as PROJ does, to a millimetre", () => {
    const names = py<string[]>("import pyproj\nprint(json.dumps(sorted(pyproj.get_ellps_map())))");
    expect(Object.keys(PROJ_ELLIPSOIDS).sort()).toEqual(names);
    const expected = py<Record<string, [number, number]>>(`import pyproj
out = {}
for n in ${JSON.stringify(names)}:
    t = pyproj.Transformer.from_crs(${JSON.stringify(geo("NAME"))}.replace("NAME", n), ${JSON.stringify(tm("NAME"))}.replace("NAME", n), always_xy=True)
    out[n] = t.transform(*${JSON.stringify(POINT)})
print(json.dumps(out))`);
    for (const n of names) {
      const got = transformPoint(parseCrs(geo(n)), parseCrs(tm(n)), POINT);
      const want = expected[n] as [number, number];
      expect(Math.hypot(got[0] - want[0], got[1] - want[1]), n).toBeLessThan(1e-3);
    }
  });

  it("WGS 72 and GSK-2011 grids of the bundled index land where PROJ puts them from WGS 84", () => {
    // WGS 72 / UTM 33N on WGS 72 BE's shift; GSK-2011 Gauss-Kruger zone 4 with its own shift.
    const cases: [number, [number, number]][] = [
      [32233, [15, 45]],
      [20904, [21, 60]],
    ];
    const want = py<[number, number][]>(`import pyproj
print(json.dumps([pyproj.Transformer.from_crs(4326, c, always_xy=True).transform(*p) for c, p in ${JSON.stringify(cases)}]))`);
    cases.forEach(([code, p], i) => {
      const got = transformPoint(crsFromEpsg(4326), crsFromEpsg(code), p);
      const w = want[i] as [number, number];
      expect(Math.hypot(got[0] - w[0], got[1] - w[1]), `EPSG:${code}`).toBeLessThan(0.01);
    });
  });

  it("axes the string gives beside the name override the name's, as in PROJ", () => {
    const defs = [
      "+proj=longlat +ellps=intl +rf=300 +no_defs",
      "+proj=longlat +ellps=WGS72 +a=6378000 +no_defs",
      "+proj=longlat +ellps=clrk66 +a=6378100 +no_defs",
    ];
    const want = py<[number, number][]>(`import pyproj
print(json.dumps([pyproj.Transformer.from_crs(d + " +towgs84=0,0,0", ${JSON.stringify(`${tm("GRS80")} +towgs84=0,0,0`)}, always_xy=True).transform(*${JSON.stringify(POINT)}) for d in ${JSON.stringify(defs)}]))`);
    defs.forEach((d, i) => {
      const got = transformPoint(parseCrs(`${d} +towgs84=0,0,0`), parseCrs(`${tm("GRS80")} +towgs84=0,0,0`), POINT);
      const w = want[i] as [number, number];
      expect(Math.hypot(got[0] - w[0], got[1] - w[1]), d).toBeLessThan(1e-3);
    });
  });
});

describe("PROJ strings' ellipsoid names", () => {
  it("spells out a name proj4 lacks, and leaves the ones it reads as PROJ does", () => {
    expect(spelledEllipsoid("+proj=longlat +ellps=WGS72 +no_defs")).toBe(
      "+proj=longlat +ellps=WGS72 +no_defs +a=6378135 +rf=298.26",
    );
    expect(spelledEllipsoid("+proj=longlat +ellps=intl +no_defs")).toBe("+proj=longlat +ellps=intl +no_defs");
    expect(spelledEllipsoid("+proj=longlat +ellps=WGS72 +R=6371000")).toBe("+proj=longlat +ellps=WGS72 +R=6371000");
  });

  it("writes WGS 72 as WGS 72 in GeoTIFF keys and CF attributes, not as WGS 84", () => {
    const crs = parseCrs("+proj=utm +zone=33 +ellps=WGS72 +units=m +no_defs");
    const ellipsoid = geoKeysFromCrs(crs, "area").find((k) => k.key === 2056); // GeogEllipsoidGeoKey
    expect(ellipsoid?.value).toBe(7043);
    const attrs = cfGridMappingAttrs(crs);
    expect([attrs?.semi_major_axis, attrs?.inverse_flattening]).toEqual([6378135, 298.26]);
  });

  it("refuses a name PROJ does not know, in one line, where proj4 took it for WGS 84", () => {
    const crs = parseCrs("+proj=utm +zone=33 +ellps=WGS85 +units=m +no_defs");
    expect(() => transformPoint(crsFromEpsg(4326), crs, [15, 45])).toThrow(
      /^unknown ellipsoid "\+ellps=WGS85" in PROJ string/,
    );
  });
});
