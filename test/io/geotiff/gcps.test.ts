/**
 * Rasters georeferenced by ground control points instead of a transform (a Sentinel-1 scene, a
 * scanned map): their GCPs read as GDAL reads them, carried to GeoTIFF and COG outputs, moved
 * with a window, and refused by name where a format has no place for them.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { windowGeoref } from "../../../src/grid/grid.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { resampleFactor, resampleSource } from "../../../src/io/resample.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

type GdalGcps = { gcps: number[][]; gt: number[] | null; crs: string };

const gdalGcps = (path: string): GdalGcps =>
  py<GdalGcps>(`ds = gdal.Open(${JSON.stringify(path)})
print(json.dumps({"gcps": [[g.GCPPixel, g.GCPLine, g.GCPX, g.GCPY, g.GCPZ] for g in ds.GetGCPs()],
  "gt": ds.GetGeoTransform(can_return_null=True), "crs": (ds.GetGCPSpatialRef() or osr.SpatialReference()).GetAuthorityCode(None) or ""}))`);

describe("ground control points", () => {
  it("move with a window, the placeholder transform too", () => {
    const g = windowGeoref(
      {
        transform: [0, 1, 0, 0, 0, 1],
        crs: null,
        rasterType: "area",
        gcps: [{ pixel: 10, line: 20, x: 1, y: 2, z: 3 }],
      },
      { x: 4, y: 5 },
    );
    expect(g.gcps).toStrictEqual([{ pixel: 6, line: 15, x: 1, y: 2, z: 3 }]);
    expect(g.transform).toStrictEqual([4, 1, 0, 5, 0, 1]);
  });

  it.skipIf(!hasGdal).each([
    ["area", []],
    ["point (tiepoints half a pixel off, as GDAL writes them)", ["-mo", "AREA_OR_POINT=Point"]],
  ])("%s: read as GDAL reads them and written back to GeoTIFF and COG", async (_name, mo) => {
    const plain = tmp("plain.tif");
    const path = tmp("gcp.tif");
    expect(spawnSync("gdal_create", ["-q", "-outsize", "8", "6", "-ot", "Byte", "-burn", "7", plain]).status).toBe(0);
    const gcpArgs = [
      "-gcp",
      "0",
      "0",
      "10",
      "50",
      "-gcp",
      "8",
      "0",
      "11",
      "50.1",
      "-gcp",
      "0",
      "6",
      "10",
      "49",
      "-gcp",
      "8",
      "6",
      "11.2",
      "49",
    ];
    expect(spawnSync("gdal_translate", ["-q", ...mo, ...gcpArgs, "-a_srs", "EPSG:4326", plain, path]).status).toBe(0);
    const want = gdalGcps(path);
    expect(want.gt).toBeNull();
    expect(want.gcps.length).toBe(4);
    const src = await openGeoTiff(path);
    expect(src.meta.georef?.gcps?.map((p) => [p.pixel, p.line, p.x, p.y, p.z])).toStrictEqual(want.gcps);
    expect(src.meta.georef?.crs?.epsg).toBe(4326);
    const coarse = resampleSource(src, { factor: 2 });
    expect(coarse.meta.georef?.gcps?.map((p) => [p.pixel, p.line])).toStrictEqual(
      want.gcps.map((g) => [(g[0] as number) / 2, (g[1] as number) / 2]),
    );
    expect(() => resampleFactor(src.meta, { resolution: 2 })).toThrow("has no pixel size: resample it by factor");
    const tile = await src.readWindow({ x: 2, y: 3, width: 4, height: 3 });
    expect(tile.georef?.gcps?.[0]).toMatchObject({
      pixel: (want.gcps[0]?.[0] as number) - 2,
      line: (want.gcps[0]?.[1] as number) - 3,
    });
    await src.close();
    for (const flags of [[], ["--cog"]]) {
      const out = tmp("out.tif");
      expect(tilecast("convert", path, out, ...flags, "-q").code).toBe(0);
      expect(gdalGcps(out)).toStrictEqual(want);
    }
    const info = JSON.parse(tilecast("inspect", path, "--json").stdout);
    expect([info.transform, info.gcps.length]).toStrictEqual([null, 4]);
    const zarr = tilecast("convert", path, tmp("out.zarr"), "-q");
    expect(zarr.code).not.toBe(0);
    expect(zarr.stderr).toContain("a raster georeferenced by ground control points has no Zarr x/y coordinates");
  });
});
