/**
 * Arrays CF names from a variable or coordinate (cell bounds, cell measures, formula terms of a
 * hybrid level), as CMIP stores carry them beside their one variable: they are not data, as
 * xarray's `decode_coords="all"` tells, so such a store opens its variable without `--var`; each
 * still reads when named. Before, a CMIP store asked which of `tas`, `lat_bnds`, `lon_bnds` and
 * `time_bnds` to read.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openZarr } from "../../../src/io/zarr/dataset.js";
import { inspectZarr } from "../../../src/io/zarr/inspect.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { dataVariables } from "../../../src/io/zarr/variables.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

describe.skipIf(!hasGdal)("CF-related arrays", () => {
  it("bounds, cell measures and formula terms are not data variables, as xarray's decode_coords='all' has it", async () => {
    const dir = tmp("cf-related");
    const cmip = join(dir, "cmip.zarr");
    const levels = join(dir, "levels.zarr");
    const want = py<Record<string, string[]>>(`import xarray as xr, warnings
warnings.simplefilter("ignore")
lat = np.array([60.0, 50.0, 40.0, 30.0]); lon = np.arange(5) * 10.0
def axes(bounds):
    return {"lat": ("lat", lat, {"units": "degrees_north", **({"bounds": "lat_bnds"} if bounds else {})}),
            "lon": ("lon", lon, {"units": "degrees_east", **({"bounds": "lon_bnds"} if bounds else {})}),
            "time": ("time", [15, 45], {"units": "days since 1850-01-01", "calendar": "noleap", "bounds": "time_bnds"})}
# A CMIP monthly surface field: tas, its bounds, its cell areas.
ds = xr.Dataset({"tas": (("time", "lat", "lon"), np.arange(40, dtype="f4").reshape(2, 4, 5), {"cell_measures": "area: areacella"}),
                 "time_bnds": (("time", "bnds"), [[0, 31], [31, 59]]),
                 "lat_bnds": (("lat", "bnds"), np.stack([lat + 5, lat - 5], 1)),
                 "lon_bnds": (("lon", "bnds"), np.stack([lon - 5, lon + 5], 1)),
                 "areacella": (("lat", "lon"), np.ones((4, 5), "f4"))}, coords=axes(True))
ds.to_zarr(${JSON.stringify(cmip)}, mode="w")
# Cloud fraction on hybrid levels: surface pressure is a formula term of the level, not the data.
ds = xr.Dataset({"cl": (("time", "lev", "lat", "lon"), np.ones((2, 3, 4, 5), "f4")),
                 "ps": (("time", "lat", "lon"), np.full((2, 4, 5), 1e5, "f4")),
                 "a": ("lev", [0.1, 0.2, 0.3]), "b": ("lev", [0.9, 0.5, 0.1]), "p0": ((), 1e5)},
                coords={**axes(False), "lev": ("lev", [0.9, 0.5, 0.1], {"formula_terms": "a: a b: b ps: ps p0: p0"})})
ds["time"].attrs.pop("bounds")
ds.to_zarr(${JSON.stringify(levels)}, mode="w")
print(json.dumps({p: sorted(n for n, v in xr.open_zarr(p, decode_coords="all").data_vars.items() if v.ndim >= 2)
                  for p in (${JSON.stringify(cmip)}, ${JSON.stringify(levels)})}))`);
    expect(want[cmip]).toStrictEqual(["tas"]);
    expect(want[levels]).toStrictEqual(["cl"]);
    for (const p of [cmip, levels]) expect(dataVariables(await openZarr(p)), p).toStrictEqual(want[p]);

    // Opened without --var: the one variable, with its calendar's times.
    const tas = await openZarrSource(cmip);
    expect(tas.meta.variable).toBe("tas");
    expect(tas.meta.attrs.bandNames).toStrictEqual([
      "1850-01-16T00:00:00.000Z (noleap)",
      "1850-02-15T00:00:00.000Z (noleap)",
    ]);
    expect(Array.from((await tas.readWindow({ x: 0, y: 0, width: 5, height: 1 }, { bands: [1] })).data)).toStrictEqual([
      20, 21, 22, 23, 24,
    ]);
    await tas.close();
    // Named, a related array still reads: the surface pressure, the cell areas.
    const ps = await openZarrSource(levels, { variable: "ps" });
    expect(Array.from((await ps.readWindow({ x: 0, y: 0, width: 2, height: 1 }, { bands: [0] })).data)).toStrictEqual([
      1e5, 1e5,
    ]);
    await ps.close();
    const info = await inspectZarr(cmip);
    expect(Object.keys(info.variables)).toStrictEqual(["tas"]);
    expect(Object.keys(info.coords).sort()).toStrictEqual([
      "areacella",
      "lat",
      "lat_bnds",
      "lon",
      "lon_bnds",
      "time",
      "time_bnds",
    ]);
  });
});
