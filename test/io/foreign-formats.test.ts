/**
 * Files of formats tilecast does not read, written by the tools that make them (GDAL, xarray,
 * netCDF4, zip, gzip): the command fails with one line naming the file, what it is and how to
 * convert it, and exits 1. It said "unrecognised format" for all of them, which left a user with
 * a netCDF or a Sentinel-2 JPEG 2000 band guessing.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { foreignFormat } from "../../src/io/foreign-formats.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

describe.skipIf(!hasGdal)("formats tilecast does not read", () => {
  const dir = tmp("foreign");
  const f = (name: string) => join(dir, name);
  beforeAll(() => {
    py(`import xarray as xr, zipfile, gzip, shutil, os
os.makedirs(${JSON.stringify(dir)})
ds = xr.Dataset({"t": (("y", "x"), np.arange(12, dtype="f4").reshape(3, 4))})
ds.to_netcdf(${JSON.stringify(f("classic.nc"))}, format="NETCDF3_CLASSIC")
ds.to_netcdf(${JSON.stringify(f("offset64.nc"))}, format="NETCDF3_64BIT")
ds.to_netcdf(${JSON.stringify(f("nc4.nc"))}, format="NETCDF4")
shutil.copy(${JSON.stringify(f("nc4.nc"))}, ${JSON.stringify(f("data.h5"))})
src = gdal.GetDriverByName("MEM").Create("", 4, 3, 1, gdal.GDT_Byte)
src.SetGeoTransform([0, 1, 0, 3, 0, -1]); srs = osr.SpatialReference(); srs.ImportFromEPSG(4326); src.SetProjection(srs.ExportToWkt())
src.GetRasterBand(1).WriteArray(np.arange(12, dtype="u1").reshape(3, 4))
for drv, name, opts in (("GRIB", "t.grib2", []), ("JP2OpenJPEG", "b04.jp2", []), ("PNG", "q.png", []), ("JPEG", "q.jpg", []), ("HDF4Image", "m.hdf", [])):
    gdal.GetDriverByName(drv).CreateCopy(${JSON.stringify(dir)} + "/" + name, src, options=opts)
gdal.Translate(${JSON.stringify(f("scene.tif"))}, src)
with zipfile.ZipFile(${JSON.stringify(f("scene.zip"))}, "w") as z: z.write(${JSON.stringify(f("scene.tif"))}, "scene.tif")
with open(${JSON.stringify(f("scene.tif"))}, "rb") as a, gzip.open(${JSON.stringify(f("scene.tif.gz"))}, "wb") as b: b.write(a.read())
print("null")`);
  });

  it.each([
    [
      "classic.nc",
      "netCDF (classic), which tilecast does not read: convert it with gdal_translate (to GeoTIFF) or xarray's to_zarr (to Zarr)",
    ],
    ["offset64.nc", "netCDF (64-bit offset), which tilecast does not read: convert it with gdal_translate"],
    ["nc4.nc", "netCDF-4 (HDF5), which tilecast does not read: convert it with gdal_translate"],
    ["data.h5", "HDF5, which tilecast does not read"],
    ["t.grib2", "GRIB edition 2, which tilecast does not read: convert it with gdal_translate (to GeoTIFF) or cfgrib"],
    ["b04.jp2", "JPEG 2000 (as Sentinel-2's SAFE bands), which tilecast does not read: convert it with gdal_translate"],
    ["q.png", "PNG, which tilecast does not read"],
    ["q.jpg", "JPEG, which tilecast does not read"],
    ["m.hdf", "HDF4 (HDF-EOS, as MODIS products), which tilecast does not read"],
    ["scene.zip", "a zip archive, which tilecast does not read: unzip it and give the GeoTIFF or Zarr store inside"],
    ["scene.tif.gz", "gzip-compressed, which tilecast does not read: decompress it first (gunzip)"],
  ])("%s: one line naming the file, what it is and how to convert it; exit 1", (name, message) => {
    for (const cmd of ["inspect", "convert"]) {
      const args = cmd === "convert" ? [f(name), f(`${name}.out.tif`)] : [f(name)];
      const r = spawnSync(process.execPath, ["bin/tilecast.js", cmd, ...args], { encoding: "utf8" });
      expect(r.status).toBe(1);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`tilecast: ${f(name)}: this is ${message}`);
    }
  });

  it("a file named .tif that is netCDF is named by its content, not its name", () => {
    py(
      `import shutil; shutil.copy(${JSON.stringify(f("classic.nc"))}, ${JSON.stringify(f("named.tif"))}); print("null")`,
    );
    const r = spawnSync(process.execPath, ["bin/tilecast.js", "inspect", f("named.tif")], { encoding: "utf8" });
    expect(r.stderr.trim()).toBe(
      `tilecast: ${f("named.tif")}: this is netCDF (classic), which tilecast does not read: convert it with gdal_translate (to GeoTIFF) or xarray's to_zarr (to Zarr)`,
    );
  });

  it("bytes of none of them are not named", () => {
    expect(foreignFormat(new TextEncoder().encode("CDF\x03...."), "x.nc")).toBeNull();
    expect(foreignFormat(new TextEncoder().encode("GRI"), "x.grib")).toBeNull();
    expect(foreignFormat(new Uint8Array(0), "x")).toBeNull();
  });
});
