/**
 * Variables whose rows and columns are not their last two dims, as xarray writes them when asked:
 * refused with the transpose that makes them readable, never read along the wrong axes; and
 * variables stored (..., x, y), as WeatherBench 2's `(time, longitude, latitude)` stores are, read
 * transposed, to xarray's values and GDAL's reading of a GeoTIFF output.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spatialAxis } from "../../../src/io/zarr/dims-order.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { hasGdal, py } from "../../helpers/gdal.js";

describe("the order of a Zarr variable's dims", () => {
  it("names rows and columns by dim name or by their coordinates' CF attributes", () => {
    expect(["lat", "latitude", "y", "rlat", "projection_y_coordinate"].map((d) => spatialAxis(d))).toStrictEqual(
      Array(5).fill("y"),
    );
    expect(["lon", "longitude", "x", "rlon", "easting"].map((d) => spatialAxis(d))).toStrictEqual(Array(5).fill("x"));
    expect(spatialAxis("nj", { units: "degrees_north" })).toBe("y");
    expect(spatialAxis("ni", { standard_name: "projection_x_coordinate" })).toBe("x");
    expect(spatialAxis("row", { axis: "Y" })).toBe("y");
    expect(
      ["time", "level", "band", "lead_time", "member"].map((d) => spatialAxis(d, { units: "hours" })),
    ).toStrictEqual(Array(5).fill(null));
  });

  it.skipIf(!hasGdal)("refuses rows or columns before other dims, naming the transpose", async () => {
    const store = join(mkdtempSync(join(tmpdir(), "tilecast-dims-")), "s.zarr");
    py(`import xarray as xr
lat, lon = [10.0, 0.0, -10.0], [0.0, 1.0, 2.0, 3.0]
a = np.arange(24, dtype="f4")
ds = xr.Dataset(
    {
        "time_last": (("latitude", "longitude", "time"), a.reshape(3, 4, 2)),
        "nj_ni_band": (("nj", "ni", "band"), a.reshape(3, 4, 2)),
        "time_first": (("time", "latitude", "longitude"), a.reshape(2, 3, 4)),
    },
    coords={"latitude": lat, "longitude": lon, "lat": lat, "lon": lon,
            "nj": ("nj", [1.0, 2.0, 3.0], {"units": "degrees_north"}), "ni": ("ni", lon, {"units": "degrees_east"})},
)
ds.to_zarr(${JSON.stringify(store)})
print("null")`);
    await expect(openZarrSource(store, { variable: "time_last" })).rejects.toThrow(
      `${store}: variable 'time_last' has dims (latitude, longitude, time); tilecast reads rows and columns as the ` +
        `last two, (..., latitude, longitude): transpose it first (xarray: ds.transpose(..., "latitude", "longitude").to_zarr(...))`,
    );
    await expect(openZarrSource(store, { variable: "nj_ni_band" })).rejects.toThrow(
      "variable 'nj_ni_band' has dims (nj, ni, band); tilecast reads rows and columns as the last two, (..., nj, ni)",
    );
    const ok = await openZarrSource(store, { variable: "time_first" });
    expect(ok.meta).toMatchObject({ width: 4, height: 3, bands: 2 });
    expect(ok.meta.georef?.transform).toStrictEqual([-0.5, 1, 0, 15, 0, -10]);
    expect(Array.from((await ok.readWindow({ x: 0, y: 0, width: 4, height: 3 }, { bands: [1] })).data)).toStrictEqual(
      Array.from({ length: 12 }, (_, i) => 12 + i),
    );
  });

  it.skipIf(!hasGdal)(
    "reads (..., x, y) transposed: WeatherBench 2's (time, longitude, latitude), projected (x, y)",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "tilecast-dims-"));
      const wb2 = join(dir, "wb2.zarr");
      const xy = join(dir, "xy.zarr");
      // Latitude ascending from the south, as WeatherBench 2 stores it; 64 x 32 over the globe.
      const want = py<{ t1: number[][]; xy: number[][] }>(`import xarray as xr
from pyproj import CRS
lat = np.linspace(-87.1875, 87.1875, 32); lon = np.arange(64) * 5.625
t = np.arange(2 * 64 * 32, dtype="f4").reshape(2, 64, 32)
xr.Dataset({"2m_temperature": (("time", "longitude", "latitude"), t)},
           coords={"time": np.array(["2020-01-01T00", "2020-01-01T06"], dtype="datetime64[ns]"), "longitude": lon, "latitude": lat}).to_zarr(${JSON.stringify(wb2)}, mode="w")
v = np.arange(12, dtype="i2").reshape(4, 3)
xr.Dataset({"h": (("x", "y"), v, {"grid_mapping": "spatial_ref"})},
           coords={"x": ("x", 500000 + 1000.0 * np.arange(4), {"units": "m"}), "y": ("y", 4e6 - 1000.0 * np.arange(3), {"units": "m"}),
                   "spatial_ref": ((), 0, {"crs_wkt": CRS.from_epsg(32633).to_wkt()})}).to_zarr(${JSON.stringify(xy)}, mode="w")
a = xr.open_zarr(${JSON.stringify(wb2)})["2m_temperature"].isel(time=1).transpose("latitude", "longitude").sortby("latitude", ascending=False)
b = xr.open_zarr(${JSON.stringify(xy)})["h"].transpose("y", "x")
print(json.dumps({"t1": a.values.tolist(), "xy": b.values.tolist()}))`);
      const src = await openZarrSource(wb2);
      expect(src.meta).toMatchObject({ width: 64, height: 32, bands: 2, periodicX: true });
      expect(src.meta.georef?.transform).toStrictEqual([-2.8125, 5.625, 0, 90, 0, -5.625]);
      expect(src.meta.attrs.bandNames).toStrictEqual(["2020-01-01T00:00:00.000Z", "2020-01-01T06:00:00.000Z"]);
      expect(
        Array.from((await src.readWindow({ x: 0, y: 0, width: 64, height: 32 }, { bands: [1] })).data),
      ).toStrictEqual(want.t1.flat());
      // A window off the corner: rows 5-9 of columns 60-63 and, beyond the edge, nodata.
      const w = await src.readWindow({ x: 60, y: 5, width: 6, height: 4 }, { bands: [1] });
      expect(Array.from(w.data).filter((_, i) => i % 6 < 4)).toStrictEqual(
        want.t1.slice(5, 9).flatMap((r) => r.slice(60, 64)),
      );
      await src.close();
      const tif = join(dir, "wb2.tif");
      await convertRaster(wb2, tif);
      const gdal = py<number[][]>(
        `d = gdal.Open(${JSON.stringify(tif)})\nprint(json.dumps(d.GetRasterBand(2).ReadAsArray().tolist()))`,
      );
      expect(gdal).toStrictEqual(want.t1);

      const h = await openZarrSource(xy);
      expect(h.meta).toMatchObject({ width: 4, height: 3 });
      expect(h.meta.georef?.transform).toStrictEqual([499500, 1000, 0, 4000500, 0, -1000]);
      expect(h.meta.georef?.crs?.epsg).toBe(32633);
      expect(Array.from((await h.readWindow({ x: 0, y: 0, width: 4, height: 3 })).data)).toStrictEqual(want.xy.flat());
      await h.close();
    },
  );
});
