/**
 * GDAL's `_CRS` attribute: how GDAL's Zarr driver stores a CRS (it reads no CF grid mapping in
 * 3.6). A store GDAL wrote has its CRS there only; a store tilecast writes carries it there too.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { crsFromEpsg } from "../../../src/grid/crs.js";
import { crsTextOfGdalAttr, gdalCrsAttr } from "../../../src/io/zarr/gdal-crs.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

describe("GDAL's _CRS attribute", () => {
  it("gives its WKT, else its URL, else its PROJJSON", () => {
    expect(crsTextOfGdalAttr({ wkt: 'PROJCS["x"]', url: "http://www.opengis.net/def/crs/EPSG/0/1" })).toBe(
      'PROJCS["x"]',
    );
    const url = "http://www.opengis.net/def/crs/EPSG/0/32633";
    expect(crsTextOfGdalAttr({ url, projjson: { type: "GeographicCRS" } })).toBe(url);
    expect(crsTextOfGdalAttr({ projjson: { type: "GeographicCRS" } })).toBe('{"type":"GeographicCRS"}');
    expect(crsTextOfGdalAttr("EPSG:4326")).toBe("EPSG:4326");
    expect([crsTextOfGdalAttr({}), crsTextOfGdalAttr({ wkt: " " }), crsTextOfGdalAttr(null)]).toStrictEqual([
      null,
      null,
      null,
    ]);
    expect(gdalCrsAttr(crsFromEpsg(32633)).url).toBe("http://www.opengis.net/def/crs/EPSG/0/32633");
    // A PROJ string as the WKT 1 GDAL writes for it (the store's crs_wkt); a method WKT 1 does
    // not name here, as the string itself, which GDAL reads there too.
    expect(gdalCrsAttr({ epsg: null, wkt: null, proj4: "+proj=longlat +R=1" })).toStrictEqual({
      wkt: 'GEOGCS["unknown",DATUM["unknown",SPHEROID["unknown",1,0]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]]]',
    });
    const geos = "+proj=geos +h=35786023 +lon_0=-75 +sweep=x +ellps=GRS80";
    expect(gdalCrsAttr({ epsg: null, wkt: null, proj4: geos })).toStrictEqual({ wkt: geos });
  });

  it.skipIf(!hasGdal)("carries the CRS both ways between GDAL's Zarr driver and tilecast", async () => {
    const tif = tmp("src.tif");
    const gdalStore = tmp("gdal.zarr");
    const lcc = "+proj=lcc +lat_1=30 +lat_2=60 +lat_0=45 +lon_0=10 +x_0=100000 +y_0=0 +datum=WGS84 +units=km +no_defs";
    const made = spawnSync(
      "gdal_create",
      ["-q", "-outsize", "6", "4", "-ot", "Float32", "-a_srs", "EPSG:32633"].concat([
        "-a_ullr",
        "500000",
        "4600040",
        "500060",
        "4600000",
        tif,
      ]),
    );
    expect(made.status).toBe(0);
    expect(spawnSync("gdal_translate", ["-q", "-of", "Zarr", tif, gdalStore]).status).toBe(0);
    const src = await openZarrSource(gdalStore);
    expect(src.meta.georef?.crs?.epsg).toBe(32633);
    expect(src.meta.georef?.transform).toStrictEqual([500000, 10, 0, 4600040, 0, -10]);
    const lccTif = tmp("lcc.tif");
    expect(
      spawnSync("gdal_create", [
        "-q",
        "-outsize",
        "4",
        "4",
        "-ot",
        "Float32",
        "-a_srs",
        lcc,
        "-a_ullr",
        "0",
        "40",
        "40",
        "0",
        lccTif,
      ]).status,
    ).toBe(0);
    const ours = tmp("ours.zarr");
    expect(tilecast("convert", lccTif, ours, "-q").code).toBe(0);
    const same = py<boolean>(`a = gdal.Open(${JSON.stringify(lccTif)}).GetSpatialRef()
b = gdal.Open('ZARR:"${ours}":/band_data:0').GetSpatialRef()
w = osr.SpatialReference(); w.ImportFromWkt(json.load(open("${ours}/spatial_ref/.zattrs"))["crs_wkt"])
# GDAL's Zarr driver maps the array's own dimensions to the CRS's axes ([0, 2]): the CRS alone.
print(json.dumps(b is not None and bool(a.IsSame(b, ["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES"])) and bool(a.IsSame(w))))`);
    expect(same).toBe(true);
  });

  it.skipIf(!hasGdal)("reads each _CRS GDAL reads, and a crs attribute; refuses a _CRS that gives no CRS", async () => {
    const dir = tmp("own-crs");
    // zarr-python stores of a (y, x) UTM 33N grid, the CRS in the variable's own attributes only.
    py(`import zarr, pyproj
utm = json.loads(pyproj.CRS(32633).to_json())
unnamed = {k: v for k, v in utm.items() if k != "id"}
def store(name, attrs):
    g = zarr.open_group(${JSON.stringify(dir)} + "/" + name + ".zarr", mode="w")
    t = g.create_dataset("t", data=np.arange(12, dtype="f4").reshape(3, 4))
    t.attrs.update({"_ARRAY_DIMENSIONS": ["y", "x"], **attrs})
    for dim, v in (("y", [4000015.0, 4000005.0, 3999995.0]), ("x", [500005.0, 500015.0, 500025.0, 500035.0])):
        g.create_dataset(dim, data=np.array(v)).attrs["_ARRAY_DIMENSIONS"] = [dim]
store("projjson", {"_CRS": {"projjson": utm}})
store("projjson-unnamed", {"_CRS": {"projjson": unnamed}})
store("urn", {"_CRS": {"url": "urn:ogc:def:crs:EPSG::32633"}})
store("init", {"crs": "+init=epsg:32633"})
store("loose", {"crs": "WGS84"})
store("empty", {"_CRS": {}})
store("esri", {"_CRS": {"url": "urn:ogc:def:crs:ESRI::54009"}})
print("null")`);
    for (const name of ["projjson", "projjson-unnamed", "urn", "init"]) {
      const store = `${dir}/${name}.zarr`;
      const src = await openZarrSource(store);
      expect(src.meta.georef?.transform, name).toStrictEqual([500000, 10, 0, 4000020, 0, -10]);
      await src.close();
      const out = `${dir}/${name}.tif`;
      expect(tilecast("convert", store, out, "-q").code, name).toBe(0);
      // GDAL's Zarr driver reads the same CRS from the _CRS (it reads no crs attribute).
      const same = py<[boolean, boolean]>(`utm = osr.SpatialReference(); utm.ImportFromEPSG(32633)
opt = ["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES"]
tif = gdal.Open(${JSON.stringify(out)}).GetSpatialRef()
zarr = gdal.Open('ZARR:"${store}":/t').GetSpatialRef()
print(json.dumps([bool(tif.IsSame(utm, opt)), zarr is None or bool(zarr.IsSame(utm, opt))]))`);
      expect(same, name).toStrictEqual([true, true]);
    }
    // A crs attribute tilecast cannot read is passed over, as GDAL passes over every one.
    const loose = await openZarrSource(`${dir}/loose.zarr`);
    expect([loose.meta.georef?.crs, loose.meta.georef?.transform]).toStrictEqual([
      null,
      [500000, 10, 0, 4000020, 0, -10],
    ]);
    // Before, both read with no CRS and convert wrote a GeoTIFF GDAL placed nowhere, exit 0.
    for (const [name, why] of [
      ["empty", "its _CRS attribute holds no wkt, url or projjson"],
      ["esri", "its _CRS attribute is not a CRS tilecast reads (cannot parse CRS 'urn:ogc:def:crs:ESRI::54009')"],
    ] as const) {
      const store = `${dir}/${name}.zarr`;
      const r = tilecast("convert", store, `${dir}/${name}.tif`, "-q");
      expect(r.code, name).not.toBe(0);
      expect(r.stderr.trim()).toBe(`tilecast: ${store}: ${why}`);
      expect(existsSync(`${dir}/${name}.tif`)).toBe(false);
    }
  });
});
