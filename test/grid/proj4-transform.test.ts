/**
 * Points transformed by tilecast (proj4) as PROJ transforms them, for the PROJ strings proj4
 * reads otherwise: Miller on the sphere of the ellipsoid's area (`+R_A`), which proj4 drew on a
 * sphere of the semi-major axis (0.11 % larger: 20 km at 174.7°E), and a south-orientated
 * Transverse Mercator (`+axis=wsu`), whose westings and southings proj4 gave as eastings and
 * northings (the sign of both wrong).
 */
import { describe, expect, it } from "vitest";
import { type Crs, crsFromEpsg, parseCrs, transformPoint } from "../../src/grid/crs.js";
import { hasGdal, py } from "../helpers/gdal.js";

const DEFS = [
  "+proj=mill +R_A +lat_0=0 +lon_0=10 +x_0=5 +y_0=7 +ellps=WGS84 +units=m +no_defs",
  "+proj=tmerc +lat_0=0 +lon_0=21 +k=1 +x_0=0 +y_0=0 +axis=wsu +ellps=WGS84 +units=m +no_defs",
  "+proj=cea +lat_ts=30 +lon_0=0 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs",
  "+proj=nzmg +lat_0=-41 +lon_0=173 +x_0=2510000 +y_0=6023150 +ellps=intl +units=m +no_defs",
];
const POINTS: [number, number][] = [
  [174.7, -36.8],
  [25, -30],
  [18.4, -33.9],
  [12, 45],
];
const crs = (proj4: string): Crs => ({ epsg: null, wkt: null, proj4 });

describe.skipIf(!hasGdal)("transformPoint against PROJ", () => {
  it("maps WGS 84 degrees as PROJ does, to a millimetre, and back", () => {
    const wgs84 = crsFromEpsg(4326);
    const got = DEFS.map((d) => POINTS.map((p) => transformPoint(wgs84, crs(d), p)));
    const want = py<[number, number][][]>(`
import pyproj, warnings
warnings.filterwarnings("ignore")
out = []
for d in ${JSON.stringify(DEFS)}:
    t = pyproj.Transformer.from_crs("EPSG:4326", d, always_xy=True)
    out.append([list(t.transform(lon, lat)) for lon, lat in ${JSON.stringify(POINTS)}])
print(json.dumps(out))`);
    for (const [i, d] of DEFS.entries()) {
      // New Zealand Map Grid is a series about New Zealand: its first point alone.
      const n = d.includes("nzmg") ? 1 : POINTS.length;
      for (let k = 0; k < n; k++) {
        const [x, y] = got[i]?.[k] as [number, number];
        const [u, v] = want[i]?.[k] as [number, number];
        expect(Math.max(Math.abs(x - u), Math.abs(y - v)), `${d} at ${POINTS[k]}`).toBeLessThan(0.001);
        const [lon, lat] = transformPoint(crs(d), wgs84, [x, y]);
        expect(
          Math.max(Math.abs(lon - (POINTS[k]?.[0] as number)), Math.abs(lat - (POINTS[k]?.[1] as number))),
        ).toBeLessThan(1e-9);
      }
    }
  });
});

describe.skipIf(!hasGdal)("transformPoint between a WKT 2 geographic CRS and south-west grids", () => {
  // WKT 2's geographic CRS orders latitude first; tilecast's points are longitude, latitude. proj4,
  // asked to apply the grid's axes, applied the WKT's too and swapped them (thousands of km off).
  const GRIDS = [
    "+proj=tmerc +lat_0=0 +lon_0=15 +k=1 +x_0=0 +y_0=0 +axis=wsu +ellps=WGS84 +units=m +no_defs",
    "+proj=krovak +axis=swu +lat_0=49.5 +lon_0=24.8333333333333 +alpha=30.2881397527778 +k=0.9999 +x_0=0 +y_0=0 +ellps=bessel +units=m +no_defs",
  ];
  const POINT: [number, number][] = [
    [14.475, -22.915],
    [15.5, 49.8],
  ];

  it("maps longitude, latitude as PROJ does (always_xy), to a millimetre, and back", () => {
    const want = py<{ geo: string; xy: [number, number] }[]>(`
import pyproj, warnings
warnings.filterwarnings("ignore")
out = []
for d, (lon, lat) in zip(${JSON.stringify(GRIDS)}, ${JSON.stringify(POINT)}):
    j = pyproj.CRS(d).geodetic_crs.to_json_dict()
    j["coordinate_system"]["axis"].reverse()  # latitude first, as EPSG's geographic CRSs
    geo = pyproj.CRS.from_json_dict(j)
    t = pyproj.Transformer.from_crs(geo, d, always_xy=True)
    out.append(dict(geo=geo.to_wkt("WKT2_2019"), xy=list(t.transform(lon, lat))))
print(json.dumps(out))`);
    for (const [i, d] of GRIDS.entries()) {
      const geo = parseCrs(want[i]?.geo as string);
      expect(want[i]?.geo).toMatch(/AXIS\["[^"]*lat[^"]*",north,ORDER\[1\]/i);
      const [x, y] = transformPoint(geo, crs(d), POINT[i] as [number, number]);
      const [u, v] = want[i]?.xy as [number, number];
      expect(Math.max(Math.abs(x - u), Math.abs(y - v)), d).toBeLessThan(0.001);
      const [lon, lat] = transformPoint(crs(d), geo, [x, y]);
      expect(Math.abs(lon - (POINT[i]?.[0] as number)) + Math.abs(lat - (POINT[i]?.[1] as number))).toBeLessThan(1e-9);
    }
  });
});

describe("transformPoint in a CRS whose method proj4 lacks", () => {
  it("names the method in one line (proj4 threw the CRS's whole text)", () => {
    const laborde = crsFromEpsg(29701); // Madagascar's Laborde grid: +proj=labrd
    expect(() => transformPoint(crsFromEpsg(4326), laborde, [47, -19])).toThrow(
      /^points cannot be transformed in this CRS: proj4 has no "labrd" projection$/,
    );
    const urban = parseCrs(
      'PROJCS["Arauca urban grid",GEOGCS["MAGNA-SIRGAS",DATUM["MAGNA",SPHEROID["GRS 1980",6378137,298.257222101]],' +
        'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["IGAC_Plano_Cartesiano"],' +
        'PARAMETER["latitude_of_center",7.0876],PARAMETER["longitude_of_center",-70.7583],UNIT["metre",1]]',
    );
    expect(() => transformPoint(crsFromEpsg(4326), urban, [-70.7, 7.1])).toThrow(
      'proj4 has no "IGAC_Plano_Cartesiano" projection',
    );
  });
});
