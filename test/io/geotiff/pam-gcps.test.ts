/**
 * Ground control points and a colour table that GDAL keeps in the `.aux.xml` sidecar (set on a
 * file opened read-only): read as GDAL reads them, and carried to outputs.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { pamColorTable, pamGcps } from "../../../src/io/geotiff/pam-gcps.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

type Seen = { colors: number[][] | null; gcps: number[][]; crs: string | null };

const gdalSees = (path: string): Seen =>
  py<Seen>(`ds = gdal.Open(${JSON.stringify(path)})
ct = ds.GetRasterBand(1).GetColorTable()
s = ds.GetGCPSpatialRef()
print(json.dumps({"colors": [list(ct.GetColorEntry(i)) for i in range(2)] if ct else None,
  "gcps": [[g.GCPPixel, g.GCPLine, g.GCPX, g.GCPY, g.GCPZ] for g in ds.GetGCPs()],
  "crs": s.GetAuthorityCode(None) if s else None}))`);

describe("GCPs and colour tables in the sidecar", () => {
  it("parse GDAL's elements; a GCP without a finite position is an error naming the sidecar", () => {
    const xml = `<PAMDataset><GCPList Projection="EPSG:4326"><GCP Id="" Pixel="1.5" Line="2" X="10" Y="50"/></GCPList>
<PAMRasterBand band="1"><GCPList><GCP Pixel="9" Line="9" X="9" Y="9"/></GCPList></PAMRasterBand></PAMDataset>`;
    const g = pamGcps(xml, "s.aux.xml");
    expect([g?.crs?.epsg, g?.points]).toStrictEqual([4326, [{ pixel: 1.5, line: 2, x: 10, y: 50, z: 0 }]]);
    expect(() => pamGcps('<GCPList><GCP Pixel="a" Line="0" X="0" Y="0"/></GCPList>', "t.aux.xml")).toThrow(
      "t.aux.xml: its GCP has no finite Pixel ('a')",
    );
    expect(
      pamColorTable(
        '<ColorTable><Entry c1="1" c2="2" c3="3"/><Entry c1="300" c2="0" c3="0" c4="9"/></ColorTable>',
        "u",
      ),
    ).toStrictEqual([
      [1, 2, 3, 255],
      [255, 0, 0, 9],
    ]);
  });

  it.skipIf(!hasGdal)("read as GDAL reads them, and written to a GeoTIFF output", async () => {
    const path = tmp("pam-gcp.tif");
    expect(spawnSync("gdal_create", ["-q", "-outsize", "6", "4", "-ot", "Byte", path]).status).toBe(0);
    py(`ds = gdal.Open(${JSON.stringify(path)})
ct = gdal.ColorTable(); ct.SetColorEntry(0, (1, 2, 3, 255)); ct.SetColorEntry(1, (200, 100, 50, 128))
ds.GetRasterBand(1).SetColorTable(ct)
s = osr.SpatialReference(); s.ImportFromEPSG(4326)
ds.SetGCPs([gdal.GCP(10, 50, 0, 0, 0), gdal.GCP(11, 50, 0, 6, 0), gdal.GCP(10, 49, 0, 0, 4)], s.ExportToWkt())
ds = None
print("null")`);
    const want = gdalSees(path);
    expect(want.gcps.length).toBe(3);
    const src = await openGeoTiff(path);
    await src.close();
    expect(src.meta.attrs.colorTable?.slice(0, 2)).toStrictEqual(want.colors);
    expect(src.meta.georef?.gcps?.map((p) => [p.pixel, p.line, p.x, p.y, p.z])).toStrictEqual(want.gcps);
    expect(src.meta.georef?.crs?.epsg).toBe(4326);
    const out = tmp("out.tif");
    expect(tilecast("convert", path, out, "-q").code).toBe(0);
    const got = gdalSees(out);
    // TIFF's colour map has no alpha: entry 1 is written opaque.
    expect(got).toStrictEqual({ ...want, colors: [want.colors?.[0], [200, 100, 50, 255]] });

    // A file with a transform of its own: GDAL reads the sidecar's GCPs instead (no transform),
    // and gdal_translate writes those; so does tilecast.
    const placed = tmp("placed.tif");
    const args = ["-q", "-outsize", "6", "4", "-ot", "Byte", "-a_srs", "EPSG:32633", "-a_ullr", "0", "40", "60", "0"];
    expect(spawnSync("gdal_create", [...args, placed]).status).toBe(0);
    py(`ds = gdal.Open(${JSON.stringify(placed)})
ds.SetGCPs([gdal.GCP(10, 50, 0, 0, 0), gdal.GCP(11, 50, 0, 6, 0), gdal.GCP(10, 49, 0, 0, 4)], "")
ds = None
print("null")`);
    const seen = (f: string) =>
      py<[number[] | null, number]>(`ds = gdal.Open(${JSON.stringify(f)})
print(json.dumps([ds.GetGeoTransform(can_return_null=True), len(ds.GetGCPs())]))`);
    expect(seen(placed)).toStrictEqual([null, 3]);
    const placedOut = tmp("placed-out.tif");
    expect(tilecast("convert", placed, placedOut, "-q").code).toBe(0);
    expect(seen(placedOut)).toStrictEqual([null, 3]);
  });
});
