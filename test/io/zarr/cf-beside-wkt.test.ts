/**
 * A store as pyproj's `to_cf` writes one (xarray, MetPy, a WRF or GOES post-processor): CF's
 * parameters and their WKT 2 in `crs_wkt`, which tilecast reads first. proj4 reads WKT 2 of 8 of
 * CF's 18 mappings not at all or wrongly, so tilecast could not transform such a grid's points
 * (the operations page's map, comparing CRSs) and wrote its Zarr outputs without CF parameters.
 * The WKT is now read as PROJ reads it (grid/wkt-proj.ts).
 */
import { describe, expect, it } from "vitest";
import { crsFromEpsg, transformPoint } from "../../../src/grid/crs.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/** CF mappings (WGS 84's axes), and a point in each grid's area. */
const MAPPINGS: Record<string, [Record<string, unknown>, [number, number]]> = {
  mercator: [{ grid_mapping_name: "mercator", longitude_of_projection_origin: 100, standard_parallel: 10 }, [105, 5]],
  stereographic: [
    {
      grid_mapping_name: "stereographic",
      longitude_of_projection_origin: 5,
      latitude_of_projection_origin: 52,
      scale_factor_at_projection_origin: 0.9999,
    },
    [6, 51],
  ],
  equal_area: [
    { grid_mapping_name: "lambert_cylindrical_equal_area", longitude_of_central_meridian: 0, standard_parallel: 30 },
    [20, 40],
  ],
  equidistant: [
    {
      grid_mapping_name: "azimuthal_equidistant",
      longitude_of_projection_origin: 10,
      latitude_of_projection_origin: 50,
    },
    [12, 51],
  ],
  perspective: [
    {
      grid_mapping_name: "vertical_perspective",
      longitude_of_projection_origin: 10,
      latitude_of_projection_origin: 50,
      perspective_point_height: 3e6,
    },
    [12, 51],
  ],
  goes: [
    {
      grid_mapping_name: "geostationary",
      longitude_of_projection_origin: -75,
      perspective_point_height: 35786023,
      sweep_angle_axis: "x",
    },
    [-80, 30],
  ],
  oblique_mercator: [
    {
      grid_mapping_name: "oblique_mercator",
      azimuth_of_central_line: 30,
      latitude_of_projection_origin: 45,
      longitude_of_projection_origin: 10,
      scale_factor_at_projection_origin: 1,
    },
    [11, 46],
  ],
  lambert: [
    {
      grid_mapping_name: "lambert_conformal_conic",
      standard_parallel: [30, 60],
      longitude_of_central_meridian: 10,
      latitude_of_projection_origin: 45,
    },
    [12, 50],
  ],
};

describe.skipIf(!hasGdal)("CF parameters beside their WKT 2 (pyproj's to_cf)", () => {
  it("transforms each grid's points where pyproj does, and writes outputs GDAL and pyproj take for its CRS", async () => {
    const dir = tmp("cf-wkt");
    // Each store's grid starts at its point; pyproj's own placing of a second point to compare.
    const expected = py<Record<string, [number, number]>>(`import xarray as xr, pyproj
out = {}
for name, (cf, (lon, lat)) in json.loads(${JSON.stringify(JSON.stringify(MAPPINGS))}).items():
    crs = pyproj.CRS.from_cf({**cf, "semi_major_axis": 6378137.0, "inverse_flattening": 298.257223563})
    x0, y0 = pyproj.Transformer.from_crs(4326, crs, always_xy=True).transform(lon, lat)
    x, y = x0 + 1000 * np.arange(4), y0 - 1000 * np.arange(3)
    ds = xr.Dataset({"t": (("y", "x"), np.arange(12, dtype="f4").reshape(3, 4), {"grid_mapping": "crs"}),
                     "crs": ((), 0, crs.to_cf())},
                    coords={"y": ("y", y, {"standard_name": "projection_y_coordinate", "units": "m"}),
                            "x": ("x", x, {"standard_name": "projection_x_coordinate", "units": "m"})})
    ds.to_zarr(${JSON.stringify(dir)} + "/" + name + ".zarr", mode="w")
    out[name] = list(pyproj.Transformer.from_crs(4326, crs, always_xy=True).transform(lon + 0.5, lat - 0.25))
print(json.dumps(out))`);
    for (const [name, [, [lon, lat]]] of Object.entries(MAPPINGS)) {
      const store = `${dir}/${name}.zarr`;
      const src = await openZarrSource(store);
      const crs = src.meta.georef?.crs ?? null;
      expect(crs?.wkt, name).toMatch(/^PROJCRS\[/); // the store's own WKT, kept
      const [x, y] = transformPoint(crsFromEpsg(4326), crs as NonNullable<typeof crs>, [lon + 0.5, lat - 0.25]);
      const [ex, ey] = expected[name] as [number, number];
      expect(Math.hypot(x - ex, y - ey), name).toBeLessThan(1e-3);
      await src.close();
      for (const out of [`${dir}/${name}.tif`, `${dir}/${name}.out.zarr`])
        expect(tilecast("convert", store, out, "--var", "t", "-q").code, `${name} -> ${out}`).toBe(0);
    }
    // GDAL takes each GeoTIFF for the store's CRS; a Zarr output's CF parameters alone are it
    // to pyproj (the writer has none for oblique Mercator and vertical perspective: crs_wkt alone).
    const seen = py<Record<string, [boolean, boolean | null]>>(`import pyproj
out = {}
for name in ${JSON.stringify(Object.keys(MAPPINGS))}:
    base = ${JSON.stringify(dir)} + "/" + name
    ref = pyproj.CRS.from_cf(json.load(open(base + ".zarr/crs/.zattrs")))
    r = osr.SpatialReference(); r.ImportFromWkt(ref.to_wkt())
    tif = gdal.Open(base + ".tif").GetSpatialRef()
    attrs = json.load(open(base + ".out.zarr/spatial_ref/.zattrs"))
    cf = {k: v for k, v in attrs.items() if k not in ("crs_wkt", "spatial_ref", "GeoTransform")}
    out[name] = [bool(tif.IsSame(r)), pyproj.CRS.from_cf(cf).equals(ref) if "grid_mapping_name" in cf else None]
print(json.dumps(out))`);
    for (const name of Object.keys(MAPPINGS))
      expect(seen[name], name).toStrictEqual([true, /oblique|perspective/.test(name) ? null : true]);
  });
});
