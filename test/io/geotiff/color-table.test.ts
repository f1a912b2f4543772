/**
 * Palette GeoTIFFs (land-cover maps, class rasters): their colour tables read as GDAL reads them,
 * whatever scale the writer put in the ColorMap tag, and written back so GDAL and QGIS see the
 * same colours, in a COG's overviews too.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { colorMapOf, colorTableFromMap } from "../../../src/io/geotiff/color-table.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { editTiff } from "../../helpers/tiff-edit.js";
import { tmp } from "../../helpers/write.js";

/** GDAL's colour table of band 1 (entries 0..n-1), its colour interpretation, and the same for overview 1. */
type Seen = { colors: number[][] | null; interp: string; overview: number[][] | null; checksum: number };

const gdalSees = (path: string, n: number): Seen =>
  py<Seen>(`ds = gdal.Open(${JSON.stringify(path)})
b = ds.GetRasterBand(1)
def table(band):
    ct = band.GetColorTable()
    return [list(ct.GetColorEntry(i)) for i in range(${n})] if ct else None
print(json.dumps({"colors": table(b), "interp": gdal.GetColorInterpretationName(b.GetColorInterpretation()),
  "overview": table(b.GetOverview(0)) if b.GetOverviewCount() else None, "checksum": b.Checksum()}))`);

/** A GDAL palette raster of `type` (Byte, UInt16) with four entries, and nodata 1 when asked. */
function gdalPalette(path: string, type: string, size: number, nodata: boolean): void {
  py(`ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, ${size}, ${size}, 1, gdal.GDT_${type}, ["TILED=YES", "COMPRESS=DEFLATE"])
ct = gdal.ColorTable()
for i, c in enumerate([(0, 0, 0, 255), (255, 0, 0, 255), (0, 128, 0, 255), (10, 20, 30, 255)]):
    ct.SetColorEntry(i, c)
b = ds.GetRasterBand(1)
b.SetColorTable(ct)
${nodata ? "b.SetNoDataValue(1)" : ""}
b.WriteArray((np.arange(${size * size}).reshape(${size}, ${size}) % 4).astype(np.${type.toLowerCase()}))
ds = None
print("null")`);
}

describe("colour tables", () => {
  it("scale the tag's values as GDAL does: by 257, by 256 when all are multiples of it, by 1 when all are below 256", () => {
    const three = (r: number[], g: number[], b: number[]) => [...r, ...g, ...b];
    // 1-bit samples: two entries.
    expect(colorTableFromMap(three([0, 65535], [0, 257 * 7], [0, 514]), 1, null)).toStrictEqual([
      [0, 0, 0, 255],
      [255, 7, 2, 255],
    ]);
    expect(colorTableFromMap(three([0, 65280], [256, 512], [0, 0]), 1, null)).toStrictEqual([
      [0, 1, 0, 255],
      [255, 2, 0, 255],
    ]);
    expect(colorTableFromMap(three([0, 255], [3, 4], [0, 9]), 1, 0)).toStrictEqual([
      [0, 3, 0, 0], // the nodata value's entry is clear
      [255, 4, 9, 255],
    ]);
    // Neither multiple throughout: 257, rounding down.
    expect(colorTableFromMap(three([0, 1000], [0, 300], [0, 256]), 1, null)?.[1]).toStrictEqual([3, 1, 0, 255]);
    // A tag of the wrong length is no table, as libtiff ignores it.
    expect(colorTableFromMap([0, 0, 0, 0, 0], 1, null)).toBeNull();
    expect(colorMapOf([[255, 1, 0, 9]], 1)).toStrictEqual([65535, 0, 257, 0, 0, 0]);
  });

  it.skipIf(!hasGdal).each([
    ["Byte", 256, false],
    ["Byte with nodata", 256, true],
    ["UInt16", 65536, false],
  ])("%s: read as GDAL reads it, written back to GeoTIFF and COG", async (name, count, nodata) => {
    const type = name.split(" ")[0] as string;
    const path = tmp("palette.tif");
    gdalPalette(path, type, 1100, nodata);
    const want = gdalSees(path, 5);
    expect(want.interp).toBe("Palette");
    const src = await openGeoTiff(path);
    await src.close();
    expect(src.meta.attrs.colorTable?.length).toBe(count);
    expect(src.meta.attrs.colorTable?.slice(0, 5)).toStrictEqual(want.colors);
    const info = JSON.parse(tilecast("inspect", path, "--json").stdout);
    expect([info.colorTable.length, info.colorTable.slice(0, 5)]).toStrictEqual([count, want.colors]);
    for (const flags of [[], ["--cog"]]) {
      const out = tmp("out.tif");
      expect(tilecast("convert", path, out, ...flags, "-q").code).toBe(0);
      const got = gdalSees(out, 5);
      expect([got.colors, got.interp, got.checksum]).toStrictEqual([want.colors, "Palette", want.checksum]);
      if (flags.length) expect(got.overview).toStrictEqual(want.colors);
      // libtiff reads every image of it without a word (a palette image without a map is an error).
      const info = spawnSync("gdalinfo", ["-checksum", "-noct", out], { encoding: "utf8" });
      expect([info.status, info.stderr]).toStrictEqual([0, ""]);
    }
  });

  it.skipIf(!hasGdal)(
    "from other writers: 8-bit values in the tag, and 256 a step, read as GDAL (3.10 on) reads them",
    async () => {
      const path = tmp("gdal.tif");
      gdalPalette(path, "Byte", 16, false);
      const n = 256;
      const colours = [
        [0, 0, 0],
        [255, 0, 0],
        [0, 128, 0],
        [10, 20, 30],
      ];
      for (const scale of [1, 256]) {
        const map = new Array<number>(3 * n).fill(0);
        colours.forEach((c, i) => c.forEach((v, k) => (map[k * n + i] = v * scale)));
        const edited = tmp(`scaled-${scale}.tif`);
        editTiff(path, edited, [{ tag: 320, type: 3, values: map }]);
        const want = colours.map((c) => [...c, 255]);
        // GDAL 3.10 and later read 256 a step so (GDAL issue 10310); Debian's 3.6 divides by 257
        // there, a step darker. Both read 8-bit values as they are.
        if (scale === 1) expect(gdalSees(edited, 4).colors).toStrictEqual(want);
        const src = await openGeoTiff(edited);
        await src.close();
        expect(src.meta.attrs.colorTable?.slice(0, 4)).toStrictEqual(want);
      }
    },
  );
});
