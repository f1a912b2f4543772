/**
 * A time series stays one through tilecast's Zarr outputs: bands named by instants are written as
 * a `time` dimension with a CF time coordinate (xarray reads datetime64 values), from a Zarr store
 * or from a GeoTIFF whose band descriptions are times; other bands stay `band`, their names in
 * `band_names`.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseUtc } from "../../../src/grid/utc-time.js";
import { encodeCfTime, parseCfTime } from "../../../src/io/zarr/cf-time.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/** What xarray reads: the variable's dims, its time values (ISO, ms) and its cells. */
function xarrayOf(store: string) {
  return py<{ dims: string[]; times: string[] | null; cells: number[]; attrs: string[] }>(`import xarray as xr
ds = xr.open_zarr(${JSON.stringify(store)})
v = ds["band_data"]
t = ds["time"].values if "time" in ds.coords else None
print(json.dumps({"dims": list(v.dims), "times": None if t is None else [np.datetime_as_string(x, unit="ms") + "Z" for x in t],
  "cells": v.values.ravel().tolist(), "attrs": sorted(v.attrs)}))`);
}

describe("CF time coordinates written", () => {
  it("in the coarsest whole unit from the first time, and read back as the same instants", () => {
    const cases: [string[], string][] = [
      [["2020-01-01T00:00:00.000Z", "2020-01-03T00:00:00.000Z"], "days since 2020-01-01 00:00:00"],
      [
        ["2020-01-01T06:00:00.000Z", "2020-01-01T12:00:00.000Z", "2021-01-01T00:00:00.000Z"],
        "hours since 2020-01-01 06:00:00",
      ],
      [["2020-01-01T00:05:00.000Z", "2019-12-31T23:50:00.000Z"], "minutes since 2020-01-01 00:05:00"],
      [["1948-01-01T00:00:01.000Z"], "days since 1948-01-01 00:00:01"],
      [["2020-01-01T00:00:00.250Z", "2020-01-01T00:00:01.000Z"], "milliseconds since 2020-01-01 00:00:00.250"],
      // Any ISO 8601 time (UTC without a zone), as a GeoTIFF's band descriptions may write them.
      [["2026-11-21", "2026-11-22 00:00", "2026-11-23T02:00+02:00"], "days since 2026-11-21 00:00:00"],
    ];
    for (const [labels, units] of cases) {
      const e = encodeCfTime(labels);
      expect(e?.units).toBe(units);
      expect(parseCfTime(e?.values ?? [], units, e?.calendar).map((d) => d.getTime())).toStrictEqual(
        labels.map(parseUtc),
      );
    }
    // Names that are not all instants are no time coordinate, nor are instants before the
    // Gregorian calendar (year 0 would make units no reader takes).
    for (const names of [
      ["blue", "green"],
      ["2020-01-01T00:00:00.000Z", "nir"],
      [null],
      [],
      ["0000-01-01T00:00:00.000Z"],
      ["2020-01-01T00:00:00.000Z", "1582-10-14T23:59:59.999Z"],
      ["2020-02-30T00:00:00.000Z"],
    ])
      expect(encodeCfTime(names)).toBeNull();
  });

  it.skipIf(!hasGdal)(
    "a Zarr time series converted to Zarr and through a GeoTIFF: xarray's times and cells",
    async () => {
      const dir = tmp("time-dim");
      const src = join(dir, "t2m.zarr");
      const made = py<{ times: string[] }>(`import xarray as xr
t = np.array(["2020-01-01T00", "2020-01-01T06", "2020-01-02T18"], dtype="datetime64[ns]")
ds = xr.Dataset({"t2m": (("time", "latitude", "longitude"), np.arange(36, dtype="float32").reshape(3, 3, 4) * 0.5)},
                coords={"time": t, "latitude": [60.0, 57.5, 55.0], "longitude": [0.0, 2.5, 5.0, 7.5]})
ds.to_zarr(${JSON.stringify(src)}, mode="w")
print(json.dumps({"times": [np.datetime_as_string(x, unit="ms") + "Z" for x in t]}))`);
      const cells = Array.from({ length: 36 }, (_, i) => i * 0.5);
      const direct = join(dir, "direct.zarr");
      await convertRaster(src, direct);
      const tif = join(dir, "series.tif");
      await convertRaster(src, tif);
      const back = join(dir, "back.zarr");
      await convertRaster(tif, back);
      for (const store of [direct, back]) {
        const x = xarrayOf(store);
        expect(x.dims, store).toStrictEqual(["time", "y", "x"]);
        expect(x.times, store).toStrictEqual(made.times);
        expect(x.cells, store).toStrictEqual(cells);
        expect(x.attrs, store).not.toContain("band_names");
        expect((await openZarrSource(store)).meta.attrs.bandNames).toStrictEqual(made.times);
      }
    },
  );

  it.skipIf(!hasGdal)("bands named otherwise stay a band dimension, their names in band_names", async () => {
    const out = join(tmp("band-dim"), "scene.zarr");
    await convertRaster("fixtures/demo/scene.s2like.u16.4b.tif", out, { outputTileSize: 128 });
    const x = xarrayOf(out);
    expect(x.dims).toStrictEqual(["band", "y", "x"]);
    expect(x.times).toBeNull();
    expect((await openZarrSource(out)).meta.attrs.bandNames).toStrictEqual(["blue", "green", "red", "nir"]);
  });

  it.skipIf(!hasGdal)(
    "rioxarray's band descriptions (a long_name list) name the bands, as GDAL's descriptions",
    async () => {
      const store = join(tmp("rio-names"), "rio.zarr");
      py(`import rioxarray
da = rioxarray.open_rasterio("fixtures/demo/scene.s2like.u16.4b.tif")
assert list(da.attrs["long_name"]) == ["blue", "green", "red", "nir"]
da.to_dataset(name="band_data").to_zarr(${JSON.stringify(store)}, mode="w")
print("null")`);
      const src = await openZarrSource(store);
      expect(src.meta.attrs.bandNames).toStrictEqual(["blue", "green", "red", "nir"]);
      expect(Object.keys(src.meta.attrs)).not.toContain("long_name");
    },
  );
});
