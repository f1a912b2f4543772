/**
 * Cycles written to a forecast store out of time order (a backfill after an outage, a skipped
 * cycle caught up later) land in time order, so xarray can slice `time`: before, an old cycle was
 * appended, and `ds.sel(time=slice(...))` failed ("the index is unsorted or non-unique"). Each
 * slot keeps its own fields; a store a crash left mid-swap is put back by the next write.
 */
import { existsSync, renameSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { writeForecastSlot } from "../../../src/io/zarr/forecast-store.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const grid = { variable: "rain_rate", units: "mm h-1", x: [500, 1500, 2500], y: [1500, 500], crsWkt: null };
/** A cycle's two leads of 3 x 2, every value the cycle's hour plus lead / 10. */
const slot = (hour: number) => ({
  time: new Date(Date.UTC(2010, 7, 26, hour)),
  leadMinutes: [5, 10],
  data: Float32Array.from({ length: 12 }, (_, i) => hour + (i < 6 ? 0.1 : 0.2)),
});

describe.skipIf(!hasGdal)("a forecast store's cycles out of order", () => {
  it("land in time order, each with its own fields, and xarray slices them", async () => {
    const path = tmp("order.zarr");
    const at: number[] = [];
    for (const hour of [6, 3, 9, 4, 3]) at.push((await writeForecastSlot(path, grid, slot(hour))).index);
    expect(at).toStrictEqual([0, 0, 2, 1, 0]); // the last a rerun of 03:00, replacing its slot
    const got = py<{ hours: number[]; firsts: number[]; sliced: number[]; sorted: boolean }>(`
import xarray as xr
ds = xr.open_zarr("${path}")
v = ds.rain_rate
print(json.dumps({"hours": [int(t.astype("datetime64[h]").astype(int) % 24) for t in ds.time.values],
  "firsts": [round(float(x), 3) for x in v.isel(lead_time=1, y=0, x=0).values],
  "sliced": [int(t.astype("datetime64[h]").astype(int) % 24) for t in ds.sel(time=slice("2010-08-26T03:30", "2010-08-26T08:00")).time.values],
  "sorted": bool(ds.indexes["time"].is_monotonic_increasing)}))`);
    expect(got).toStrictEqual({ hours: [3, 4, 6, 9], firsts: [3.2, 4.2, 6.2, 9.2], sliced: [4, 6], sorted: true });
    expect(existsSync(`${path}.tilecast-old`)).toBe(false);
  });

  it("a store left mid-swap by a crash is put back by the next write", async () => {
    const path = tmp("swap.zarr");
    await writeForecastSlot(path, grid, slot(6));
    renameSync(path, `${path}.tilecast-old`); // killed between the swap's two renames
    await writeForecastSlot(path, grid, slot(9));
    const hours = py<number[]>(`
import xarray as xr
print(json.dumps([int(t.astype("datetime64[h]").astype(int) % 24) for t in xr.open_zarr("${path}").time.values]))`);
    expect(hours).toStrictEqual([6, 9]);
    expect(existsSync(`${path}.tilecast-old`)).toBe(false);
  });
});
