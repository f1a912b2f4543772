/**
 * Zarr v2 arrays of numpy's datetime64 and timedelta64, as zarr-python writes a coordinate that
 * xarray did not encode: the store opened (zarrita refused it, and with it the whole store) and
 * the times read as xarray reads them.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openZarr } from "../../../src/io/zarr/dataset.js";
import { readCoord } from "../../../src/io/zarr/read.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

describe.skipIf(!hasGdal)("datetime64 coordinates written by zarr-python", () => {
  it.each(["ns", "us", "s", "m", "h", "D", "W", "ms"])("datetime64[%s]: xarray's times", async (unit) => {
    const store = join(tmp("m8"), "m8.zarr");
    const want = py<string[]>(`import zarr, xarray as xr
g = zarr.open_group(${JSON.stringify(store)}, mode="w")
t = g.create_dataset("time", data=np.array(["2020-02-29T00", "2020-03-01T06", "1969-12-31T18"], dtype="datetime64[h]").astype("datetime64[${unit}]"))
t.attrs["_ARRAY_DIMENSIONS"] = ["time"]
a = g.create_dataset("t2m", data=np.arange(36, dtype="float32").reshape(3, 3, 4))
a.attrs["_ARRAY_DIMENSIONS"] = ["time", "y", "x"]
zarr.consolidate_metadata(${JSON.stringify(store)})
print(json.dumps([np.datetime_as_string(v, unit="ms") + "Z" for v in xr.open_zarr(${JSON.stringify(store)}).time.values]))`);
    const src = await openZarrSource(store);
    expect(src.meta.attrs.bandNames).toStrictEqual(want);
    expect(Array.from((await src.readWindow({ x: 0, y: 0, width: 4, height: 3 }, { bands: [1] })).data)).toStrictEqual(
      Array.from({ length: 12 }, (_, i) => 12 + i),
    );
  });

  it("timedelta64 reads as its counts with their units; NaT in a time coordinate is refused by name", async () => {
    const store = join(tmp("m8-nat"), "m8.zarr");
    py(`import zarr
g = zarr.open_group(${JSON.stringify(store)}, mode="w")
s = g.create_dataset("step", data=np.array([0, 6, 12], dtype="timedelta64[h]"))
s.attrs["_ARRAY_DIMENSIONS"] = ["step"]
t = g.create_dataset("time", data=np.array(["2020-01-01T00", "NaT"], dtype="datetime64[ns]"))
t.attrs["_ARRAY_DIMENSIONS"] = ["time"]
a = g.create_dataset("t2m", data=np.zeros((2, 3, 4), "float32"))
a.attrs["_ARRAY_DIMENSIONS"] = ["time", "y", "x"]
print("null")`);
    const ds = await openZarr(store);
    const step = ds.arrays.get("step");
    expect(step?.attrs.units).toBe("hours");
    expect(Array.from(await readCoord(step as never, store), Number)).toStrictEqual([0, 6, 12]);
    expect(ds.arrays.get("time")?.attrs.units).toBe("nanoseconds since 1970-01-01 00:00:00");
    await expect(openZarrSource(store, { variable: "t2m" })).rejects.toThrow(
      `${store}: time coordinate 'time': time value NaT (index 1) is no time in 'nanoseconds since 1970-01-01 00:00:00'`,
    );
  });
});
