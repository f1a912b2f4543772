/**
 * 1-D coordinates that are not evenly spaced. A Gaussian grid (CMIP models at T63, ECMWF's
 * regular Gaussian grids), whose latitudes stray 1-1.5 % of a step from even spacing, is placed by
 * the transform GDAL's netCDF driver gives the same data; coordinates further from even (a
 * stretched grid) place the grid by ground control points at the cells' own coordinates, which
 * GDAL reads from a GeoTIFF output. A Zarr output of either keeps the coordinates as they came
 * (xarray reads the source's back), or a window's part of them. Before, both were placed by
 * nothing, in no CRS.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { windowGeoref } from "../../../src/grid/grid.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { exactAxes } from "../../../src/io/zarr/axes.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/**
 * Whether xarray reads an output's latitudes and longitudes equal to its source's, exactly, and
 * the data at each of them equal too (rows sorted by latitude on both sides).
 */
function sameAxes(source: string, output: string): { lat: boolean; lon: boolean; data: boolean } {
  return py(`import xarray as xr
a = xr.open_zarr(${JSON.stringify(source)}); b = xr.open_zarr(${JSON.stringify(output)})
va = a[list(a.data_vars)[0]].squeeze(drop=True).sortby("lat")
vb = b[list(b.data_vars)[0]].squeeze(drop=True).rename({"y": "lat", "x": "lon"}).sortby("lat")
print(json.dumps({"lat": bool(np.array_equal(va.lat.values, vb.lat.values)),
                  "lon": bool(np.array_equal(va.lon.values, vb.lon.values)),
                  "data": bool(va.dims == vb.dims and np.array_equal(va.values, vb.values))}))`);
}

describe.skipIf(!hasGdal)("irregular 1-D coordinates", () => {
  it("a Gaussian grid is placed where GDAL places it, periodic over 360 degrees", async () => {
    const dir = tmp("gaussian");
    const store = join(dir, "t63.zarr");
    const nc = join(dir, "t63.nc");
    const want = py<{ gt: number[]; stray: number }>(`import xarray as xr
x, _ = np.polynomial.legendre.leggauss(96)
lat = np.degrees(np.arcsin(x))[::-1]
ds = xr.Dataset({"tas": (("time", "lat", "lon"), np.arange(2 * 96 * 192, dtype="f4").reshape(2, 96, 192))},
                coords={"time": ("time", [0, 1], {"units": "days since 2000-01-01"}),
                        "lat": ("lat", lat, {"units": "degrees_north"}), "lon": ("lon", np.arange(192) * 1.875, {"units": "degrees_east"})})
ds.to_zarr(${JSON.stringify(store)}, mode="w")
ds.to_netcdf(${JSON.stringify(nc)})
gdal.PushErrorHandler("CPLQuietErrorHandler")
step = (lat[-1] - lat[0]) / 95
print(json.dumps({"gt": list(gdal.Open(${JSON.stringify(`NETCDF:${nc}:tas`)}).GetGeoTransform()),
                  "stray": float(np.abs(lat - (lat[0] + step * np.arange(96))).max() / abs(step))}))`);
    // Not evenly spaced: up to 1.2 % of a step off.
    expect(want.stray).toBeGreaterThan(0.01);
    const src = await openZarrSource(store);
    const gt = src.meta.georef?.transform ?? [];
    gt.forEach((v, i) => expect(v, `transform[${i}]`).toBeCloseTo(want.gt[i] as number, 9));
    expect(src.meta.georef?.crs?.epsg).toBe(4326);
    expect(src.meta.periodicX).toBe(true);
    await src.close();
    const tif = join(dir, "t63.tif");
    await convertRaster(store, tif);
    const back = py<number[]>(`print(json.dumps(list(gdal.Open(${JSON.stringify(tif)}).GetGeoTransform())))`);
    back.forEach((v, i) => expect(v).toBeCloseTo(want.gt[i] as number, 9));
    // A Zarr output has the Gaussian latitudes, not the transform's even ones.
    const out = join(dir, "out.zarr");
    await convertRaster(store, out);
    expect(sameAxes(store, out)).toStrictEqual({ lat: true, lon: true, data: true });
  });

  it("coordinates further from even place the grid by ground control points at their own values", async () => {
    const dir = tmp("stretched");
    const store = join(dir, "stretched.zarr");
    // Latitudes refined towards the equator, as some ocean models' grids are.
    const axes = py<{ lat: number[]; lon: number[] }>(`import xarray as xr
lat = (60 * np.sinh(np.linspace(-2, 2, 30)) / np.sinh(2))[::-1]
lon = np.linspace(100.0, 160.0, 25)
ds = xr.Dataset({"sst": (("lat", "lon"), np.arange(750, dtype="f4").reshape(30, 25))},
                coords={"lat": ("lat", lat, {"units": "degrees_north"}), "lon": ("lon", lon, {"units": "degrees_east"})})
ds.to_zarr(${JSON.stringify(store)}, mode="w")
print(json.dumps({"lat": lat.tolist(), "lon": lon.tolist()}))`);
    const src = await openZarrSource(store);
    const g = src.meta.georef;
    expect(g?.crs?.epsg).toBe(4326);
    const gcps = g?.gcps ?? [];
    expect(gcps).toHaveLength(21 * 21);
    for (const p of gcps) {
      expect(p.x).toBe(axes.lon[p.pixel - 0.5]);
      expect(p.y).toBe(axes.lat[p.line - 0.5]);
    }
    await src.close();
    // GDAL reads the same points from a GeoTIFF output, the corners among them.
    const tif = join(dir, "stretched.tif");
    await convertRaster(store, tif);
    const read = py<number[][]>(`d = gdal.Open(${JSON.stringify(tif)})
print(json.dumps([[p.GCPPixel, p.GCPLine, p.GCPX, p.GCPY] for p in d.GetGCPs()] + [[d.GetGCPSpatialRef().GetAuthorityCode(None)]]))`);
    expect(read.pop()).toStrictEqual(["4326"]);
    expect(read).toContainEqual([0.5, 0.5, 100, 60]);
    expect(read).toContainEqual([24.5, 29.5, 160, -60]);
    expect(read).toStrictEqual(gcps.map((p) => [p.pixel, p.line, p.x, p.y]));
    const tiff = await openGeoTiff(tif);
    expect(tiff.meta.georef?.gcps).toHaveLength(441);
    await tiff.close();
    // A Zarr output carries every row's and column's coordinate, not 441 points.
    const out = join(dir, "out.zarr");
    await convertRaster(store, out);
    expect(sameAxes(store, out)).toStrictEqual({ lat: true, lon: true, data: true });
    // A window takes its part of them; a GCP of a window's source off its edges is no matter.
    const src2 = await openZarrSource(store);
    const w = windowGeoref(src2.meta.georef as NonNullable<typeof src2.meta.georef>, { x: 3, y: 4 });
    const part = exactAxes(w, 10, 12);
    expect(Array.from(part?.x ?? [])).toStrictEqual(axes.lon.slice(3, 13));
    expect(Array.from(part?.y ?? [])).toStrictEqual(axes.lat.slice(4, 16));
    // Too long for what is left of the axes: not written.
    expect(exactAxes(w, 25, 12)).toBeNull();
    await src2.close();
  });

  it("longitudes that jump back across a meridian are unwrapped: Europe in 0-360, the Pacific in -180-180", async () => {
    const dir = tmp("wrap");
    const cases = {
      europe: { lon: [350, 352.5, 355, 357.5, 0, 2.5, 5, 7.5, 10], x0: -11.25, periodic: false },
      pacific: { lon: [170, 172.5, 175, 177.5, 180, -177.5, -175, -172.5, -170], x0: 168.75, periodic: false },
      rolled: {
        lon: Array.from({ length: 144 }, (_, i) => (180 + i * 2.5) % 360),
        x0: -181.25,
        periodic: true,
      },
    };
    for (const [name, c] of Object.entries(cases)) {
      const store = join(dir, `${name}.zarr`);
      // Each cell holds its own longitude, so a cell read back says where it was.
      py(`import xarray as xr
lon = np.array(${JSON.stringify(c.lon)}, dtype="f8")
xr.Dataset({"t": (("lat", "lon"), np.tile(lon, (4, 1)).astype("f4"))},
           coords={"lat": [50.0, 47.5, 45.0, 42.5], "lon": lon}).to_zarr(${JSON.stringify(store)}, mode="w")
print("null")`);
      const src = await openZarrSource(store);
      expect(src.meta.georef?.transform, name).toStrictEqual([c.x0, 2.5, 0, 51.25, 0, -2.5]);
      expect(src.meta.periodicX, name).toBe(c.periodic);
      const row = (await src.readWindow({ x: 0, y: 0, width: c.lon.length, height: 1 })).data;
      expect(Array.from(row), name).toStrictEqual(c.lon);
      await src.close();
      // GDAL finds each longitude at the cell the transform puts it (modulo 360).
      const tif = join(dir, `${name}.tif`);
      await convertRaster(store, tif);
      const off = py<number[]>(`d = gdal.Open(${JSON.stringify(tif)}); gt = d.GetGeoTransform(); v = d.ReadAsArray()[0]
print(json.dumps([float(((gt[0] + (i + 0.5) * gt[1]) - v[i]) % 360) for i in range(d.RasterXSize)]))`);
      expect(new Set(off), name).toStrictEqual(new Set([0]));
    }
  });
});
