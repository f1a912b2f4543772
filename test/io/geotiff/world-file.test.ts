/**
 * World files (`.tfw` beside a `.tif`), read as GDAL reads them: after the `.aux.xml` sidecar and
 * the file's own tags, under each name GDAL tries, the top-left pixel's centre moved to its corner.
 */
import { copyFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { parseWorldFile, worldFileNames } from "../../../src/io/geotiff/world-file.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

describe("world files", () => {
  it("are looked for under GDAL's names and give the corner of the top-left pixel", () => {
    expect(worldFileNames("/d/scene.tif")).toStrictEqual([
      "/d/scene.tfw",
      "/d/scene.TFW",
      "/d/scene.tifw",
      "/d/scene.TIFW",
      "/d/scene.wld",
      "/d/scene.WLD",
    ]);
    // Centre (105, 195) of a 10 m pixel: the corner is half a pixel up and left.
    expect(parseWorldFile("10\n0\n0\n-10\n105\n195\n", "a.tfw")).toStrictEqual([100, 10, 0, 200, 0, -10]);
    // Rotated: both rotation terms shift the corner.
    expect(parseWorldFile("2 1 0.5 -2 10 20", "b.tfw")).toStrictEqual([10 - 1 - 0.25, 2, 0.5, 20 - 0.5 + 1, 1, -2]);
    expect(() => parseWorldFile("1\n2\n3\n", "c.tfw")).toThrow("c.tfw: a world file holds six numbers, one a line");
    expect(() => parseWorldFile("0 0 0 0 1 1", "d.tfw")).toThrow(
      "d.tfw: its pixel size and rotation give pixels of zero area",
    );
  });

  it.skipIf(!hasGdal)("give a plain TIFF the geotransform GDAL reads, and lose to the file's own tags", async () => {
    const plain = tmp("plain.tif");
    const tagged = tmp("tagged.tif");
    const want = py<
      number[][]
    >(`gdal.GetDriverByName("GTiff").Create(${JSON.stringify(plain)}, 4, 3, 1, gdal.GDT_Byte, ["PROFILE=BASELINE"]) 
t = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(tagged)}, 4, 3, 1, gdal.GDT_Byte)
t.SetGeoTransform([0, 1, 0, 3, 0, -1]); t = None
for p in [${JSON.stringify(plain)}, ${JSON.stringify(tagged)}]:
    open(p[:-4] + ".TFW", "w").write("2\\n1\\n0.5\\n-2\\n10\\n20\\n")
print(json.dumps([list(gdal.Open(p).GetGeoTransform()) for p in [${JSON.stringify(plain)}, ${JSON.stringify(tagged)}]]))`);
    expect(want).toStrictEqual([
      [8.75, 2, 0.5, 20.5, 1, -2],
      [0, 1, 0, 3, 0, -1],
    ]);
    for (const [i, p] of [plain, tagged].entries()) {
      const src = await openGeoTiff(p);
      expect(src.meta.georef?.transform).toStrictEqual(want[i]);
      await src.close();
    }
    const copy = tmp("copy.tif");
    copyFileSync(plain, copy);
    writeFileSync(copy.replace(/\.tif$/, ".wld"), "not numbers");
    await expect(openGeoTiff(copy)).rejects.toThrow(
      `${copy.replace(/\.tif$/, ".wld")}: a world file holds six numbers`,
    );
  });
});
