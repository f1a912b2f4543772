/**
 * A Zarr variable without x/y coordinate variables, placed by its grid mapping alone: the
 * `GeoTransform` rioxarray writes (and reads when the coordinates are missing) with its CRS; the
 * CRS alone when there is no GeoTransform. Before, such a store read with no CRS and no transform.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/** A (y, x) store without coordinates whose grid mapping is EPSG:32633 with `geoTransform` (or none). */
function store(geoTransform: string | null): string {
  const path = tmp("nocoords.zarr");
  const gt = geoTransform === null ? "" : `, "GeoTransform": ${JSON.stringify(geoTransform)}`;
  py(`import xarray as xr
s = osr.SpatialReference(); s.ImportFromEPSG(32633)
v = xr.DataArray(np.arange(12, dtype="f4").reshape(3, 4), dims=("y", "x"), attrs={"grid_mapping": "spatial_ref"})
m = xr.DataArray(0, attrs={"crs_wkt": s.ExportToWkt(), "spatial_ref": s.ExportToWkt()${gt}})
xr.Dataset({"v": v, "spatial_ref": m}).to_zarr(${JSON.stringify(path)}, mode="w")
print("null")`);
  return path;
}

const hasRioxarray =
  hasGdal && spawnSync("/usr/bin/python3", ["-c", "import rioxarray"], { encoding: "utf8" }).status === 0;

describe.skipIf(!hasGdal)("a Zarr variable placed by its grid mapping alone", () => {
  it("takes the GeoTransform and CRS as rioxarray reads them, and a GeoTIFF from it is placed there", async () => {
    const path = store("500000 10 0 4000000 0 -10");
    // rioxarray (decode_coords="all", as its documentation opens stores), where it is installed.
    if (hasRioxarray)
      expect(
        py<number[]>(`import rioxarray, xarray as xr
v = xr.open_zarr(${JSON.stringify(path)}, decode_coords="all")["v"]
print(json.dumps(list(v.rio.transform().to_gdal()) + [int(v.rio.crs.to_epsg())]))`),
      ).toStrictEqual([500000, 10, 0, 4000000, 0, -10, 32633]);
    const src = await openZarrSource(path, { variable: "v" });
    expect([src.meta.georef?.transform, src.meta.georef?.crs?.epsg]).toStrictEqual([
      [500000, 10, 0, 4000000, 0, -10],
      32633,
    ]);
    const grid = await src.readWindow({ x: 0, y: 0, width: 4, height: 3 });
    expect(Array.from(grid.data)).toStrictEqual(Array.from({ length: 12 }, (_, i) => i));
    await src.close();
    const out = tmp("placed.tif");
    expect(tilecast("convert", path, out, "--var", "v", "-q").code).toBe(0);
    const seen = py<{ gt: number[]; epsg: string }>(`ds = gdal.Open(${JSON.stringify(out)})
print(json.dumps({"gt": ds.GetGeoTransform(), "epsg": ds.GetSpatialRef().GetAuthorityCode(None)}))`);
    expect(seen).toStrictEqual({ gt: [500000, 10, 0, 4000000, 0, -10], epsg: "32633" });
  });

  it("without a GeoTransform: the CRS without a transform; a malformed one is an error naming the store", async () => {
    const bare = await openZarrSource(store(null), { variable: "v" });
    expect([bare.meta.georef?.crs?.epsg, bare.meta.georef?.noTransform]).toStrictEqual([32633, true]);
    await bare.close();
    const bad = store("500000 10 0 4000000");
    await expect(openZarrSource(bad, { variable: "v" })).rejects.toThrow(
      `${bad}: its grid mapping's GeoTransform is not six finite numbers of a transform with area ('500000 10 0 4000000')`,
    );
  });
});
