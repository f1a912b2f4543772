/**
 * Times with sub-second parts decode to the millisecond they were written at, however they are
 * stored. tilecast read int64 as float64, and nanoseconds since 1970 are past 2^53; units below
 * a millisecond were multiplied by 1e-6 or 1e-3, and the ms truncated: 22:23:20.457 written by
 * xarray or numpy read as .456, and a nowcast asked for that frame found none.
 */
import { describe, expect, it } from "vitest";
import { inspectZarr } from "../../../src/io/zarr/inspect.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const TIMES = [
  "2023-11-14T22:13:20.123",
  "2023-11-14T22:18:20.999",
  "2023-11-14T22:23:20.457",
  "2024-02-29T00:00:00.001",
];
const WANT = TIMES.map((t) => `${t}Z`);

describe.skipIf(!hasGdal)("times with milliseconds", () => {
  it("decode exactly from int64 ns, us and ms counts, numpy datetime64[ns] and float64 seconds", async () => {
    const dir = tmp("times");
    const made = py<string[]>(
      `import zarr, os
os.makedirs("${dir}")
t = np.array(${JSON.stringify(TIMES)}, dtype="datetime64[ms]")
ns = t.astype("datetime64[ns]").astype("int64")
stores = []
def store(name, values, attrs, dtype=None):
    path = os.path.join("${dir}", name + ".zarr")
    g = zarr.open_group(path, mode="w")
    a = g.create_dataset("time", data=values, **({"dtype": dtype} if dtype else {}))
    a.attrs.update({"_ARRAY_DIMENSIONS": ["time"], **attrs})
    v = g.create_dataset("rr", data=np.zeros((len(t), 2, 2), "f4"), chunks=(1, 2, 2))
    v.attrs["_ARRAY_DIMENSIONS"] = ["time", "y", "x"]
    for d, c in (("y", [1.5, 0.5]), ("x", [0.5, 1.5])):
        g.create_dataset(d, data=c).attrs["_ARRAY_DIMENSIONS"] = [d]
    zarr.consolidate_metadata(path)
    stores.append(path)
store("ns", ns, {"units": "nanoseconds since 1970-01-01", "calendar": "proleptic_gregorian"})
store("us", (ns - 946684800 * 10**9) // 1000, {"units": "microseconds since 2000-01-01"})
store("ms", ns // 10**6, {"units": "milliseconds since 1970-01-01T00:00:00Z"})
store("m8", t.astype("datetime64[ns]"), {}, dtype="<M8[ns]")
store("float-s", ns / 1e9, {"units": "seconds since 1970-01-01"})
ds = xr.Dataset({"rr": (("time", "y", "x"), np.zeros((len(t), 2, 2), "f4"))}, coords={"time": t.astype("datetime64[ns]"), "y": [1.5, 0.5], "x": [0.5, 1.5]})
path = os.path.join("${dir}", "xarray.zarr")
ds.to_zarr(path)
stores.append(path)
print(json.dumps(stores))`.replace("import zarr, os", "import zarr, os, xarray as xr"),
    );
    expect(made).toHaveLength(6);
    for (const path of made) {
      const src = await openZarrSource(path, { variable: "rr" });
      expect(src.meta.attrs.bandNames, path).toStrictEqual(WANT);
      await src.close();
      const info = await inspectZarr(path);
      expect(info.coords.time?.values, path).toStrictEqual(WANT);
    }
  });
});
