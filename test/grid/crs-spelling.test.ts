/**
 * A CRS spelled as files and users spell it beside `EPSG:n`, WKT and PROJ strings: OGC's URNs and
 * URLs, PROJ's `+init=epsg:n`, OGC's CRS84, and PROJJSON (checked against pyproj's own JSON and
 * transforms). `parseCrs` read none of them: "cannot parse CRS", or (a Zarr `_CRS` with a URL of
 * no EPSG code or with PROJJSON alone) no CRS at all.
 */
import { describe, expect, it } from "vitest";
import { crsFromEpsg, isRotatedPole, parseCrs, transformPoint } from "../../src/grid/crs.js";
import { respelledCrs, spelledEpsg } from "../../src/grid/crs-spelling.js";
import { hasPyproj, py } from "../helpers/gdal.js";

describe("CRS spellings", () => {
  it.each([
    ["EPSG:32633", 32633],
    ["epsg:3035", 3035],
    ["4326", 4326],
    ["urn:ogc:def:crs:EPSG::32633", 32633],
    ["urn:ogc:def:crs:EPSG:6.18.3:32633", 32633],
    ["http://www.opengis.net/def/crs/EPSG/0/32633", 32633],
    ["https://www.opengis.net/def/crs/EPSG/9.9.1/3413", 3413],
    ["http://www.opengis.net/gml/srs/epsg.xml#27700", 27700],
    ["+init=epsg:32633", 32633],
    ["+init=EPSG:2056 +no_defs", 2056],
    ["OGC:CRS84", 4326],
    ["urn:ogc:def:crs:OGC:1.3:CRS84", 4326],
    ["http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326],
    ["urn:ogc:def:crs:OGC:1.3:CRS83", 4269],
  ])("%s is EPSG:%i", (text, code) => {
    expect(spelledEpsg(text)).toBe(code);
    expect(parseCrs(text).epsg).toBe(code);
  });

  it("leaves other text as it is, and refuses what is no CRS", () => {
    expect(spelledEpsg("+proj=utm +zone=33 +init=epsg:32633")).toBeNull(); // +init among other terms
    expect(respelledCrs(" +proj=longlat +R=1 ")).toBe("+proj=longlat +R=1");
    expect(spelledEpsg("42")).toBeNull(); // a bare number is a code from four digits
    expect(() => parseCrs("urn:ogc:def:crs:ESRI::54009")).toThrow(/^cannot parse CRS 'urn:ogc:def:crs:ESRI::54009'$/);
    expect(() => parseCrs("http://www.opengis.net/def/crs/OGC/1.3/CRS99")).toThrow(/cannot parse CRS/);
    expect(() => parseCrs("urn:ogc:def:crs:EPSG::32799")).toThrow(/^EPSG:32799 is not in the bundled EPSG index$/);
    expect(() => parseCrs('{"type": "ProjectedCRS"')).toThrow(/cannot parse CRS .* \(not JSON\)$/);
    expect(() => parseCrs('{"type": "TemporalCRS", "name": "t"}')).toThrow(
      /^PROJJSON of type 'TemporalCRS' is not a CRS tilecast reads$/,
    );
    expect(() => parseCrs('{"type": "GeographicCRS", "name": "g"}')).toThrow(
      /^PROJJSON GeographicCRS 'g' is not latitude and longitude$/,
    );
  });
});

interface PyprojCase {
  name: string;
  json: Record<string, unknown>;
  lonlat: [number, number];
  xy: [number, number];
  epsg: number | null;
}

/** pyproj's PROJJSON of each CRS, the EPSG code of its ID, and where pyproj puts a point of it. */
function pyprojCases(): PyprojCase[] {
  return py(`import pyproj
out = []
def add(name, crs, lonlat):
    crs = pyproj.CRS(crs)
    x, y = pyproj.Transformer.from_crs(4326, crs, always_xy=True).transform(*lonlat)
    j = json.loads(crs.to_json())
    out.append(dict(name=name, json=j, lonlat=lonlat, xy=[x, y], epsg=j.get("id", {}).get("code")))
for code, p in [(4326, (10, 50)), (32633, (15, 52)), (3035, (10, 52)), (2227, (-122, 37.5)), (3413, (-45, 75)),
                (3031, (0, -75)), (27700, (-1, 52)), (5070, (-96, 40)), (26915, (-93, 45)), (32761, (0, -85))]:
    add(f"EPSG:{code}", code, p)
add("CF Lambert on a sphere", pyproj.CRS.from_cf({"grid_mapping_name": "lambert_conformal_conic",
    "standard_parallel": [33, 45], "longitude_of_central_meridian": -97, "latitude_of_projection_origin": 40,
    "false_easting": 1000, "false_northing": -500, "earth_radius": 6371229}), (-90, 35))
add("bound (OSGB36 by Helmert)", "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 "
    "+ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs", (-1, 52))
add("sinusoidal (MODIS)", "+proj=sinu +lon_0=0 +R=6371007.181 +units=m +no_defs", (20, 40))
add("Lambert in US feet", "+proj=lcc +lat_1=37.0666666667 +lat_2=38.4333333333 +lat_0=36.5 +lon_0=-120.5 "
    "+x_0=2000000.0001016 +y_0=500000.0001016 +ellps=GRS80 +units=us-ft +no_defs", (-122, 37.5))
print(json.dumps(out))`);
}

describe.skipIf(!hasPyproj)("PROJJSON", () => {
  const cases = hasPyproj ? pyprojCases() : [];

  it("is pyproj's CRS: its EPSG code where it has an ID, the same points without one", () => {
    expect(cases.length).toBe(14);
    for (const c of cases) {
      const crs = parseCrs(JSON.stringify(c.json));
      expect(crs.epsg, c.name).toBe(c.epsg);
      const { id: _, ...unnamed } = c.json;
      for (const each of [crs, parseCrs(JSON.stringify(unnamed))]) {
        const [x, y] = transformPoint(crsFromEpsg(4326), each, c.lonlat);
        // To a millimetre: British National Grid's Helmert lands 0.7 mm from pyproj's; the
        // rest within a micrometre.
        expect(Math.hypot(x - c.xy[0], y - c.xy[1]), c.name).toBeLessThan(1e-3);
      }
    }
  });

  it("reads a compound CRS's vertical code and a rotated pole's derived CRS", () => {
    const [compound, rotated] = py<[unknown, unknown]>(`import pyproj
r = pyproj.CRS.from_cf({"grid_mapping_name": "rotated_latitude_longitude", "grid_north_pole_latitude": 40.0,
    "grid_north_pole_longitude": -170.0})
print(json.dumps([json.loads(pyproj.CRS(7405).to_json()), json.loads(r.to_json())]))`);
    const bng = parseCrs(JSON.stringify(compound));
    expect([bng.epsg, bng.vertical]).toStrictEqual([27700, 5701]);
    expect(isRotatedPole(parseCrs(JSON.stringify(rotated)))).toBe(true);
  });
});

describe.skipIf(!hasPyproj)("ESRI's compound CRS (PROJCS[...],VERTCS[...])", () => {
  it("is read as its horizontal CRS, as GDAL reads it; it was refused as malformed WKT", () => {
    const { esri, gdal } = py<{ esri: string; gdal: string }>(`import pyproj
from osgeo import osr
esri = pyproj.CRS(5972).to_wkt("WKT1_ESRI")  # ETRS89 / UTM 32N + NN2000 height
s = osr.SpatialReference()
assert s.ImportFromWkt(esri) == 0
print(json.dumps(dict(esri=esri, gdal=s.ExportToProj4())))`);
    expect(esri).toMatch(/^PROJCS\[.*\]\],VERTCS\["NN2000_height"/);
    const horizontal = esri.slice(0, esri.indexOf(",VERTCS["));
    expect(respelledCrs(esri)).toBe(`COMPD_CS["ETRS_1989_UTM_Zone_32N",${esri}]`);
    const crs = parseCrs(esri);
    expect(crs.wkt).toBe(horizontal);
    expect(gdal).toContain("+proj=utm +zone=32 +ellps=GRS80");
    const [x, y] = transformPoint(crsFromEpsg(4258), crs, [9, 60]);
    expect(Math.abs(x - 500000)).toBeLessThan(1e-6);
    expect(Math.abs(y - 6651411.19)).toBeLessThan(0.01);
    // A quoted "]" in a name does not end the first part early.
    const odd = esri.replace('PROJCS["ETRS_1989_UTM_Zone_32N"', 'PROJCS["UTM ] 32N"');
    expect(parseCrs(odd).wkt).toBe(horizontal.replace('PROJCS["ETRS_1989_UTM_Zone_32N"', 'PROJCS["UTM ] 32N"'));
  });
});
