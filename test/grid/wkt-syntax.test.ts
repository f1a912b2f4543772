/**
 * WKT well-formedness: every WKT tilecast carries (PROJ's, GDAL's, ESRI's) passes, and a WKT cut
 * short anywhere, or a text that only begins like one, is named as not WKT. Before, `parseCrs`
 * took any text beginning `KEYWORD[` as WKT, and a `crs_wkt` cut short was written on into a
 * GeoTIFF GDAL could not read a CRS from.
 */
import { describe, expect, it } from "vitest";
import { crsFromEpsg, parseCrs } from "../../src/grid/crs.js";
import { EPSG_WKT } from "../../src/grid/epsg-wkt.js";
import { wktProblem } from "../../src/grid/wkt-syntax.js";

const ESRI =
  'PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]';
const WKT2_TIME =
  'TIMECRS["GPS Time",TDATUM["Time origin",TIMEORIGIN[1980-01-06T00:00:00.0Z]],CS[TemporalCount,1],AXIS["time",future,TIMEUNIT["day",86400.0]]]';

describe("wktProblem", () => {
  it("passes every WKT tilecast carries: PROJ's WKT 1 and 2, GDAL's, ESRI's, WKT 2 times and () brackets", () => {
    const texts = [...Object.values(EPSG_WKT), crsFromEpsg(32633).wkt, crsFromEpsg(4326).wkt, ESRI, WKT2_TIME];
    texts.push('GEOGCS("name with ""quotes""", DATUM("D", SPHEROID("S", 6378137, 298.257)), UNIT("degree", 1.7e-2))');
    expect(texts.length).toBeGreaterThan(100);
    for (const t of texts) expect(wktProblem(t as string), t as string).toBeNull();
  });

  it("names a WKT cut short at any character, and one with text after it", () => {
    for (let n = 1; n < ESRI.length; n++) expect(wktProblem(ESRI.slice(0, n)), ESRI.slice(0, n)).not.toBeNull();
    expect(wktProblem('GEOGCS["WGS 84",DATUM["WGS_1984"')).toBe("unclosed DATUM[ at character 16");
    expect(wktProblem('GEOGCS["WGS 84"]]')).toBe("text after the closing bracket at character 16");
    expect(wktProblem('GEOGCS["WGS 84)')).toBe("a quoted text is not closed");
    expect(wktProblem("GEOGCS[garbage")).toBe("unclosed GEOGCS[ at character 0");
    expect(wktProblem('GEOGCS["a",,1]')).toBe("unexpected ',' at character 11");
  });

  it("makes parseCrs refuse a malformed WKT in one line, and read a well-formed one", () => {
    expect(() => parseCrs(ESRI.slice(0, 120))).toThrow(/^malformed WKT \(unclosed SPHEROID\[ at character \d+\)/);
    expect(parseCrs(ESRI).wkt).toBe(ESRI);
  });
});
