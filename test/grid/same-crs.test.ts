/**
 * One CRS spelled three ways (an EPSG code in a GeoTIFF, WKT without its authority from another
 * writer, the PROJ string a GDAL-converted netCDF file carries) was three CRSs: labels, truth
 * rasters and observations on the same grid were refused as "not on the image's grid". They are
 * now the same CRS where they define the same one; other ellipsoids, datums, units or origins stay
 * different.
 */
import { describe, expect, it } from "vitest";
import { type Crs, crsFromEpsg, sameCrs } from "../../src/grid/crs.js";

const c = (epsg: number | null, wkt: string | null, proj4: string | null): Crs => ({ epsg, wkt, proj4 });
/** UTM 33N as WKT without an AUTHORITY, as many writers give it. */
const UTM33_WKT =
  'PROJCS["WGS 84 / UTM zone 33N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",15],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]';
/** KNMI's radar grid as GDAL reads it from the netCDF file. */
const KNMI =
  "+proj=stere +lat_0=90 +lat_ts=60 +lon_0=0 +x_0=0 +y_0=0 +a=6378137 +rf=298.252840776245 +units=m +no_defs";
const KNMI_WKT = `PROJCS["unknown",GEOGCS["unknown",DATUM["unknown",SPHEROID["unknown",6378137,298.252840776245]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["custom_proj4"],UNIT["metre",1],EXTENSION["PROJ4","${KNMI}"]]`;

describe("sameCrs", () => {
  it("is true for one CRS spelled as an EPSG code, as WKT without it, or as a PROJ string", () => {
    expect(sameCrs(c(32633, null, null), c(null, UTM33_WKT, null))).toBe(true);
    expect(sameCrs(c(null, UTM33_WKT, null), crsFromEpsg(32633))).toBe(true);
    expect(sameCrs(c(null, null, KNMI), c(null, KNMI_WKT, null))).toBe(true);
    expect(sameCrs(c(4326, null, null), c(null, null, "+proj=longlat +datum=WGS84 +no_defs"))).toBe(true);
    const sphere =
      "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs";
    expect(sameCrs(c(3857, null, null), c(null, null, sphere))).toBe(true);
  });

  it("is false for another zone, ellipsoid, datum, unit or origin", () => {
    expect(sameCrs(c(32632, null, null), c(null, UTM33_WKT, null))).toBe(false);
    expect(sameCrs(c(4326, null, null), c(4258, null, null))).toBe(false);
    const utm32 = "+proj=utm +zone=32 +datum=WGS84 +units=m +no_defs";
    expect(
      sameCrs(
        c(null, null, utm32),
        c(null, null, "+proj=utm +zone=32 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"),
      ),
    ).toBe(false);
    expect(sameCrs(c(null, null, utm32), c(null, null, utm32.replace("+units=m", "+units=km")))).toBe(false);
    expect(sameCrs(c(null, null, KNMI), c(null, null, KNMI.replace("+lon_0=0", "+lon_0=10")))).toBe(false);
    expect(sameCrs(c(null, null, KNMI), c(null, null, KNMI.replace("+y_0=0", "+y_0=0.01")))).toBe(false);
    expect(sameCrs(c(null, null, KNMI), null)).toBe(false);
  });
});
