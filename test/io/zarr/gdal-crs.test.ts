/**
 * GDAL's `_CRS` attribute: how GDAL's Zarr driver stores a CRS (it reads no CF grid mapping in
 * 3.6). A store GDAL wrote has its CRS there only; a store tilecast writes carries it there too.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { crsFromEpsg } from "../../../src/grid/crs.js";
import { crsTextOfGdalAttr, gdalCrsAttr } from "../../../src/io/zarr/gdal-crs.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

describe("GDAL's _CRS attribute", () => {
  it("gives its WKT, else the EPSG code of its URL", () => {
    expect(crsTextOfGdalAttr({ wkt: 'PROJCS["x"]', url: "http://www.opengis.net/def/crs/EPSG/0/1" })).toBe(
      'PROJCS["x"]',
    );
    expect(crsTextOfGdalAttr({ url: "http://www.opengis.net/def/crs/EPSG/0/32633" })).toBe("EPSG:32633");
    expect([
      crsTextOfGdalAttr({ url: "urn:x" }),
      crsTextOfGdalAttr("EPSG:4326"),
      crsTextOfGdalAttr(null),
    ]).toStrictEqual([null, null, null]);
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
});
