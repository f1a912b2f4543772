/**
 * A replaced GeoTIFF output loses the sidecars GDAL made for the old file: external overviews
 * (`gdaladdo -ro`), an external mask and the statistics in `.aux.xml`. Before, only the `.aux.xml`
 * went: GDAL (and QGIS, zoomed out) showed the old image's overviews over the new file, and read
 * the old file's `.msk` as its mask. A world file that is an input's georeferencing stays.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const OLD = "fixtures/demo/scene.s2like.u16.4b.tif";

/** What GDAL sees of `path`: overviews, the mean of the first overview and of the image, mask flags. */
function seen(path: string) {
  return py<{ overviews: number; overviewMean: number | null; mean: number; maskFlags: number; gt: number[] }>(`
d = gdal.Open(${JSON.stringify(path)})
b = d.GetRasterBand(1)
o = b.GetOverview(0) if b.GetOverviewCount() else None
print(json.dumps({"overviews": b.GetOverviewCount(), "overviewMean": float(o.ReadAsArray().mean()) if o else None,
  "mean": float(b.ReadAsArray().mean()), "maskFlags": b.GetMaskFlags(), "gt": list(d.GetGeoTransform())}))`);
}

describe.skipIf(!hasGdal)("replacing a GeoTIFF output drops the old file's GDAL sidecars", () => {
  it.each([[[]], [["--cog"]]])("convert %j over an output with .ovr, .msk and .aux.xml", (flags) => {
    const out = tmp("out.tif");
    const dark = join(dirname(out), "dark.tif");
    py(`gdal.Translate(${JSON.stringify(dark)}, ${JSON.stringify(OLD)}, bandList=[1], scaleParams=[[0, 65535, 0, 1]], outputType=gdal.GDT_UInt16)
print("null")`);
    expect(tilecast("convert", OLD, out, "-q").code).toBe(0);
    // What GDAL users do to an output: overviews beside it, a mask beside it, statistics.
    py(`d = gdal.Open(${JSON.stringify(out)})
d.BuildOverviews("AVERAGE", [2, 4])
d.CreateMaskBand(gdal.GMF_PER_DATASET)
m = d.GetRasterBand(1).GetMaskBand(); m.WriteArray(np.zeros((512, 512), dtype=np.uint8))
d.GetRasterBand(1).ComputeStatistics(False)
d = None
print("null")`);
    for (const s of [".ovr", ".msk", ".aux.xml"]) expect(existsSync(out + s)).toBe(true);
    const before = seen(out);
    expect(before.overviews).toBe(2);
    expect(before.maskFlags).toBe(2); // per dataset: the .msk
    expect(before.overviewMean).toBeGreaterThan(100);

    const r = tilecast("convert", dark, out, ...flags, "-q");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const s of [".ovr", ".msk", ".aux.xml"]) expect(existsSync(out + s)).toBe(false);
    const after = seen(out);
    expect(after.mean).toBe(0);
    expect(after.maskFlags).toBe(1); // all valid: no mask
    // A 512 px COG in 512 px blocks has no overviews of its own; a plain output has none.
    expect(after.overviews).toBe(0);
  });

  it("a world file beside the output's name that georeferences the input stays", () => {
    const dir = dirname(tmp("x"));
    const input = join(dir, "scene.tiff");
    py(`gdal.Translate(${JSON.stringify(input)}, ${JSON.stringify(OLD)}, bandList=[1], options=["-co", "TFW=YES", "-co", "PROFILE=BASELINE"])
print("null")`);
    const tfw = join(dir, "scene.tfw");
    expect(existsSync(tfw)).toBe(true);
    const text = readFileSync(tfw, "utf8");
    const out = join(dir, "scene.tif");
    writeFileSync(`${out}.ovr`, "stale");
    expect(tilecast("convert", input, out, "-q").code).toBe(0);
    expect(readFileSync(tfw, "utf8")).toBe(text);
    expect(existsSync(`${out}.ovr`)).toBe(false);
    expect(seen(out).gt).toStrictEqual(seen(OLD).gt);
  });
});
