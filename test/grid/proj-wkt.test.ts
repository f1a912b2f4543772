/**
 * A CRS known by its PROJ string alone, written as WKT (proj-wkt.ts): GDAL's PROJ reads each back
 * as the same CRS, and tilecast's `parseCrs` takes the string from the WKT's EXTENSION. Which of
 * them is longitude and latitude on the Earth: not a rotated pole.
 */
import { describe, expect, it } from "vitest";
import { isGeographic, isRotatedPole, parseCrs } from "../../src/grid/crs.js";
import { proj4Wkt } from "../../src/grid/proj-wkt.js";
import { hasGdal, py } from "../helpers/gdal.js";

const DEFS = [
  "+proj=geos +h=35786023 +lon_0=-75 +sweep=x +x_0=0 +y_0=0 +a=6378137 +b=6356752.31414 +units=m +no_defs",
  "+proj=ob_tran +o_proj=longlat +o_lat_p=40 +o_lon_p=0 +lon_0=10 +ellps=WGS84 +no_defs",
  "+proj=lcc +lat_0=63.3 +lon_0=15 +lat_1=63.3 +lat_2=63.3 +x_0=0 +y_0=0 +R=6371000 +units=km +no_defs",
  "+proj=longlat +ellps=intl +towgs84=-87,-98,-121 +no_defs",
];

describe("PROJ strings as WKT", () => {
  it("reads back as the same string in tilecast", () => {
    for (const d of DEFS) expect(parseCrs(proj4Wkt(d)).proj4).toBe(d);
    expect(proj4Wkt(DEFS[3] as string)).toMatch(/^GEOGCS\[/);
    expect(proj4Wkt(DEFS[0] as string)).toMatch(/^PROJCS\[.*SPHEROID\["unknown",6378137,298\.25722/);
    expect(() => proj4Wkt("+proj=nonesuch")).toThrow(/cannot interpret CRS/);
  });

  it.skipIf(!hasGdal)("reads back as the same CRS in GDAL (a point each, through PROJ)", () => {
    const points = [
      [250000, -125000],
      [-7, 5],
      [250, -125],
      [12, 48],
    ];
    const seen = py<[number, number][][]>(`out = []
for d, w, p in zip(${JSON.stringify(DEFS)}, ${JSON.stringify(DEFS.map(proj4Wkt))}, ${JSON.stringify(points)}):
    pair = []
    for s in (osr.SpatialReference(), osr.SpatialReference()):
        s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        pair.append(s)
    pair[0].ImportFromProj4(d); pair[1].ImportFromWkt(w)
    g = osr.SpatialReference(); g.ImportFromEPSG(4326); g.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    out.append([list(osr.CoordinateTransformation(s, g).TransformPoint(*p)[:2]) for s in pair])
print(json.dumps(out))`);
    seen.forEach(([want, got], i) => {
      expect(Math.abs((got?.[0] ?? 0) - (want?.[0] ?? 1)), DEFS[i]).toBeLessThan(1e-9);
      expect(Math.abs((got?.[1] ?? 0) - (want?.[1] ?? 1)), DEFS[i]).toBeLessThan(1e-9);
    });
  });

  it("a rotated pole is not geographic; plain longitude and latitude are", () => {
    const rotated = parseCrs(DEFS[1] as string);
    expect([isRotatedPole(rotated), isGeographic(rotated)]).toStrictEqual([true, false]);
    const wkt2 = parseCrs(
      'GEOGCRS["rotated",BASEGEOGCRS["WGS 84",DATUM["x",ELLIPSOID["x",6378137,298.257223563]]],DERIVINGCONVERSION["pole",METHOD["PROJ ob_tran o_proj=longlat"]],CS[ellipsoidal,2]]',
    );
    expect([isRotatedPole(wkt2), isGeographic(wkt2)]).toStrictEqual([true, false]);
    const plain = parseCrs(DEFS[3] as string);
    expect([isRotatedPole(plain), isGeographic(plain)]).toStrictEqual([false, true]);
    expect(isGeographic(parseCrs(DEFS[0] as string))).toBe(false);
    expect(
      isGeographic(
        parseCrs(
          'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]',
        ),
      ),
    ).toBe(true);
  });
});
