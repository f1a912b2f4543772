/** A compound CRS's vertical part (a DEM's height datum), read and written as GDAL writes it. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { crsFromEpsg, parseCrs, wktWithVertical } from "../../../src/grid/crs.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { crsTextOfGdalAttr, gdalCrsAttr } from "../../../src/io/zarr/gdal-crs.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

describe.skipIf(!hasGdal)("vertical CRSs", () => {
  it.each([
    ["EPSG:7405", 27700, 5701], // OSGB36 / British National Grid + ODN height
    ["EPSG:4326+5773", 4326, 5773], // WGS 84 + EGM96 height
  ])("%s: read with its vertical part and written back whole", async (srs, horizontal, vertical) => {
    const path = tmp("dem.tif");
    const args = ["-q", "-outsize", "4", "4", "-ot", "Float32", "-a_srs", srs, "-a_ullr", "0", "4", "4", "0", path];
    expect(spawnSync("gdal_create", args).status).toBe(0);
    const src = await openGeoTiff(path);
    expect([src.meta.georef?.crs?.epsg, src.meta.georef?.crs?.vertical]).toStrictEqual([horizontal, vertical]);
    await src.close();
    const out = tmp("dem-copy.tif");
    expect(tilecast("convert", path, out, "-q").code).toBe(0);
    const same = py<boolean[]>(`a = gdal.Open(${JSON.stringify(path)}).GetSpatialRef()
b = gdal.Open(${JSON.stringify(out)}).GetSpatialRef()
print(json.dumps([bool(a.IsCompound()), bool(b.IsCompound()), bool(a.IsSame(b))]))`);
    expect(same).toStrictEqual([true, true, true]);
  });

  it.each([
    ["EPSG:7405", 27700, 5701],
    ["EPSG:4326+5773", 4326, 5773],
  ])(
    "%s through Zarr: written whole for GDAL and xarray, and read back whole from GDAL's Zarr",
    async (srs, horizontal, vertical) => {
      const path = tmp("dem.tif");
      const args = ["-q", "-outsize", "4", "4", "-ot", "Float32", "-a_srs", srs, "-a_ullr", "0", "4", "4", "0", path];
      expect(spawnSync("gdal_create", args).status).toBe(0);
      const store = tmp("dem.zarr");
      expect(tilecast("convert", path, store, "-q").code).toBe(0);
      // GDAL's Zarr driver (its _CRS) and rioxarray's crs_wkt both give the compound CRS. (GDAL's
      // Zarr driver maps a compound CRS's data axes its own way, [0, 2, 1] here and [2, 1, 0] for
      // its own stores, against its GeoTIFF driver's [1, 2, 3]: the CRSs are compared without it.)
      const seen = py<boolean[]>(`import xarray as xr
a = gdal.Open(${JSON.stringify(path)}).GetSpatialRef()
g = gdal.Open('ZARR:"' + ${JSON.stringify(store)} + '":/band_data:0').GetSpatialRef()
x = osr.SpatialReference(); x.ImportFromWkt(xr.open_zarr(${JSON.stringify(store)}).spatial_ref.attrs["crs_wkt"])
vert = lambda s: (s.GetAttrValue("COMPD_CS|VERT_CS"), s.GetAttrValue("COMPD_CS|VERT_CS|VERT_DATUM"))
print(json.dumps([bool(g.IsCompound()), bool(g.IsSame(a, ["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES"])), bool(x.IsCompound()), vert(x) == vert(a)]))`);
      expect(seen).toStrictEqual([true, true, true, true]);
      // A store GDAL wrote (WKT 2, the code on the compound alone) reads whole, and goes back to GeoTIFF whole.
      const gdalStore = tmp("gdal.zarr");
      expect(spawnSync("gdal_translate", ["-q", "-of", "Zarr", path, gdalStore]).status).toBe(0);
      const z = tilecast("inspect", path, "--json");
      expect(z.code).toBe(0);
      const back = tmp("back.tif");
      expect(tilecast("convert", gdalStore, back, "-q").code).toBe(0);
      const src = await openGeoTiff(back);
      await src.close();
      expect([src.meta.georef?.crs?.epsg, src.meta.georef?.crs?.vertical]).toStrictEqual([horizontal, vertical]);
      const same = py<boolean>(
        `print(json.dumps(bool(gdal.Open(${JSON.stringify(back)}).GetSpatialRef().IsSame(gdal.Open(${JSON.stringify(path)}).GetSpatialRef()))))`,
      );
      expect(same).toBe(true);
    },
  );

  it("an EPSG compound code is its horizontal CRS with the vertical one's code", () => {
    const c = crsFromEpsg(7405);
    expect([c.epsg, c.vertical]).toStrictEqual([27700, 5701]);
    expect(wktWithVertical(c)).toMatch(
      /^COMPD_CS\["OSGB36 \/ British National Grid \+ ODN height",PROJCS\[.*,VERT_CS\[.*\]\]$/,
    );
    const back = parseCrs(wktWithVertical(c) as string);
    expect([back.epsg, back.vertical]).toStrictEqual([27700, 5701]);
    // Not compound, or no vertical part: the horizontal WKT as it is.
    expect(wktWithVertical(crsFromEpsg(27700))).toBe(crsFromEpsg(27700).wkt);
    // GDAL's _CRS: OGC's compound URL both ways.
    const attr = gdalCrsAttr(c);
    expect(attr.url).toBe(
      "http://www.opengis.net/def/crs-compound?1=http://www.opengis.net/def/crs/EPSG/0/27700&2=http://www.opengis.net/def/crs/EPSG/0/5701",
    );
    const fromUrl = parseCrs(crsTextOfGdalAttr({ url: attr.url }) as string);
    expect([fromUrl.epsg, fromUrl.vertical]).toStrictEqual([27700, 5701]);
  });
});
