/**
 * A GeoTIFF with a CRS but no transform (`gdal_create -a_srs` without `-a_ullr`): GDAL reads the
 * CRS and no geotransform, and tilecast's outputs must say the same, not place the raster at the
 * CRS's origin, one unit a pixel. An explicit identity transform is a transform, as in GDAL.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { resampleFactor } from "../../../src/io/resample.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

type Seen = { gt: number[] | null; epsg: string | null };

const gdalSees = (path: string): Seen =>
  py<Seen>(`ds = gdal.Open(${JSON.stringify(path)})
s = ds.GetSpatialRef()
print(json.dumps({"gt": ds.GetGeoTransform(can_return_null=True), "epsg": s.GetAuthorityCode(None) if s else None}))`);

const create = (path: string, ...args: string[]) =>
  expect(
    spawnSync("gdal_create", ["-q", "-outsize", "8", "6", "-ot", "Float32", "-burn", "3", ...args, path]).status,
  ).toBe(0);

describe.skipIf(!hasGdal)("a CRS without a transform", () => {
  it("reads with no transform and is written back with none, to GeoTIFF and COG", async () => {
    const path = tmp("crs-only.tif");
    create(path, "-a_srs", "EPSG:32633");
    expect(gdalSees(path)).toStrictEqual({ gt: null, epsg: "32633" });
    const src = await openGeoTiff(path);
    expect(src.meta.georef?.crs?.epsg).toBe(32633);
    expect(src.meta.georef?.noTransform).toBe(true);
    expect(() => resampleFactor(src.meta, { resolution: 2 })).toThrow("has no transform (a CRS or RPCs alone)");
    await src.close();
    for (const flags of [[], ["--cog"]]) {
      const out = tmp("out.tif");
      expect(tilecast("convert", path, out, ...flags, "-q").code).toBe(0);
      expect(gdalSees(out)).toStrictEqual({ gt: null, epsg: "32633" });
    }
    expect(JSON.parse(tilecast("inspect", path, "--json").stdout).transform).toBeNull();
    const zarr = tilecast("convert", path, tmp("out.zarr"), "-q");
    expect(zarr.code).not.toBe(0);
    expect(zarr.stderr).toContain("a raster without a transform (a CRS or RPCs alone) has no Zarr x/y coordinates");
  });

  it("takes a world file's transform, which an explicit identity transform outranks", async () => {
    const bare = tmp("bare.tif");
    const identity = tmp("identity.tif");
    create(bare, "-a_srs", "EPSG:32633");
    create(identity, "-a_srs", "EPSG:32633", "-a_ullr", "0", "0", "8", "6");
    // gdal_create's -a_ullr gives a north-down pixel here: y grows downwards, as the identity's.
    expect(gdalSees(identity).gt).toStrictEqual([0, 1, 0, 0, 0, 1]);
    for (const p of [bare, identity]) writeFileSync(p.replace(/\.tif$/, ".tfw"), "10\n0\n0\n-10\n500005\n4000005\n");
    const want = [gdalSees(bare).gt, gdalSees(identity).gt];
    expect(want).toStrictEqual([
      [500000, 10, 0, 4000010, 0, -10],
      [0, 1, 0, 0, 0, 1],
    ]);
    const got = await Promise.all(
      [bare, identity].map(async (p) => {
        const s = await openGeoTiff(p);
        await s.close();
        return [s.meta.georef?.transform, s.meta.georef?.noTransform ?? false];
      }),
    );
    expect(got).toStrictEqual([
      [want[0], false],
      [want[1], false],
    ]);
  });

  it("keeps a sidecar's CRS without a transform, and a GCP file's points under a sidecar's CRS", async () => {
    const plain = tmp("plain.tif");
    create(plain);
    writeFileSync(`${plain}.aux.xml`, "<PAMDataset><SRS>EPSG:3035</SRS></PAMDataset>\n");
    expect(gdalSees(plain)).toStrictEqual({ gt: null, epsg: "3035" });
    const s = await openGeoTiff(plain);
    await s.close();
    expect([s.meta.georef?.crs?.epsg, s.meta.georef?.noTransform]).toStrictEqual([3035, true]);
    const out = tmp("out.tif");
    expect(tilecast("convert", plain, out, "-q").code).toBe(0);
    expect(gdalSees(out)).toStrictEqual({ gt: null, epsg: "3035" });

    const gcp = tmp("gcp.tif");
    const g = ["-gcp", "0", "0", "10", "50", "-gcp", "8", "0", "11", "50", "-gcp", "0", "6", "10", "49"];
    expect(spawnSync("gdal_translate", ["-q", ...g, "-a_srs", "EPSG:4326", plain, gcp]).status).toBe(0);
    writeFileSync(`${gcp}.aux.xml`, "<PAMDataset><SRS>EPSG:4258</SRS></PAMDataset>\n");
    // GDAL puts the sidecar's CRS on the GCPs.
    expect(
      py<string>(`print(json.dumps(gdal.Open(${JSON.stringify(gcp)}).GetGCPSpatialRef().GetAuthorityCode(None)))`),
    ).toBe("4258");
    const gs = await openGeoTiff(gcp);
    await gs.close();
    expect(gs.meta.georef?.gcps?.map((p) => [p.pixel, p.line, p.x, p.y])).toStrictEqual([
      [0, 0, 10, 50],
      [8, 0, 11, 50],
      [0, 6, 10, 49],
    ]);
    expect(gs.meta.georef?.crs?.epsg).toBe(4258);
  });
});
