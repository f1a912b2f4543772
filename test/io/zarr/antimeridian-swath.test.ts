/**
 * A swath placed by 2-D latitude and longitude that crosses a meridian where its stored
 * longitudes jump: the antimeridian in -180-180 form (179.9, then -179.9), or the prime meridian
 * in 0-360 form (359.9, then 0.1). tilecast took its ground control points as stored, so
 * `gdalwarp` fitted one surface to both sides of the jump and smeared the swath over the globe.
 * Its GCPs are now taken in the form that keeps them in one piece (170 ... 190, -10 ... 10), and
 * GDAL warps the GeoTIFF output onto the swath's own few degrees with each cell where it was.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { longitudeForm } from "../../../src/io/zarr/longitude-form.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/**
 * A skewed 30 x 50 swath (not a regular grid, so it is placed by GCPs; affine, so GDAL's
 * first-order fit is exact) starting at longitude `lon0`, its longitudes stored wrapped by `wrap`
 * (a numpy expression of `lon`); values `i + 100 j`.
 */
function swath(store: string, lon0: number, wrap: string): void {
  py(`import xarray as xr
j, i = np.mgrid[0:30, 0:50]
lon = ${lon0} + 0.2 * i + 0.05 * j
lon = ${wrap}
lat = 50 + 0.1 * j - 0.03 * i
ds = xr.Dataset({"bt": (("scan", "pixel"), (i + 100 * j).astype("f4"))},
    coords={"lat": (("scan", "pixel"), lat, {"units": "degrees_north"}),
            "lon": (("scan", "pixel"), lon, {"units": "degrees_east"})})
ds.to_zarr(${JSON.stringify(store)})
print("null")`);
}

/** The GeoTIFF output warped by GDAL (first-order fit, nearest cell) onto 0.05 degree cells. */
function warped(
  tif: string,
  out: string,
): { gt: number[]; w: number; h: number; at: (lon: number, lat: number) => number } {
  const r = py<{ gt: number[]; w: number; h: number; v: number[][] }>(`import subprocess
subprocess.run(["gdalwarp", "-q", "-order", "1", "-r", "near", "-tr", "0.05", "0.05", "-t_srs", "EPSG:4326",
  "-dstnodata", "-1", ${JSON.stringify(tif)}, ${JSON.stringify(out)}], check=True)
ds = gdal.Open(${JSON.stringify(out)})
print(json.dumps({"gt": list(ds.GetGeoTransform()), "w": ds.RasterXSize, "h": ds.RasterYSize,
  "v": ds.ReadAsArray().tolist() if ds.RasterXSize * ds.RasterYSize < 4e6 else []}))`);
  const at = (lon: number, lat: number) => {
    const [x0 = 0, dx = 1, , y0 = 0, , dy = 1] = r.gt;
    return r.v[Math.floor((lat - y0) / dy)]?.[Math.floor((lon - x0) / dx)] ?? Number.NaN;
  };
  return { gt: r.gt, w: r.w, h: r.h, at };
}

describe("longitudeForm", () => {
  it("picks the form in which the values span fewest degrees, or leaves them as stored", () => {
    const across = longitudeForm([Float64Array.of(171, 179.9, -179.9, -171)]);
    expect([171, 179.9, -179.9, -171].map(across)).toStrictEqual([171, 179.9, -179.9 + 360, -171 + 360]);
    const prime = longitudeForm([Float64Array.of(350, 359.9), Float64Array.of(0.1, 10)]);
    expect([350, 359.9, 0.1, 10].map(prime)).toStrictEqual([350 - 360, 359.9 - 360, 0.1, 10]);
    // Already in one piece, in either form: as stored.
    const east = longitudeForm([Float64Array.of(200, 220)]);
    expect([200, 220].map(east)).toStrictEqual([200, 220]);
    // Over a pole every form spans the globe: as stored. Missing values are no longitude.
    const polar = longitudeForm([Float64Array.of(-170, -60, 0, 60, 170, Number.NaN)]);
    expect([-170, 170].map(polar)).toStrictEqual([-170, 170]);
  });
});

describe.skipIf(!hasGdal)("a swath across a meridian where its longitudes jump", () => {
  it("across the antimeridian, stored -180-180: GCPs at 175 ... 186, and GDAL warps each cell to its place", async () => {
    const dir = tmp("antimeridian");
    const store = join(dir, "swath.zarr");
    swath(store, 175, "np.where(lon >= 180, lon - 360, lon)");
    const src = await openZarrSource(store);
    const gcps = src.meta.georef?.gcps ?? [];
    expect(gcps.length).toBe(21 * 21);
    // Each GCP at its cell's longitude, 360 added past the antimeridian.
    for (const g of gcps) {
      const [i, j] = [g.pixel - 0.5, g.line - 0.5];
      expect(g.x).toBeCloseTo(175 + 0.2 * i + 0.05 * j, 9);
      expect(g.y).toBeCloseTo(50 + 0.1 * j - 0.03 * i, 9);
    }
    expect(gcps.some((g) => g.x > 180)).toBe(true);

    const tif = join(dir, "swath.tif");
    await convertRaster(store, tif);
    const w = warped(tif, join(dir, "warped.tif"));
    // The swath's own 11.25 degrees of longitude (plus its cells' halves), not the globe's 360.
    expect(w.w * 0.05).toBeLessThan(12);
    expect(w.gt[0]).toBeCloseTo(175 - 0.1 - 0.025, 1);
    // Cells either side of the antimeridian (i = 10 is at 177 + 0.05 j, i = 40 at 183 + 0.05 j).
    for (const [i, j] of [
      [10, 5],
      [24, 15],
      [40, 20],
      [45, 25],
    ] as const)
      expect(w.at(175 + 0.2 * i + 0.05 * j, 50 + 0.1 * j - 0.03 * i)).toBe(i + 100 * j);

    // A Zarr output copies the longitudes as stored (xarray reads the source's back) and is placed
    // by the same GCPs when read again.
    const out = join(dir, "swath-out.zarr");
    await convertRaster(store, out);
    const same = py<boolean>(`import xarray as xr
a = xr.open_zarr(${JSON.stringify(store)}); b = xr.open_zarr(${JSON.stringify(out)})
print(json.dumps(bool(np.array_equal(a.lon.values, b.lon.values) and a.lon.values.min() < 0)))`);
    expect(same).toBe(true);
    expect((await openZarrSource(out)).meta.georef?.gcps).toStrictEqual(gcps);
  });

  it("across the prime meridian, stored 0-360: GCPs at -5 ... 6", async () => {
    const dir = tmp("prime");
    const store = join(dir, "swath.zarr");
    swath(store, 355, "np.where(lon >= 360, lon - 360, lon)");
    const src = await openZarrSource(store);
    const gcps = src.meta.georef?.gcps ?? [];
    for (const g of gcps) expect(g.x).toBeCloseTo(-5 + 0.2 * (g.pixel - 0.5) + 0.05 * (g.line - 0.5), 9);
    const tif = join(dir, "swath.tif");
    await convertRaster(store, tif);
    const w = warped(tif, join(dir, "warped.tif"));
    expect(w.w * 0.05).toBeLessThan(12);
    expect(w.at(-5 + 0.2 * 40 + 0.05 * 20, 50 + 0.1 * 20 - 0.03 * 40)).toBe(40 + 100 * 20);
  });

  it("a regular grid stored 2-D across the antimeridian gets the transform of its one piece", async () => {
    const store = join(tmp("mesh-am"), "mesh.zarr");
    py(`import xarray as xr
lon1 = 170 + 0.5 * np.arange(40)
lon1 = np.where(lon1 >= 180, lon1 - 360, lon1)
lat1 = 10 - 0.5 * np.arange(6)
lon, lat = np.meshgrid(lon1, lat1)
ds = xr.Dataset({"t": (("y", "x"), np.arange(240, dtype="f4").reshape(6, 40))},
    coords={"nav_lat": (("y", "x"), lat), "nav_lon": (("y", "x"), lon)})
ds.to_zarr(${JSON.stringify(store)})
print("null")`);
    const src = await openZarrSource(store);
    expect(src.meta.georef?.gcps).toBeUndefined();
    expect(src.meta.georef?.transform).toStrictEqual([169.75, 0.5, 0, 10.25, 0, -0.5]);
  });
});
