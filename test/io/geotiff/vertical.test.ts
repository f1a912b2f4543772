/** A compound CRS's vertical part (a DEM's height datum), read and written as GDAL writes it. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
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
});
