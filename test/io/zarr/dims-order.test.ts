/**
 * Variables whose rows and columns are not their last two dims, as xarray writes them when asked:
 * refused with the transpose that makes them readable, never read along the wrong axes.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spatialAxis } from "../../../src/io/zarr/dims-order.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
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

  it.skipIf(!hasGdal)("refuses rows and columns that are not the last two, naming the transpose", async () => {
    const store = join(mkdtempSync(join(tmpdir(), "tilecast-dims-")), "s.zarr");
    py(`import xarray as xr
lat, lon = [10.0, 0.0, -10.0], [0.0, 1.0, 2.0, 3.0]
a = np.arange(24, dtype="f4")
ds = xr.Dataset(
    {
        "time_last": (("latitude", "longitude", "time"), a.reshape(3, 4, 2)),
        "lon_first": (("lon", "lat"), a[:12].reshape(4, 3)),
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
    await expect(openZarrSource(store, { variable: "lon_first" })).rejects.toThrow(
      "variable 'lon_first' has dims (lon, lat); tilecast reads rows and columns as the last two, (..., lat, lon)",
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
});
