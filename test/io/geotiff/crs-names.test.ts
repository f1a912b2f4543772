/**
 * User-defined CRSs (no EPSG code) through `convert`, against GDAL: the output's CRS is the
 * input's to `OSRIsSame` and prints the same WKT. Before, tilecast wrote its own name for the
 * projected CRS ("tilecast user-defined CRS") and none for the datum or ellipsoid, so GDAL named
 * them "unnamed": the same projection, but not the same CRS to rasterio's `==`, `gdalbuildvrt`
 * (which leaves out files of another CRS) or `gdalwarp`. The names now travel in the citations
 * GDAL reads; an ellipsoid given by its EPSG code alone is read by that code (International
 * 1924 read as WGS 84 before); and Transverse Mercator on a sphere, which proj4 refused
 * ("Incorrect elliptical usage"), converts.
 *
 * The methods GDAL writes as keys are all read: cylindrical equal area (EASE-Grid 2.0's), Miller,
 * New Zealand Map Grid and south-orientated Transverse Mercator were refused, in a line naming no
 * file; Mercator 2SP was read without its latitude of true scale (a scale of 1 at the equator,
 * the map cos(30°) off at 30°). A Zarr output's WKT names UTM zones, Hotine and Swiss oblique
 * Mercator, polyconic, orthographic and the rest as GDAL does, and GDAL's own `_CRS` holds it:
 * GDAL read the bare PROJ string there as another CRS (a UTM zone's datum shift, for one).
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
  "UTM south on GRS 1980": "+proj=utm +zone=33 +south +ellps=GRS80 +units=m +no_defs",
  "UTM with a datum shift": "+proj=utm +zone=33 +ellps=intl +towgs84=-87,-98,-121,0,0,0,0 +units=m +no_defs",
  "Mercator 2SP": "+proj=merc +lat_ts=30 +lon_0=10 +x_0=3 +y_0=0 +ellps=WGS84 +units=m +no_defs",
  "cylindrical equal area": "+proj=cea +lat_ts=30 +lon_0=0 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs",
  Miller: "+proj=mill +R_A +lat_0=0 +lon_0=10 +x_0=5 +y_0=7 +ellps=WGS84 +units=m +no_defs",
  "New Zealand Map Grid": "+proj=nzmg +lat_0=-41 +lon_0=173 +x_0=2510000 +y_0=6023150 +ellps=intl +units=m +no_defs",
  "south-orientated tmerc":
    "+proj=tmerc +lat_0=0 +lon_0=21 +k=1 +x_0=0 +y_0=0 +axis=wsu +ellps=WGS84 +units=m +no_defs",
  "Hotine oblique Mercator (centre)":
    "+proj=omerc +lat_0=4 +lonc=102.25 +alpha=323.025796466667 +gamma=323.130102361111 +k=0.99984 +x_0=804671 +y_0=0 +ellps=evrst69 +units=m +no_defs",
  "Hotine oblique Mercator (origin)":
    "+proj=omerc +no_uoff +lat_0=4 +lonc=115 +alpha=53.31582047222222 +gamma=53.13010236111111 +k=0.99984 +x_0=0 +y_0=0 +ellps=evrst69 +units=m +no_defs",
  "Swiss oblique Mercator":
    "+proj=somerc +lat_0=46.95240555555556 +lon_0=7.439583333333333 +k_0=1 +x_0=600000 +y_0=200000 +ellps=bessel +towgs84=674.374,15.056,405.346,0,0,0,0 +units=m +no_defs",
  orthographic: "+proj=ortho +lat_0=40 +lon_0=-100 +x_0=0 +y_0=0 +R=6370997 +units=m +no_defs",
  polyconic: "+proj=poly +lat_0=0 +lon_0=-54 +x_0=5000000 +y_0=10000000 +ellps=aust_SA +units=m +no_defs",
  "polar stereographic, north, by its latitude of true scale":
    "+proj=stere +lat_0=90 +lat_ts=60 +lon_0=-105 +x_0=0 +y_0=0 +R=6371229 +units=m +no_defs",
  "polar stereographic, south, by its scale":
    "+proj=stere +lat_0=-90 +lon_0=0 +k=0.994 +x_0=2000000 +y_0=2000000 +ellps=intl +units=m +no_defs",
  "oblique stereographic": "+proj=stere +lat_0=45 +lon_0=10 +k=1 +x_0=0 +y_0=0 +R=6371000 +units=m +no_defs",
  "lcc on the Paris meridian":
    "+proj=lcc +lat_1=46.8 +lat_0=46.8 +lon_0=0 +k_0=0.99987742 +x_0=600000 +y_0=2200000 +ellps=clrk80ign +pm=paris +units=m +no_defs",
  "longitude and latitude on Ferro": "+proj=longlat +ellps=bessel +pm=ferro +no_defs",
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
    const got = py<[boolean, boolean, number, boolean][]>(`
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
    # Points a projection cannot show (the far side of an orthographic view) are left out.
    pairs = [(ta.transform(lon, lat), tb.transform(lon, lat)) for lon, lat in [(5, 52), (17.5, 45), (-60, -30), (174, -40), (25, -30), (103, 4)]]
    err = max([abs(u - v) for p, q in pairs if all(math.isfinite(c) for c in p) for u, v in zip(p, q)] or [math.inf])
    # GDAL's Zarr driver reads the array's _CRS, not the grid mapping.
    z = gdal.Open('ZARR:"%s":/band_data:0' % p.replace(".tif", ".zarr"))
    g = z.GetSpatialRef()
    same = [a.IsSame(s, ["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES"]) for s in (b, g)]
    out.append([bool(same[0]), ca.equals(cb, ignore_axis_order=True), err, bool(same[1])])
print(json.dumps(out))`);
    const names = Object.keys(CRSS);
    const byName = Object.fromEntries(got.map((g, i) => [names[i], g]));
    for (const n of names) {
      expect([...(byName[n]?.slice(0, 2) ?? []), byName[n]?.[3]], n).toStrictEqual([true, true, true]);
      expect(byName[n]?.[2], n).toBeLessThan(1e-6); // metres (or degrees)
    }
  });

  it("a method without a PROJ string here (Laborde) is refused in one line naming the file", () => {
    const input = `${tmp("crs-laborde")}.tif`;
    py(`
s = osr.SpatialReference()
s.SetFromUserInput("+proj=labrd +lat_0=-18.9 +lon_0=44.1 +azi=18.9 +k=0.9995 +x_0=400000 +y_0=800000 +ellps=intl")
d = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(input)}, 4, 3, 1, gdal.GDT_Byte)
d.SetGeoTransform((0, 10, 0, 0, 0, -10))
d.SetSpatialRef(s)
d = None
print("null")`);
    const r = tilecast("convert", input, `${input}.out.tif`, "-q");
    expect([r.code, r.stderr]).toStrictEqual([
      1,
      `tilecast: ${input}: user-defined projection (coordinate transformation 4, Laborde oblique Mercator) is not supported\n`,
    ]);
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
