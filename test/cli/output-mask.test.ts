/**
 * Cells without data in outputs that have no nodata value: kept as a GDAL internal mask in a
 * GeoTIFF or COG, as NaN in a float Zarr store, and said to be lost (a warning) in an integer
 * Zarr store, for `tilecast run` and `tilecast convert` alike.
 */
import { describe, expect, it } from "vitest";
import { maskedSpec } from "../../src/io/masked-spec.js";
import type { SinkSpec } from "../../src/io/types.js";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

describe("maskedSpec", () => {
  const spec = (dtype: "float32" | "uint16", nodata: number | null): SinkSpec => ({
    width: 8,
    height: 8,
    bands: 1,
    dtype,
    georef: null,
    nodata,
  });
  const masks = { masks: true, title: "GeoTIFF" };
  const none = { masks: false, title: "Zarr" };

  it("keeps a mask where the format has one, whatever the nodata", () => {
    expect(maskedSpec(spec("uint16", null), masks)).toStrictEqual({
      spec: { ...spec("uint16", null), mask: true },
      warning: null,
    });
    expect(maskedSpec(spec("float32", -9), masks).spec.mask).toBe(true);
  });

  it("elsewhere, the nodata value; NaN for floats without one; a warning for integers without one", () => {
    expect(maskedSpec(spec("uint16", 0), none)).toStrictEqual({ spec: spec("uint16", 0), warning: null });
    expect(maskedSpec(spec("float32", null), none).spec.nodata).toBeNaN();
    const ints = maskedSpec(spec("uint16", null), none);
    expect(ints.spec).toStrictEqual(spec("uint16", null));
    expect(ints.warning).toBe(
      "a Zarr output keeps no mask: cells without data are written as 0; set a nodata value to mark them",
    );
  });
});

describe.skipIf(!hasGdal)("outputs without a nodata value", () => {
  /** The segmentation job (its test scene has 2926 nodata cells) into `out`, with extra `--set`s. */
  const seg = (out: string, ...sets: string[]) =>
    tilecast("run", "pipelines/scene-seg.yaml", "--set", `output.path=${out}`, ...sets.flatMap((s) => ["--set", s]));
  const packed = ["output.dtype=uint8", "output.scale=0.004", "output.nodata=null"];
  /** The job's probabilities as float32, NaN without data (the pipeline packs them into bytes). */
  const float32 = ["output.dtype=float32", "output.scale=null", "output.nodata=.nan"];

  it("tilecast run: an integer GeoTIFF or COG without nodata masks the cells without data, exactly the float run's NaNs", () => {
    const float = tmp("seg-f32.tif");
    const tif = tmp("seg-u8.tif");
    const cog = tmp("seg-u8-cog.tif");
    for (const r of [
      seg(float, ...float32),
      seg(tif, ...packed, `output.classes=${tif}.c.tif`),
      seg(cog, ...packed, "output.format=cog"),
    ]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain("keeps no mask");
    }
    const got = py<{
      nan: number;
      masks: { flags: number; masked: number; same: boolean }[];
      classes: [number, number];
    }>(`
f = gdal.Open("${float}").ReadAsArray()
out = {"nan": int(np.isnan(f[0]).sum()), "masks": []}
for path in ("${tif}", "${cog}"):
    ds = gdal.Open(path)
    m = ds.GetRasterBand(1).GetMaskBand().ReadAsArray()
    out["masks"].append({"flags": ds.GetRasterBand(1).GetMaskFlags(), "masked": int((m == 0).sum()),
      "same": bool(((m == 0) == np.isnan(f[0])).all())})
cds = gdal.Open("${tif}.c.tif")  # kept referenced while its band is used
c = cds.GetRasterBand(1)
out["classes"] = [c.GetMaskFlags(), c.GetNoDataValue()]
print(json.dumps(out))`);
    expect(got.nan).toBe(2926);
    for (const m of got.masks) expect(m).toStrictEqual({ flags: 2, masked: 2926, same: true }); // GMF_PER_DATASET
    expect(got.classes).toStrictEqual([8, 255]); // the class raster keeps its nodata, not a mask
  });

  it("tilecast run: an integer Zarr store without nodata says the cells without data are lost", () => {
    const r = seg(tmp("seg-u8.zarr"), ...packed);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "  warning   a Zarr output keeps no mask: cells without data are written as 0; set a nodata value to mark them\n",
    );
    const kept = seg(tmp("seg-u8-nodata.zarr"), ...packed, "output.nodata=255");
    expect(kept.stdout).not.toContain("keeps no mask");
  });

  it("tilecast convert of a masked GeoTIFF to Zarr: floats masked as NaN, integers with a warning", () => {
    const made = (type: string) => {
      const path = tmp(`masked-${type}.tif`);
      py(`gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
ds = gdal.GetDriverByName("GTiff").Create("${path}", 40, 30, 1, gdal.GDT_${type})
ds.GetRasterBand(1).WriteArray(np.arange(1200).reshape(30, 40) + 1)
ds.CreateMaskBand(gdal.GMF_PER_DATASET)
m = np.full((30, 40), 255, np.uint8); m[5:9, 10:30] = 0
ds.GetRasterBand(1).GetMaskBand().WriteArray(m)
ds = None
print(1)`);
      return path;
    };
    const f32 = tmp("masked-f32.zarr");
    const u16 = tmp("masked-u16.zarr");
    const float = tilecast("convert", made("Float32"), f32, "-q");
    expect(float.code, float.stderr).toBe(0);
    expect(float.stderr).toBe("");
    const nan = py<{ nan: number; at: boolean; fill: string }>(`import xarray as xr
z = xr.open_zarr("${f32}")
v = z[list(z.data_vars)[0]].values.reshape(30, 40)
print(json.dumps({"nan": int(np.isnan(v).sum()), "at": bool(np.isnan(v[5:9, 10:30]).all()), "fill": str(json.load(open("${f32}/" + list(z.data_vars)[0] + "/.zarray"))["fill_value"])}))`);
    expect(nan).toStrictEqual({ nan: 80, at: true, fill: "NaN" });
    const ints = tilecast("convert", made("UInt16"), u16, "-q");
    expect(ints.code, ints.stderr).toBe(0);
    expect(ints.stderr).toBe(
      `tilecast: warning: ${u16}: a Zarr output keeps no mask: cells without data are written as 0; set a nodata value to mark them\n`,
    );
  });
});
