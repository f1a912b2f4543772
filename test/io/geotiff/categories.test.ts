/**
 * Class names (GDAL's category names, kept in a GeoTIFF's `.aux.xml`): read, carried through a
 * conversion, and written for a run's class raster from the model card's class names, so GDAL
 * lists them and QGIS labels the legend with them. Before, a converted land-cover map lost its
 * names and a run's class raster had none (values 0-3 only).
 */
import { describe, expect, it } from "vitest";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { categoryNamesOf, flagAttrs } from "../../../src/io/zarr/flag-meanings.js";
import { classNames } from "../../../src/pipeline/products.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const NAMES = ["water", "forest & woods", "<crop>", "", "snow"];

/**
 * GDAL's category names of `path`'s first band. GDAL 3.6 reads a GeoTIFF's sidecar lazily and
 * `GetCategoryNames` alone does not load it (gdalinfo and QGIS ask for metadata first): so here.
 */
const gdalCategories = (path: string) =>
  py<string[] | null>(`d = gdal.Open(${JSON.stringify(path)})
d.GetMetadata()
print(json.dumps(d.GetRasterBand(1).GetCategoryNames()))`);

/** A 64 x 48 land-cover GeoTIFF GDAL writes, its values 0 to 4, its first band's categories `names`. */
function landCover(names: readonly string[]): string {
  const path = tmp("landcover.tif");
  py(`d = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, 64, 48, 1, gdal.GDT_Byte)
d.SetGeoTransform([500000, 30, 0, 4000000, 0, -30])
b = d.GetRasterBand(1)
b.WriteArray((np.arange(64 * 48).reshape(48, 64) % 5).astype(np.uint8))
b.SetCategoryNames(${JSON.stringify(names)})
d = None
print("null")`);
  return path;
}

describe("class names of a class raster", () => {
  it("one band of probabilities names its two classes; an unnamed band names none", () => {
    expect(classNames({ bands: 1, attrs: { bandNames: ["water"] } })).toStrictEqual({
      categoryNames: ["not water", "water"],
    });
    expect(classNames({ bands: 3, attrs: { bandNames: ["a", "b", "c"] } })).toStrictEqual({
      categoryNames: ["a", "b", "c"],
    });
    expect(classNames({ bands: 2, attrs: { bandNames: ["a", null] } })).toStrictEqual({});
    expect(classNames({ bands: 2, attrs: {} })).toStrictEqual({});
  });

  it("CF flags: one word a value from 0, and back only where the values are 0 to n-1", () => {
    expect(flagAttrs(NAMES)).toStrictEqual({
      flag_values: [0, 1, 2, 3, 4],
      flag_meanings: "water forest_&_woods <crop> value_3 snow",
    });
    expect(categoryNamesOf(flagAttrs(NAMES))).toStrictEqual(["water", "forest_&_woods", "<crop>", "value_3", "snow"]);
    expect(categoryNamesOf({ flag_values: 0, flag_meanings: "clear" })).toStrictEqual(["clear"]);
    expect(categoryNamesOf({ flag_values: [1, 2], flag_meanings: "a b" })).toBeNull(); // not from 0
    expect(categoryNamesOf({ flag_masks: [1, 2], flag_meanings: "a b" })).toBeNull(); // bit flags
    expect(categoryNamesOf({ flag_values: [0, 1], flag_meanings: "a" })).toBeNull();
  });
});

describe.skipIf(!hasGdal)("category names through GDAL", () => {
  it.each([[[]], [["--cog"]]])("a GDAL land-cover map keeps its names through convert %j", async (flags) => {
    const src = landCover(NAMES);
    expect(gdalCategories(src)).toStrictEqual(NAMES);
    const s = await openGeoTiff(src);
    expect(s.meta.attrs.categoryNames).toStrictEqual(NAMES);
    await s.close();
    const out = tmp("out.tif");
    const r = tilecast("convert", src, out, "-q", ...flags);
    expect(r.stderr).toBe("");
    expect(gdalCategories(out)).toStrictEqual(NAMES);
  });

  it("a Zarr output writes them as CF flags xarray reads, and a GeoTIFF made from it has them again", () => {
    const src = landCover(["water", "bare soil", "snow"]);
    const store = tmp("landcover.zarr");
    expect(tilecast("convert", src, store, "-q").code).toBe(0);
    const attrs = py<Record<string, unknown>>(`import xarray as xr
a = xr.open_zarr(${JSON.stringify(store)}).band_data.attrs
print(json.dumps({"flag_values": [int(v) for v in a["flag_values"]], "flag_meanings": a["flag_meanings"], "raw": "categoryNames" in a}))`);
    expect(attrs).toStrictEqual({ flag_values: [0, 1, 2], flag_meanings: "water bare_soil snow", raw: false });
    const back = tmp("back.tif");
    expect(tilecast("convert", store, back, "-q").code).toBe(0);
    expect(gdalCategories(back)).toStrictEqual(["water", "bare_soil", "snow"]);
  });

  it("a run's class raster names its classes as the model card does", () => {
    const classes = tmp("classes.tif");
    const r = tilecast(
      "run",
      "pipelines/scene-seg.yaml",
      "--set",
      `output.path=${tmp("probabilities.tif")}`,
      "--set",
      `output.classes=${classes}`,
      "--set",
      "output.quicklook=null",
      "-q",
    );
    expect(r.code).toBe(0);
    expect(gdalCategories(classes)).toStrictEqual(["land", "water", "cloud", "shadow"]);
  });
});
