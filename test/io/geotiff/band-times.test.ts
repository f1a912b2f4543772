/**
 * A GeoTIFF that GDAL converted from netCDF or GRIB (`gdal_translate file.nc file.tif`) is a time
 * series: its bands are labelled with the times xarray decodes from the netCDF file, or GDAL's
 * GRIB valid times, so a nowcast or sequence training reads it. Where the metadata does not give
 * one time per band (two extra dimensions, a calendar CF does not name, GRIB fields at one time)
 * the file still opens, without band times. A climate model's calendar (`noleap`, `360_day`) gives
 * its own dates, labelled with the calendar's name.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bandTimes } from "../../../src/io/geotiff/band-times.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { frameTimes } from "../../../src/pipeline/forecast.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/** Write `dims` t2m to netCDF with xarray, convert it with gdal_translate; xarray's times back. */
function fromNetcdf(
  dir: string,
  name: string,
  o: { units: string; calendar?: string; level?: boolean; describe?: boolean },
) {
  mkdirSync(dir, { recursive: true });
  const nc = join(dir, `${name}.nc`);
  const tif = join(dir, `${name}.tif`);
  const times = py<string[] | null>(`import warnings, xarray as xr
warnings.simplefilter("ignore")
dims = ("time", "level", "latitude", "longitude") if ${o.level ? "True" : "False"} else ("time", "latitude", "longitude")
shape = (3, 2, 3, 4) if len(dims) == 4 else (3, 3, 4)
coords = {"time": ("time", np.array([17067072, 17067078, 17067084] if "1-1-1" in ${JSON.stringify(o.units)} else [0, 6, 30], "int64"),
                   {"units": ${JSON.stringify(o.units)}, "calendar": ${JSON.stringify(o.calendar ?? "standard")}}),
          "latitude": [60.0, 57.5, 55.0], "longitude": [0.0, 2.5, 5.0, 7.5]}
if len(dims) == 4: coords["level"] = [850, 500]
ds = xr.Dataset({"t2m": (dims, np.arange(np.prod(shape), dtype="float32").reshape(shape))}, coords=coords)
ds.to_netcdf(${JSON.stringify(nc)})
try: t = xr.open_dataset(${JSON.stringify(nc)}).time.values
except ValueError: t = np.array([], dtype=object)  # a calendar xarray does not decode
print(json.dumps([np.datetime_as_string(v, unit="ms") + "Z" for v in t] if t.dtype.kind == "M" else None))`);
  execFileSync("gdal_translate", ["-q", nc, tif]);
  if (o.describe)
    py(`ds = gdal.Open(${JSON.stringify(tif)}, gdal.GA_Update)
for b in range(ds.RasterCount): ds.GetRasterBand(b + 1).SetDescription(f"step {b}")
ds = None
print("null")`);
  return { tif, times };
}

/** GRIB2 messages GDAL writes, one per forecast hour, concatenated and converted to GeoTIFF. */
function fromGrib(dir: string, hours: number[], describe?: string): string {
  mkdirSync(dir, { recursive: true });
  const parts = hours.map((h) => {
    const tif = join(dir, `f${h}.tif`);
    const grib = join(dir, `f${h}.grib2`);
    py(`ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(tif)}, 8, 6, 1, gdal.GDT_Float32)
ds.SetGeoTransform([0, 1, 0, 60, 0, -1]); s = osr.SpatialReference(); s.ImportFromEPSG(4326); ds.SetProjection(s.ExportToWkt())
ds.GetRasterBand(1).WriteArray(np.full((6, 8), ${h}, "float32")); ds = None
gdal.Translate(${JSON.stringify(grib)}, ${JSON.stringify(tif)}, format="GRIB", creationOptions=[
  "IDS=CENTER=98 REF_TIME=2026-11-21T12:00:00Z PROD_STATUS=0 TYPE=1", "PDS_PDTN=0",
  "PDS_TEMPLATE_ASSEMBLED_VALUES=0 0 2 0 96 0 0 1 ${h} 1 0 0 255 -1 -1"])
print("null")`);
    return readFileSync(grib);
  });
  const all = join(dir, "all.grib2");
  writeFileSync(all, Buffer.concat(parts));
  const out = join(dir, "all.tif");
  execFileSync("gdal_translate", ["-q", all, out]);
  if (describe)
    py(`ds = gdal.Open(${JSON.stringify(out)}, gdal.GA_Update)
for b in range(ds.RasterCount): ds.GetRasterBand(b + 1).SetDescription(${JSON.stringify(describe)} + str(b))
ds = None
print("null")`);
  return out;
}

describe.skipIf(!hasGdal)("GeoTIFFs GDAL converted from netCDF or GRIB", () => {
  it("are time series with xarray's times, NCEP's units and Julian reference included", async () => {
    const dir = tmp("nc-times");
    for (const [name, units, calendar] of [
      ["hours", "hours since 2020-01-01 00:00:00", "proleptic_gregorian"],
      ["ncep", "hours since 1-1-1 00:00:0.0", "standard"],
      ["utc", "minutes since 2020-01-01 00:00:00 UTC", "gregorian"],
    ] as const) {
      const { tif, times } = fromNetcdf(dir, name, { units, calendar });
      expect(times, name).not.toBeNull();
      const src = await openGeoTiff(tif);
      expect(src.meta.attrs.bandNames, name).toStrictEqual(times);
      expect(
        frameTimes(src).map((t) => new Date(t).toISOString()),
        name,
      ).toStrictEqual(times);
      // The pixels are GDAL's, band by band.
      const g = await src.readWindow({ x: 0, y: 0, width: 4, height: 3 });
      expect(Array.from(g.data), name).toStrictEqual(Array.from({ length: 36 }, (_, i) => i));
      await src.close();
    }
    expect(fromNetcdf(dir, "ncep2", { units: "hours since 1-1-1 00:00:0.0" }).times?.[0]).toBe(
      "1948-01-01T00:00:00.000Z",
    );
  });

  it("band descriptions stay the labels; two extra dimensions give none; a noleap calendar its own dates", async () => {
    const dir = tmp("nc-none");
    const described = await openGeoTiff(
      fromNetcdf(dir, "described", { units: "hours since 2020-01-01", describe: true }).tif,
    );
    expect(described.meta.attrs.bandNames).toStrictEqual(["step 0", "step 1", "step 2"]);
    const level = await openGeoTiff(fromNetcdf(dir, "level", { units: "hours since 2020-01-01", level: true }).tif);
    expect(level.meta.bands).toBe(6);
    expect(level.meta.attrs.bandNames).toBeUndefined();
    // Days 0, 6 and 30 of a noleap calendar, as cftime dates them (cf-calendars.test.ts).
    const noleap = await openGeoTiff(
      fromNetcdf(dir, "noleap", { units: "days since 2000-01-01", calendar: "noleap" }).tif,
    );
    expect(noleap.meta.attrs.bandNames).toStrictEqual([
      "2000-01-01T00:00:00.000Z (noleap)",
      "2000-01-07T00:00:00.000Z (noleap)",
      "2000-01-31T00:00:00.000Z (noleap)",
    ]);
    expect(() => frameTimes(noleap)).toThrow("the input's times are dates of the noleap calendar, not instants");
    expect(Array.from((await noleap.readWindow({ x: 0, y: 0, width: 4, height: 1 })).data)).toStrictEqual([
      0, 1, 2, 3, 12, 13, 14, 15, 24, 25, 26, 27,
    ]);
    // A calendar CF does not name leaves the bands without times; the pixels still read.
    const lunar = await openGeoTiff(
      fromNetcdf(dir, "lunar", { units: "days since 2000-01-01", calendar: "lunar" }).tif,
    );
    expect(lunar.meta.attrs.bandNames).toBeUndefined();
    expect(lunar.meta.bands).toBe(3);
  });

  it("GRIB forecast steps are labelled with GDAL's valid times; fields at one time, or described bands, are not", async () => {
    const dir = tmp("grib-times");
    const gs = await openGeoTiff(fromGrib(join(dir, "steps"), [6, 12, 18]));
    const want = py<string[]>(`import datetime
ds = gdal.Open(${JSON.stringify(join(dir, "steps", "all.grib2"))})
print(json.dumps([datetime.datetime.fromtimestamp(int(ds.GetRasterBand(b + 1).GetMetadataItem("GRIB_VALID_TIME")), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z") for b in range(ds.RasterCount)]))`);
    expect(want).toStrictEqual(["2026-11-21T18:00:00.000Z", "2026-11-22T00:00:00.000Z", "2026-11-22T06:00:00.000Z"]);
    expect(gs.meta.attrs.bandNames).toStrictEqual(want);
    expect(frameTimes(gs)).toStrictEqual(want.map((t) => Date.parse(t)));
    // GRIB's packing is lossy: the pixels are GDAL's reading of the GeoTIFF, not 6, 12 and 18.
    const pixels = py<number[]>(
      `print(json.dumps(gdal.Open(${JSON.stringify(join(dir, "steps", "all.tif"))}).ReadAsArray()[:, 0, 0].tolist()))`,
    );
    expect(Array.from((await gs.readWindow({ x: 0, y: 0, width: 1, height: 1 })).data)).toStrictEqual(pixels);
    // Older GDAL wrote " 1201104000 sec UTC" (its GRIB driver's documentation).
    const older = { GRIB_VALID_TIME: " 1201104000 sec UTC" };
    expect(
      bandTimes({ bandMetadata: [older, { GRIB_VALID_TIME: " 1201107600 sec UTC" }], bandNames: [null, null] }, 2),
    ).toStrictEqual(["2008-01-23T16:00:00.000Z", "2008-01-23T17:00:00.000Z"]);
    // Two fields valid at one time are no time series: GDAL's level descriptions stay.
    const same = await openGeoTiff(fromGrib(join(dir, "same"), [6, 6]));
    expect(same.meta.attrs.bandNames).toStrictEqual([
      '0[-] SFC="Ground or water surface"',
      '0[-] SFC="Ground or water surface"',
    ]);
    // The user's own descriptions stay.
    const mine = await openGeoTiff(fromGrib(join(dir, "mine"), [6, 12], "member "));
    expect(mine.meta.attrs.bandNames).toStrictEqual(["member 0", "member 1"]);
  });
});
