/**
 * EPSG codes the bundled epsg-index gives a PROJ string but no WKT for (NTF (Paris) / Lambert
 * zone II, Krovak on Ferro, MGI (Ferro), NTF (Paris) itself, a hyperbolic Cassini grid) take
 * PROJ's WKT (`epsg-wkt.ts`): a Zarr output's `crs_wkt` is then that CRS to pyproj (rioxarray) and
 * GDAL. Before, it was WKT made from the PROJ string, with nothing named, another CRS to both.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { crsFromEpsg } from "../../src/grid/crs.js";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const CODES = [27572, 2065, 31251, 4807, 3139];

describe.skipIf(!hasGdal)("EPSG codes without WKT in the index", () => {
  it("have PROJ's WKT, the same CRS to pyproj", () => {
    const wkts = CODES.map((c) => crsFromEpsg(c).wkt);
    expect(wkts.every((w) => w !== null)).toBe(true);
    const same = py<boolean[]>(`import pyproj
print(json.dumps([pyproj.CRS(w).equals(pyproj.CRS.from_epsg(c)) for c, w in zip(${JSON.stringify(CODES)}, ${JSON.stringify(wkts)})]))`);
    expect(same).toStrictEqual(CODES.map(() => true));
  });

  it("a Zarr output of a GeoTIFF on NTF (Paris) / Lambert zone II keeps it in crs_wkt", () => {
    const dir = tmp("epsg-wkt");
    const tif = join(dir, "in.tif");
    const store = join(dir, "out.zarr");
    py(`import os
os.makedirs(${JSON.stringify(dir)})
d = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(tif)}, 4, 3, 1, gdal.GDT_Byte)
d.SetGeoTransform((600000, 100, 0, 2400000, 0, -100))
s = osr.SpatialReference(); s.ImportFromEPSG(27572); d.SetSpatialRef(s)
d = None
print("null")`);
    expect(tilecast("convert", tif, store, "-q").code).toBe(0);
    const same = py<boolean[]>(`import pyproj
w = json.load(open(${JSON.stringify(join(store, "spatial_ref/.zattrs"))}))["crs_wkt"]
s = osr.SpatialReference(); s.ImportFromWkt(w)
e = osr.SpatialReference(); e.ImportFromEPSG(27572)
print(json.dumps([pyproj.CRS(w).equals(pyproj.CRS.from_epsg(27572)), bool(s.IsSame(e))]))`);
    expect(same).toStrictEqual([true, true]);
  });
});
