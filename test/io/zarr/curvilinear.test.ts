/**
 * A Zarr variable placed by 2-D latitude and longitude (CF auxiliary coordinates: a satellite
 * swath's geolocation, an ocean model's nav_lat/nav_lon), as xarray writes it. tilecast asked
 * which of lat, lon and the data to read, and read the data unplaced. Now:
 * - the arrays its `coordinates` attribute names are coordinates, as xarray takes them;
 * - a swath gets ground control points at the latitudes and longitudes xarray reads there, which
 *   GDAL reads from the GeoTIFF tilecast writes (missing positions left out);
 * - a Zarr output copies the 2-D latitude and longitude, so its cells keep their positions;
 * - a regular grid stored 2-D gets the transform its 1-D coordinates would give, rows north-up.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resampleSource } from "../../../src/io/resample.js";
import { createZarrSink } from "../../../src/io/zarr/sink.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/** The sink spec of a one-band float32 source. */
const spec = (s: Awaited<ReturnType<typeof openZarrSource>>) => ({
  width: s.meta.width,
  height: s.meta.height,
  bands: 1,
  dtype: "float32" as const,
  nodata: Number.NaN,
  georef: s.meta.georef,
});

describe.skipIf(!hasGdal)("2-D latitude and longitude", () => {
  it("a swath is placed by ground control points at xarray's positions, which GDAL reads from the GeoTIFF", async () => {
    const dir = tmp("swath");
    const store = join(dir, "swath.zarr");
    const tif = join(dir, "swath.tif");
    py(`import xarray as xr
ny, nx = 30, 50
j, i = np.mgrid[0:ny, 0:nx]
# A curved, skewed swath, its first row's last cells without geolocation (fill).
lat = 40 + 0.05 * j - 0.002 * i + 0.0004 * (i - 25) ** 2
lon = -5 + 0.08 * i + 0.01 * j + 0.00003 * i * j
lat[0, -3:] = np.nan
ds = xr.Dataset({"sst": (("along", "across"), (i + 100 * j).astype("f4"), {"units": "K"})},
    coords={"lat": (("along", "across"), lat, {"units": "degrees_north", "standard_name": "latitude"}),
            "lon": (("along", "across"), lon.astype("f4"), {"units": "degrees_east"})})
ds.to_zarr(${JSON.stringify(store)})
print("null")`);
    const src = await openZarrSource(store); // the one data variable: lat and lon are coordinates
    expect(src.meta.variable).toBe("sst");
    const gcps = src.meta.georef?.gcps ?? [];
    expect(src.meta.georef?.crs?.epsg).toBe(4326);
    // 21 sampled rows x 21 sampled columns, less the first row's cells without a position that
    // are sampled (columns 47 and 49 of 0-49).
    expect(gcps.length).toBe(21 * 21 - 2);
    const want = py<{ lat: number[][]; lon: number[][] }>(`import xarray as xr
ds = xr.open_zarr(${JSON.stringify(store)})
print(json.dumps({"lat": np.nan_to_num(ds.lat.values, nan=-999).tolist(), "lon": ds.lon.values.astype("f8").tolist()}))`);
    for (const g of gcps) {
      const [i, j] = [g.pixel - 0.5, g.line - 0.5];
      expect(g.y).toBe(want.lat[j]?.[i]);
      expect(g.x).toBe(want.lon[j]?.[i]);
    }
    expect(gcps.some((g) => g.line === 0.5 && g.pixel === 49.5)).toBe(false);
    expect(gcps.some((g) => g.line === 29.5 && g.pixel === 49.5)).toBe(true);

    await convertRaster(store, tif);
    const seen = py<{
      n: number;
      epsg: string;
      first: number[];
      pixels: boolean;
    }>(`ds = gdal.Open(${JSON.stringify(tif)})
g = ds.GetGCPs()
print(json.dumps({"n": len(g), "epsg": ds.GetGCPSpatialRef().GetAuthorityCode(None), "first": [g[0].GCPPixel, g[0].GCPLine, g[0].GCPX, g[0].GCPY],
  "pixels": bool(np.array_equal(ds.ReadAsArray(), (np.mgrid[0:30, 0:50][1] + 100 * np.mgrid[0:30, 0:50][0]).astype("f4")))}))`);
    expect(seen).toStrictEqual({ n: 439, epsg: "4326", first: [0.5, 0.5, -5, 40 + 0.0004 * 625], pixels: true });

    // A Zarr output keeps every cell's position: the 2-D latitude and longitude copied across in
    // chunks (16 x 16 here, edges padded), read back by xarray as the source's and by tilecast as
    // the same GCPs.
    const out = join(dir, "swath-out.zarr");
    await convertRaster(store, out, { outputTileSize: 16 });
    const copied = py<{ lat: boolean; lon: boolean; coords: string[]; chunks: number[] }>(`import xarray as xr
a = xr.open_zarr(${JSON.stringify(store)})
b = xr.open_zarr(${JSON.stringify(out)})
print(json.dumps({"lat": bool(np.array_equal(a.lat.values, b.lat.values, equal_nan=True)),
  "lon": bool(np.array_equal(a.lon.values.astype("f8"), b.lon.values)),
  "coords": sorted(b.band_data.coords), "chunks": list(b.lat.encoding["chunks"])}))`);
    expect(copied).toStrictEqual({ lat: true, lon: true, coords: ["band", "lat", "lon"], chunks: [16, 16] });
    const back = await openZarrSource(out);
    expect(back.meta.georef?.gcps).toStrictEqual(gcps);

    // A grid changed on the way (resampled by 2) is not the arrays' grid: refused, as before.
    const coarse = resampleSource(src, { factor: 2, method: "average" });
    const sink = createZarrSink(join(dir, "coarse.zarr"), {
      width: coarse.meta.width,
      height: coarse.meta.height,
      bands: 1,
      dtype: "float32",
      nodata: Number.NaN,
      georef: coarse.meta.georef,
    });
    await expect(sink).rejects.toThrow(/ground control points has no Zarr x\/y coordinates/);

    // GCPs at the arrays' cells whose positions are not the arrays' (one moved by a degree): the
    // copy finds it and refuses, leaving nothing behind.
    const moved = gcps.map((p, k) => (k === 200 ? { ...p, x: p.x + 1 } : p));
    const wrong = join(dir, "wrong.zarr");
    const georef = src.meta.georef as NonNullable<typeof src.meta.georef>;
    await expect(createZarrSink(wrong, { ...spec(src), georef: { ...georef, gcps: moved } })).rejects.toThrow(
      /ground control points has no Zarr x\/y coordinates/,
    );
    expect(existsSync(wrong)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes("wrong"))).toStrictEqual([]);
  });

  it("2-D latitude and longitude of another size do not place it (Zarr does not make dims agree)", async () => {
    const store = join(tmp("mismatch"), "m.zarr");
    py(`import zarr
g = zarr.open_group(${JSON.stringify(store)}, mode="w")
v = g.create_dataset("sst", data=np.ones((10, 12), "f4"), fill_value=None)
v.attrs.update({"_ARRAY_DIMENSIONS": ["row", "col"], "coordinates": "lat lon"})
for n, u in (("lat", "degrees_north"), ("lon", "degrees_east")):
    a = g.create_dataset(n, data=np.full((5, 6), 10.0)); a.attrs.update({"_ARRAY_DIMENSIONS": ["row", "col"], "units": u})
print("null")`);
    const src = await openZarrSource(store);
    expect(src.meta.georef).toBeNull();
  });

  it("a regular grid stored 2-D gets the transform of its 1-D coordinates, rows north-up", async () => {
    const dir = tmp("mesh");
    const store = join(dir, "mesh.zarr");
    py(`import xarray as xr
lat1 = -30 + 0.5 * np.arange(8)   # ascending, as many models write it
lon1 = 100 + 0.25 * np.arange(12)
lon, lat = np.meshgrid(lon1, lat1)
ds = xr.Dataset({"t": (("y", "x"), np.arange(96, dtype="f4").reshape(8, 12))},
    coords={"nav_lat": (("y", "x"), lat), "nav_lon": (("y", "x"), lon)})
ds.to_zarr(${JSON.stringify(store)})
print("null")`);
    const src = await openZarrSource(store);
    expect(src.meta.georef?.transform).toStrictEqual([99.875, 0.25, 0, -26.25, 0, -0.5]);
    expect(src.meta.georef?.gcps).toBeUndefined();
    const g = await src.readWindow({ x: 0, y: 0, width: 12, height: 8 });
    // North-up: the first row read is the last stored (latitude -26.5).
    expect(Array.from(g.data.subarray(0, 3))).toStrictEqual([84, 85, 86]);
  });
});
