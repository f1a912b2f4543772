/**
 * Variables in groups (a Sentinel-2 product laid out as ESA's Zarr format and xarray's DataTree do:
 * `measurements/r10m/b02` beside `measurements/r20m/b05`, each group with its own `x` and `y`):
 * each is placed by its own group's coordinates, and by a grid mapping of a group above, at the
 * transform GDAL's Zarr driver gives the same array. Before, a grouped variable opened from the
 * store's root was placed by nothing.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openZarr } from "../../../src/io/zarr/dataset.js";
import { inspectZarr } from "../../../src/io/zarr/inspect.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { dataVariables } from "../../../src/io/zarr/variables.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

describe.skipIf(!hasGdal)("variables in groups", () => {
  it("are placed by their own group's coordinates, as GDAL places them", async () => {
    const store = join(tmp("groups"), "s2.zarr");
    const gdal = py<Record<string, number[]>>(`import xarray as xr
from pyproj import CRS
store = ${JSON.stringify(store)}
wkt = CRS.from_epsg(32632).to_wkt()
xr.Dataset(coords={"spatial_ref": ((), 0, {"crs_wkt": wkt})}).to_zarr(store, mode="w")
for group, res, names in (("measurements/r10m", 10.0, ["b02", "b03"]), ("measurements/r20m", 20.0, ["b05"])):
    n = int(60 / res)
    y = 5000000 - res * (np.arange(n) + 0.5); x = 300000 + res * (np.arange(n) + 0.5)
    ds = xr.Dataset({b: (("y", "x"), np.full((n, n), i + res, "u2"), {"grid_mapping": "spatial_ref"}) for i, b in enumerate(names)},
                    coords={"y": ("y", y, {"units": "m"}), "x": ("x", x, {"units": "m"})})
    ds.to_zarr(store, group=group, mode="a")
import zarr; zarr.consolidate_metadata(store)
out = {}
for v in ("measurements/r10m/b02", "measurements/r10m/b03", "measurements/r20m/b05"):
    d = gdal.Open(f'ZARR:"{store}":/{v}')
    out[v] = list(d.GetGeoTransform()) + [d.RasterXSize, d.RasterYSize]
print(json.dumps(out))`);
    for (const [v, want] of Object.entries(gdal)) {
      const src = await openZarrSource(store, { variable: v });
      const g = src.meta.georef;
      expect([...(g?.transform ?? []), src.meta.width, src.meta.height], v).toStrictEqual(want);
      // The grid mapping is the root group's: UTM 32N.
      expect(g?.crs?.epsg, v).toBe(32632);
      const d = await src.readWindow({ x: 0, y: 0, width: 2, height: 1 });
      expect(Array.from(d.data), v).toStrictEqual(
        v.endsWith("b05") ? [20, 20] : v.endsWith("b03") ? [11, 11] : [10, 10],
      );
      await src.close();
    }
    // inspect from the root places each one too.
    const info = await inspectZarr(store);
    const placed = info.variables["measurements/r20m/b05"]?.placed;
    expect(typeof placed === "object" ? placed?.transform : placed).toStrictEqual(
      gdal["measurements/r20m/b05"]?.slice(0, 6),
    );
  });

  it("a group's bounds and cell measures are not taken for its data", async () => {
    const store = join(tmp("groups-cf"), "g.zarr");
    py(`import xarray as xr
lat = np.array([10.0, 0.0]); lon = np.array([0.0, 10.0, 20.0])
ds = xr.Dataset({"tas": (("lat", "lon"), np.arange(6, dtype="f4").reshape(2, 3), {"cell_measures": "area: areacella"}),
                 "lat_bnds": (("lat", "bnds"), np.stack([lat + 5, lat - 5], 1)),
                 "areacella": (("lat", "lon"), np.ones((2, 3), "f4"))},
                coords={"lat": ("lat", lat, {"bounds": "lat_bnds"}), "lon": lon})
ds.to_zarr(${JSON.stringify(store)}, group="Amon", mode="w")
print("null")`);
    expect(dataVariables(await openZarr(store))).toStrictEqual(["Amon/tas"]);
    const src = await openZarrSource(store);
    expect(src.meta.georef?.transform).toStrictEqual([-5, 10, 0, 15, 0, -10]);
    await src.close();
  });
});
