/**
 * User-defined CRSs (no EPSG code) through `convert`, against GDAL: the output's CRS is the
 * input's to `OSRIsSame` and prints the same WKT. Before, tilecast wrote its own name for the
 * projected CRS ("tilecast user-defined CRS") and none for the datum or ellipsoid, so GDAL named
 * them "unnamed": the same projection, but not the same CRS to rasterio's `==`, `gdalbuildvrt`
 * (which leaves out files of another CRS) or `gdalwarp`. The names now travel in the citations
 * GDAL reads; an ellipsoid given by its EPSG code alone is read by that code (International
 * 1924 read as WGS 84 before); and Transverse Mercator on a sphere, which proj4 refused
 * ("Incorrect elliptical usage"), converts.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { editTiff } from "../../helpers/tiff-edit.js";
import { tmp } from "../../helpers/write.js";

const CRSS: Record<string, string> = {
  sinusoidal: "+proj=sinu +lon_0=0 +x_0=0 +y_0=0 +R=6371007.181 +units=m +no_defs",
  "lcc in US feet with a datum shift":
    "+proj=lcc +lat_1=33 +lat_2=45 +lat_0=39 +lon_0=-96 +x_0=0 +y_0=0 +ellps=GRS80 +towgs84=0,0,0 +units=us-ft +no_defs",
  "equirectangular on the Moon": "+proj=eqc +lat_ts=0 +lon_0=0 +R=1737400 +units=m +no_defs",
  "tmerc on International 1924": "+proj=tmerc +lat_0=0 +lon_0=17 +k=0.9996 +x_0=500000 +y_0=0 +ellps=intl +units=m",
  "tmerc on a sphere": "+proj=tmerc +lat_0=0 +lon_0=17 +k=0.9996 +x_0=500000 +y_0=0 +R=6370997 +units=m",
  "tmerc on GRS 1980": "+proj=tmerc +lat_0=0 +lon_0=17 +k=0.9996 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m",
  "longitude and latitude on Bessel 1841": "+proj=longlat +ellps=bessel +no_defs",
  "a named WKT": `PROJCS["My TM",GEOGCS["My GCS",DATUM["My_Datum",SPHEROID["International 1924",6378388,297,AUTHORITY["EPSG","7022"]]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",17],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]`,
};

/** For each pair: [IsSame, same WKT, same geotransform, same pixels] as GDAL reads them. */
function compare(pairs: [string, string][]): [boolean, boolean, boolean, boolean][] {
  return py(`
out = []
for a, b in ${JSON.stringify(pairs)}:
    x, y = gdal.Open(a), gdal.Open(b)
    sx, sy = x.GetSpatialRef(), y.GetSpatialRef()
    out.append([bool(sx.IsSame(sy)), x.GetProjection() == y.GetProjection(),
                x.GetGeoTransform() == y.GetGeoTransform(), bool((x.ReadAsArray() == y.ReadAsArray()).all())])
print(json.dumps(out))`);
}

/** A 40 x 30 float32 GeoTIFF per CRS, made by GDAL in `dir` (`in0.tif` ...), cells numbered. */
function inputs(dir: string): string[] {
  return py<string[]>(`
import os
os.makedirs(${JSON.stringify(dir)}, exist_ok=True)
out = []
for i, c in enumerate(${JSON.stringify(Object.values(CRSS))}):
    s = osr.SpatialReference()
    assert s.SetFromUserInput(c) == 0, c
    p = os.path.join(${JSON.stringify(dir)}, "in%d.tif" % i)
    d = gdal.GetDriverByName("GTiff").Create(p, 40, 30, 1, gdal.GDT_Float32)
    d.SetGeoTransform((2.1, 0.01, 0, 48.9, 0, -0.01) if s.IsGeographic() else (1000.5, 250, 0, 50000.25, 0, -250))
    d.SetSpatialRef(s)
    d.GetRasterBand(1).WriteArray(np.arange(1200, dtype="float32").reshape(30, 40))
    d = None
    out.append(p)
print(json.dumps(out))`);
}

describe.skipIf(!hasGdal)("user-defined CRSs through convert", () => {
  it("keep their names: GDAL reads each output's CRS as its input's", () => {
    const dir = tmp("crs-names");
    const made = inputs(dir);
    const pairs = made.map((p): [string, string] => [p, p.replace(/in(\d+)\.tif$/, "out$1.tif")]);
    for (const [a, b] of pairs) {
      const r = tilecast("convert", a, b, "-q");
      expect(r.stderr, a).toBe("");
    }
    const names = Object.keys(CRSS);
    const got = Object.fromEntries(compare(pairs).map((c, i) => [names[i], c]));
    expect(got).toStrictEqual(Object.fromEntries(names.map((n) => [n, [true, true, true, true]])));
  });

  it("a Zarr output's crs_wkt is the input's CRS to GDAL and pyproj, and maps points as it does", () => {
    const dir = tmp("crs-zarr");
    const made = inputs(dir);
    for (const p of made) expect(tilecast("convert", p, p.replace(/\.tif$/, ".zarr"), "-q").stderr, p).toBe("");
    // Before, a CRS without an EPSG code was written as PROJECTION["custom_proj4"] with the PROJ
    // string in an extension: the same points, but another CRS to both.
    const got = py<[boolean, boolean, number][]>(`
import pyproj, warnings
warnings.filterwarnings("ignore")
out = []
for p in ${JSON.stringify(made)}:
    wkt = json.load(open(p.replace(".tif", ".zarr") + "/spatial_ref/.zattrs"))["crs_wkt"]
    a = gdal.Open(p).GetSpatialRef()
    b = osr.SpatialReference(); b.ImportFromWkt(wkt)
    ca, cb = pyproj.CRS(a.ExportToWkt()), pyproj.CRS(wkt)
    geo = ca.geodetic_crs
    ta, tb = pyproj.Transformer.from_crs(geo, ca, always_xy=True), pyproj.Transformer.from_crs(geo, cb, always_xy=True)
    err = max(max(abs(u - v) for u, v in zip(ta.transform(lon, lat), tb.transform(lon, lat))) for lon, lat in [(5, 52), (17.5, 45), (-60, -30)])
    out.append([bool(a.IsSame(b, ["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES"])), ca.equals(cb, ignore_axis_order=True), err])
print(json.dumps(out))`);
    const names = Object.keys(CRSS);
    const byName = Object.fromEntries(got.map((g, i) => [names[i], g]));
    for (const n of names) {
      expect(byName[n]?.slice(0, 2), n).toStrictEqual([true, true]);
      expect(byName[n]?.[2], n).toBeLessThan(1e-6); // metres (or degrees)
    }
  });

  it("an ellipsoid given by its EPSG code alone is that ellipsoid, not WGS 84", () => {
    const dir = tmp("crs-code");
    const base = join(`${dir}.base.tif`);
    py(`
d = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(base)}, 40, 30, 1, gdal.GDT_Byte)
d.SetGeoTransform((10, 0.1, 0, 50, 0, -0.1))
d.SetSpatialRef(osr.SpatialReference(wkt=osr.SRS_WKT_WGS84_LAT_LONG))
d.GetRasterBand(1).WriteArray((np.arange(1200) % 251).astype("uint8").reshape(30, 40))
d = None
print("null")`);
    const input = `${dir}.in.tif`;
    // GTModelType 2, GTRasterType 1, GeographicType, GeogGeodeticDatum user-defined,
    // GeogAngularUnits degree, GeogEllipsoid 7022 (International 1924) and no axes.
    const keys = [1, 1, 0, 6, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 32767, 2050, 0, 1, 32767];
    editTiff(base, input, [{ tag: 34735, type: 3, values: [...keys, 2054, 0, 1, 9102, 2056, 0, 1, 7022] }]);
    const output = `${dir}.out.tif`;
    expect(tilecast("convert", input, output, "-q").stderr).toBe("");
    const [inAxis, outAxis] = py<number[]>(`
print(json.dumps([gdal.Open(p).GetSpatialRef().GetSemiMajor() for p in ${JSON.stringify([input, output])}]))`);
    expect(inAxis).toBe(6378388);
    expect(outAxis).toBe(6378388);
    expect(compare([[input, output]])[0]).toStrictEqual([true, true, true, true]);
  });
});
