/**
 * A store's transform to the last bit: cell-centre coordinates hold a 0.01-degree step only to
 * float64's rounding, so a GeoTIFF copied to Zarr and back, or a rioxarray store converted to
 * GeoTIFF, came out 0.010000000000000004 wide, off the original's grid to GDAL's exact
 * comparison. The grid mapping's `GeoTransform` (tilecast and rioxarray write it) gives the exact
 * numbers where it agrees with the coordinates; one left behind by a slice is ignored.
 */
import { describe, expect, it } from "vitest";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

describe.skipIf(!hasGdal)("a store's exact transform", () => {
  it("survives GeoTIFF -> Zarr -> GeoTIFF and is read from a rioxarray store; a stale one is ignored", () => {
    const dir = tmp("exact");
    const tif = `${dir}.tif`;
    py(`
d = gdal.GetDriverByName("GTiff").Create("${tif}", 30, 20, 1, gdal.GDT_Float32)
d.SetGeoTransform((2.1, 0.01, 0, 48.9, 0, -0.01))
d.SetSpatialRef(osr.SpatialReference(wkt=osr.SRS_WKT_WGS84_LAT_LONG))
d.GetRasterBand(1).WriteArray(np.arange(600, dtype="float32").reshape(20, 30))
d = None
import xarray as xr, rioxarray
da = rioxarray.open_rasterio("${tif}").rename("v")
da.to_dataset().to_zarr("${dir}.rio.zarr", mode="w")
# Sliced by plain isel: the GeoTransform attribute still says the old origin.
xr.open_zarr("${dir}.rio.zarr").isel(x=slice(5, None)).to_zarr("${dir}.sliced.zarr", mode="w")
print("null")`);
    const steps = [
      ["convert", tif, `${dir}.zarr`],
      ["convert", `${dir}.zarr`, `${dir}.back.tif`],
      ["convert", `${dir}.rio.zarr`, `${dir}.rio.tif`, "--var", "v"],
      ["convert", `${dir}.sliced.zarr`, `${dir}.sliced.tif`, "--var", "v"],
    ];
    for (const s of steps) expect(tilecast(...s, "-q").stderr, s.join(" ")).toBe("");
    const gts = py<number[][]>(`
print(json.dumps([list(gdal.Open(p).GetGeoTransform()) for p in ["${dir}.back.tif", "${dir}.rio.tif", "${dir}.sliced.tif"]]))`);
    expect(gts[0]).toStrictEqual([2.1, 0.01, 0, 48.9, 0, -0.01]);
    expect(gts[1]).toStrictEqual([2.1, 0.01, 0, 48.9, 0, -0.01]);
    // The slice starts 5 cells east: placed by its coordinates, not the stale attribute.
    expect(gts[2]?.[0]).toBeCloseTo(2.15, 12);
    expect(gts[2]?.slice(1)).toStrictEqual([gts[2]?.[1], 0, gts[2]?.[3], 0, gts[2]?.[5]]);
    expect(gts[2]?.[1]).toBeCloseTo(0.01, 15);
  });
});
