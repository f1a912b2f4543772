/**
 * A forecast store's `time` coordinate is written in chunks of many cycles: one file per cycle
 * made each cycle read every earlier cycle's file (31 s a cycle on a store of 150 000 cycles,
 * and as slow an `xarray.open_zarr`). Stores chunked otherwise (one cycle a chunk, as written
 * before, or any other) keep their chunking: appends, reruns and backfills across chunk
 * boundaries land in time order with their own fields, as xarray reads them.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeForecastSlot } from "../../../src/io/zarr/forecast-store.js";
import { TIME_CHUNK } from "../../../src/io/zarr/forecast-times.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const grid = { variable: "rain_rate", units: "mm h-1", x: [500, 1500, 2500], y: [1500, 500], crsWkt: null };
/** A cycle's two leads of 3 x 2: every value the cycle's hour, plus lead / 10. */
const slot = (hour: number) => ({
  time: new Date(Date.UTC(2010, 7, 26, hour)),
  leadMinutes: [5, 10],
  data: Float32Array.from({ length: 12 }, (_, i) => hour + (i < 6 ? 0.1 : 0.2)),
});

/** Rewrite the store's `time` in chunks of `chunk` (as an older tilecast, or another tool, left it). */
function rechunk(path: string, chunk: number): void {
  // As docs/operations.md rechunks a store, with another chunk.
  py(`import zarr
path = "${path}"
g = zarr.open_group(path, mode="r+")
values, attrs = g["time"][:], dict(g["time"].attrs)
del g["time"]
t = g.create_dataset("time", data=values, chunks=(${chunk},), dtype="<f8", fill_value=float("nan"),
                     compressor=zarr.Zlib(level=5))
t.attrs.update(attrs)
zarr.consolidate_metadata(path)
print("null")`);
}

/** The store as xarray reads it: each slot's hour, its lead-10 value, and whether time is sorted. */
function opened(path: string) {
  return py<{ hours: number[]; values: number[]; sorted: boolean }>(`import xarray as xr
ds = xr.open_zarr("${path}")
print(json.dumps({"hours": [int(t.astype("datetime64[h]").astype(int) % 24) for t in ds.time.values],
  "values": [round(float(x), 3) for x in ds.rain_rate.isel(lead_time=1, y=1, x=2).values],
  "sorted": bool(ds.indexes["time"].is_monotonic_increasing)}))`);
}

describe.skipIf(!hasGdal)("a forecast store's time chunks", () => {
  it(`a new store keeps ${TIME_CHUNK} cycles a chunk: one time file for many cycles`, async () => {
    const path = tmp("chunked.zarr");
    for (const hour of [1, 2, 3, 4, 5]) await writeForecastSlot(path, grid, slot(hour));
    const zarray = JSON.parse(readFileSync(join(path, "time", ".zarray"), "utf8"));
    expect(zarray.chunks).toStrictEqual([TIME_CHUNK]);
    expect(zarray.shape).toStrictEqual([5]);
    expect(readdirSync(join(path, "time")).filter((f) => !f.startsWith("."))).toStrictEqual(["0"]);
    expect(opened(path)).toStrictEqual({ hours: [1, 2, 3, 4, 5], values: [1.2, 2.2, 3.2, 4.2, 5.2], sorted: true });
  });

  for (const chunk of [1, 3]) {
    it(`a store chunked ${chunk} a chunk takes appends, reruns and backfills across its chunks`, async () => {
      const path = tmp(`by-${chunk}.zarr`);
      for (const hour of [4, 8]) await writeForecastSlot(path, grid, slot(hour));
      rechunk(path, chunk);
      const at: number[] = [];
      // Appends across a chunk's end, backfills that move every later time a chunk on, a rerun.
      for (const hour of [10, 12, 14, 2, 9, 6, 12, 0]) at.push((await writeForecastSlot(path, grid, slot(hour))).index);
      expect(at).toStrictEqual([2, 3, 4, 0, 3, 2, 6, 0]);
      const zarray = JSON.parse(readFileSync(join(path, "time", ".zarray"), "utf8"));
      expect(zarray.chunks).toStrictEqual([chunk]);
      const hours = [0, 2, 4, 6, 8, 9, 10, 12, 14];
      expect(opened(path)).toStrictEqual({ hours, values: hours.map((h) => h + 0.2), sorted: true });
      expect(existsSync(`${path}.tilecast-old`)).toBe(false);
    });
  }
});
