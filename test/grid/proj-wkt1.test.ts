/**
 * WKT 1 for PROJ strings (`projectedWkt`), against PROJ itself: each WKT, read by pyproj, maps
 * points as the PROJ string does, for every method it names, with datum shifts, feet and
 * kilometres, on prime meridians other than Greenwich's (null before). A one-parallel Lambert
 * conic away from its origin, which PROJ and proj4 read two ways, gives null (the caller keeps
 * the PROJ string).
 */
import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import { projectedWkt } from "../../src/grid/proj-wkt1.js";
import { hasGdal, py } from "../helpers/gdal.js";

const DEFS = [
  "+proj=sinu +lon_0=10 +x_0=1000 +y_0=-20 +R=6371007.181 +units=m +no_defs",
  "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +units=m",
  "+proj=lcc +lat_1=33 +lat_2=45 +lat_0=39 +lon_0=-96 +x_0=600000 +y_0=0 +ellps=GRS80 +towgs84=0,0,0 +units=us-ft",
  "+proj=lcc +lat_1=46.8 +lat_0=46.8 +lon_0=2.3 +k_0=0.99987742 +x_0=600000 +y_0=2200000 +ellps=clrk80ign +units=m",
  "+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +units=m",
  "+proj=aea +lat_1=29.5 +lat_2=45.5 +lat_0=23 +lon_0=-96 +x_0=0 +y_0=0 +ellps=GRS80 +units=m",
  "+proj=stere +lat_0=90 +lat_ts=60 +lon_0=0 +k=1 +x_0=0 +y_0=0 +a=6378137 +b=6356752.3142 +units=m",
  "+proj=stere +lat_0=90 +lon_0=0 +k=0.994 +x_0=2000000 +y_0=2000000 +datum=WGS84 +units=m",
  "+proj=stere +lat_0=-90 +lat_ts=-71 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m",
  "+proj=stere +lat_0=45 +lon_0=10 +k=1 +x_0=0 +y_0=0 +R=6371000 +units=m",
  "+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel +units=m",
  "+proj=merc +lon_0=5 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m",
  "+proj=merc +lat_ts=10 +lon_0=5 +x_0=0 +y_0=0 +ellps=WGS84 +units=m",
  "+proj=eqc +lat_ts=30 +lat_0=0 +lon_0=0 +x_0=0 +y_0=0 +R=1737400 +units=km",
  "+proj=aeqd +lat_0=52 +lon_0=5 +x_0=0 +y_0=0 +ellps=WGS84 +units=m",
  "+proj=robin +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m",
  "+proj=moll +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m",
  "+proj=tmerc +lat_0=0 +lon_0=9 +k=1 +x_0=3500000 +y_0=0 +ellps=bessel +towgs84=598.1,73.7,418.2,0.202,0.045,-2.455,6.7 +units=ft",
  "+proj=longlat +ellps=intl +towgs84=-87,-98,-121 +no_defs",
  "+proj=utm +zone=31 +south +ellps=intl +towgs84=-87,-98,-121 +units=m +no_defs",
  "+proj=omerc +lat_0=4 +lonc=102.25 +alpha=323.025796466667 +gamma=323.130102361111 +k=0.99984 +x_0=804671 +y_0=0 +ellps=evrst69 +units=m",
  "+proj=omerc +no_uoff +lat_0=46 +lonc=5 +alpha=30 +k=0.9999 +x_0=100 +y_0=200 +ellps=GRS80 +units=m",
  "+proj=somerc +lat_0=46.95240555555556 +lon_0=7.439583333333333 +k_0=1 +x_0=600000 +y_0=200000 +ellps=bessel +units=m",
  "+proj=cea +lat_ts=30 +lon_0=0 +x_0=0 +y_0=0 +ellps=WGS84 +units=m",
  "+proj=mill +R_A +lat_0=0 +lon_0=10 +x_0=5 +y_0=7 +ellps=WGS84 +units=m",
  "+proj=tmerc +lat_0=0 +lon_0=3 +k=1 +x_0=0 +y_0=0 +axis=wsu +ellps=WGS84 +units=m",
  "+proj=ortho +lat_0=40 +lon_0=0 +x_0=0 +y_0=0 +R=6370997 +units=m",
  "+proj=gnom +lat_0=60 +lon_0=0 +x_0=0 +y_0=0 +R=6371000 +units=m",
  "+proj=poly +lat_0=0 +lon_0=3 +x_0=5000000 +y_0=10000000 +ellps=aust_SA +units=m",
  "+proj=cass +lat_0=50 +lon_0=3 +x_0=86501.46 +y_0=65379.01 +ellps=clrk80 +units=m",
  "+proj=eqdc +lat_1=20 +lat_2=60 +lat_0=40 +lon_0=-96 +x_0=0 +y_0=0 +ellps=GRS80 +units=m",
  "+proj=vandg +lon_0=3 +x_0=0 +y_0=0 +R=6371000 +units=m",
  // Prime meridians other than Greenwich's, by PROJ's name and in degrees.
  "+proj=lcc +lat_1=46.8 +lat_0=46.8 +lon_0=0 +k_0=0.99987742 +x_0=600000 +y_0=2200000 +ellps=clrk80ign +pm=paris +units=m",
  "+proj=tmerc +lat_0=0 +lon_0=3 +k=1 +x_0=0 +y_0=0 +ellps=intl +pm=lisbon +units=m",
  "+proj=longlat +ellps=bessel +pm=-17.6666666666667 +no_defs",
];

/** The WKT for a PROJ string, with the ellipsoid proj4 derives. */
function wkt(def: string): string | null {
  const p = new proj4.Proj(def) as unknown as { a: number; b?: number; rf?: number };
  const rf = p.rf ?? (p.b === undefined || p.b === p.a ? 0 : p.a / (p.a - p.b));
  return projectedWkt(def, { a: p.a, rf });
}

describe("projectedWkt", () => {
  it("gives null where WKT 1 would say another CRS than PROJ reads", () => {
    expect(wkt("+proj=lcc +lat_1=46.8 +lat_0=40 +lon_0=2 +ellps=GRS80")).toBe(null);
    expect(wkt("+proj=geos +h=35785831 +lon_0=0 +sweep=y +ellps=GRS80")).toBe(null);
    expect(wkt("+proj=tmerc +lon_0=9 +ellps=GRS80 +units=us-mi")).toBe(null); // a unit it does not name
    // Miller off the equator or without the sphere of equal area, and axes WKT 1 cannot point.
    expect(wkt("+proj=mill +R_A +lat_0=3 +ellps=WGS84")).toBe(null);
    expect(wkt("+proj=mill +ellps=WGS84")).toBe(null);
    expect(wkt("+proj=tmerc +lon_0=9 +axis=neu +ellps=GRS80")).toBe(null);
  });

  it("quotes names as WKT does (a quote doubled)", () => {
    const w = projectedWkt("+proj=sinu +R=6371007.181", { a: 6371007.181, rf: 0 }, { crs: 'MODIS "Sinusoidal"' });
    const head = 'PROJCS["MODIS ""Sinusoidal""",GEOGCS["unknown",DATUM["unknown"';
    expect(w?.slice(0, head.length)).toBe(head);
  });

  it.skipIf(!hasGdal)("maps points as PROJ maps them through the PROJ string (WGS 84 degrees in, to 2 mm)", () => {
    const pairs = DEFS.map((d) => [d, wkt(d)]);
    expect(pairs.filter(([, w]) => w === null)).toStrictEqual([]);
    const worst = py<number[]>(`
import pyproj, warnings
warnings.filterwarnings("ignore")
out = []
for d, w in ${JSON.stringify(pairs)}:
    a, b = pyproj.CRS(d), pyproj.CRS(w)
    ta = pyproj.Transformer.from_crs("EPSG:4326" if a.ellipsoid.semi_major_metre > 6e6 else a.geodetic_crs, a, always_xy=True)
    tb = pyproj.Transformer.from_crs("EPSG:4326" if a.ellipsoid.semi_major_metre > 6e6 else a.geodetic_crs, b, always_xy=True)
    err = 0.0
    for lon, lat in [(5, 52), (-1, 50), (10, 70), (20, -75), (-90, 40), (2, 45)]:
        p, q = ta.transform(lon, lat), tb.transform(lon, lat)
        if all(math.isfinite(v) and abs(v) < 1e12 for v in p):
            err = max(err, abs(p[0] - q[0]), abs(p[1] - q[1]))
    out.append(err)
print(json.dumps(out))`);
    for (const [i, e] of worst.entries()) expect(e, DEFS[i]).toBeLessThan(0.002);
  });
});
