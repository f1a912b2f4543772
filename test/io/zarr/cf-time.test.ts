/**
 * CF time coordinates decoded as xarray decodes them: every reference-date form UDUNITS allows
 * (one-digit fields, NCEP's "1-1-1 00:00:0.0", `UTC`, zone offsets), the standard calendar's
 * Julian dates before 1582-10-15, and the calendars tilecast refuses by name (the others CF
 * names: `cf-calendars.test.ts`). xarray (Debian's, with cftime) is the reference, value by value.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TilecastError } from "../../../src/errors.js";
import { parseCfTime } from "../../../src/io/zarr/cf-time.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const UNITS = [
  "hours since 1-1-1 00:00:0.0",
  "hours since 1800-1-1 0:0:0",
  "days since 1850-01-01 00:00:00.000000",
  "days since 2000-01-01 00:00:00 UTC",
  "hours since 1900-01-01T00:00:00Z",
  "seconds since 1970-1-1",
  "minutes since 2020-01-01 00:00 +01:00",
  "hours since 2020-01-01 06:00:00 -6:00",
  "hours since 2020-01-01 06:00:00 +0530",
  "hours since 2020-01-01 00:00:00+00",
  "days since 2000-1-1 12",
  "hours since 2000-01-01T06",
  "days since 2000-01-01 00:00:00.5",
  "days since 1582-10-04",
  "days since 1582-10-15",
  "days since 1500-02-29",
  "milliseconds since 2021-03-04 05:06:07.089",
];
const CALENDARS = ["standard", "gregorian", "proleptic_gregorian", "Standard"];
/**
 * Values each unit is decoded at: the reference itself, steps either side; NCEP's 1948 (17,067,072
 * h after 1-1-1) for its units. (xarray's nanosecond times overflow without a word past 2262.)
 */
const valuesOf = (units: string) => (units.includes(" 1-1-1 ") ? [17067072, 17067078] : [0, 1, 24, -3]);

/** What tilecast gives for one case: ISO labels, or the refusal's message. */
function ours(units: string, calendar: string): string[] | string {
  try {
    return parseCfTime(valuesOf(units), units, calendar).map((d) => d.toISOString());
  } catch (e) {
    if (!(e instanceof TilecastError)) throw e;
    return e.message;
  }
}

describe.skipIf(!hasGdal)("CF time, as xarray decodes it", () => {
  it("every reference-date form in the Gregorian calendars: xarray's instants, or a refusal of a Julian date", () => {
    const ref = py<Record<string, string[] | string>>(`import warnings, xarray as xr
warnings.simplefilter("ignore")
def iso(v):
    if isinstance(v, np.datetime64): return np.datetime_as_string(v, unit="ms") + "Z"
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond // 1000:03d}Z"
out = {}
for u, values in ${JSON.stringify(UNITS.map((u) => [u, valuesOf(u)]))}:
    for c in ${JSON.stringify(CALENDARS)}:
        ds = xr.Dataset(coords={"time": ("time", np.array(values, dtype="int64"), {"units": u, "calendar": c})})
        try:
            t = xr.decode_cf(ds).time.values
            out[u + "|" + c] = [iso(v) for v in t] if t.dtype.kind in "Mm" or t.dtype == object else "not decoded"
        except Exception as e:
            out[u + "|" + c] = "error: " + str(e)[:60]
print(json.dumps(out))`);
    const refused: string[] = [];
    for (const u of UNITS)
      for (const c of CALENDARS) {
        const key = `${u}|${c}`;
        const want = ref[key];
        const got = ours(u, c);
        if (typeof got === "string") {
          refused.push(key);
          // Refused only where the standard calendar's dates are Julian (xarray gives cftime's
          // Julian-dated objects there) or where xarray refuses too.
          if (typeof want === "string") expect(want, key).toMatch(/^error/);
          else expect(got, key).toMatch(/before 1582-10-15, where the (standard|gregorian) calendar is Julian/);
        } else expect(got, key).toStrictEqual(want);
      }
    // The Julian-dated cases, in the three spellings of the mixed calendar: 1582-10-04,
    // 1500-02-29 (a Julian leap day) and three days before 1582-10-15; and 1500-02-29 in the
    // proleptic calendar, which has no such day (xarray refuses it too).
    expect(refused.sort()).toStrictEqual(
      ["days since 1582-10-04", "days since 1500-02-29", "days since 1582-10-15"]
        .flatMap((u) => ["standard", "gregorian", "Standard"].map((c) => `${u}|${c}`))
        .concat("days since 1500-02-29|proleptic_gregorian")
        .sort(),
    );
    // NCEP's units: 1948-01-01 in the standard calendar (Julian reference), two days later proleptic.
    expect(ref["hours since 1-1-1 00:00:0.0|standard"]?.[0]).toBe("1948-01-01T00:00:00.000Z");
    expect(ref["hours since 1-1-1 00:00:0.0|proleptic_gregorian"]?.[0]).toBe("1948-01-03T00:00:00.000Z");
  });

  it("a date the calendar lacks, and years before 1, are refused naming the units", () => {
    expect(() => parseCfTime([0], "days since 1582-10-10")).toThrow(
      "cannot parse the reference date in 'days since 1582-10-10': the standard calendar has no 1582-10-05 to 1582-10-14",
    );
    expect(parseCfTime([0], "days since 1582-10-10", "proleptic_gregorian")[0]?.toISOString()).toBe(
      "1582-10-10T00:00:00.000Z",
    );
    expect(() => parseCfTime([0], "days since 2001-02-29")).toThrow(/'days since 2001-02-29': no such date or time$/);
    expect(() => parseCfTime([0], "hours since 2001-01-01 24:00")).toThrow(/no such date or time$/);
    // "-4713-01-01" read as the year 4713 before.
    expect(() => parseCfTime([0], "days since -4713-01-01")).toThrow(/years before 1 are not supported$/);
    expect(() => parseCfTime([Number.NaN], "days since 2000-01-01")).toThrow(
      "time value NaN (index 0) is not a date in 'days since 2000-01-01'",
    );
  });

  it.each(["none", "lunar"])(
    "calendar %s is refused by name in a store, naming the store and the coordinate",
    async (calendar) => {
      const dir = tmp("cf-cal");
      const store = join(dir, `${calendar}.zarr`);
      py(`import xarray as xr
ds = xr.Dataset({"t2m": (("time", "y", "x"), np.zeros((2, 3, 4), "float32"))},
                coords={"time": ("time", np.array([0, 6]), {"units": "hours since 2000-01-01", "calendar": "${calendar}"})})
ds.to_zarr(${JSON.stringify(store)}, mode="w")
print(json.dumps(None))`);
      await expect(openZarrSource(store)).rejects.toThrow(
        `${store}: time coordinate 'time': calendar '${calendar}' is not supported (CF's standard, gregorian, proleptic_gregorian, julian, noleap, 365_day, all_leap, 366_day and 360_day are)`,
      );
      // The command line: one line naming the store, exit 2.
      let out = "";
      try {
        execFileSync(process.execPath, ["bin/tilecast.js", "inspect", store], { encoding: "utf8", stdio: "pipe" });
      } catch (e) {
        const err = e as { status: number; stderr: string };
        expect(err.status).not.toBe(0);
        out = err.stderr.trim();
      }
      expect(out.split("\n")).toHaveLength(1);
      expect(out).toContain(store);
      expect(out).toContain(`calendar '${calendar}'`);
    },
  );

  it("an xarray store with NCEP's time units reads with xarray's times", async () => {
    const store = join(tmp("cf-ncep"), "ncep.zarr");
    const want = py<string[]>(`import warnings, xarray as xr
warnings.simplefilter("ignore")
t = np.array(["1948-01-01T00", "1948-01-01T06", "2024-02-29T18"], dtype="datetime64[ns]")
ds = xr.Dataset({"air": (("time", "lat", "lon"), np.arange(3 * 3 * 4, dtype="float32").reshape(3, 3, 4) / 3)},
                coords={"time": t, "lat": [60.0, 57.5, 55.0], "lon": [0.0, 2.5, 5.0, 7.5]})
ds.time.encoding.update({"units": "hours since 1-1-1 00:00:0.0", "calendar": "standard", "dtype": "float64"})
ds.to_zarr(${JSON.stringify(store)}, mode="w")
import zarr  # xarray writes "hours since 0001-1-1T00:00:0.0"; NCEP's own files have this
zarr.open_group(${JSON.stringify(store)})["time"].attrs["units"] = "hours since 1-1-1 00:00:0.0"
zarr.consolidate_metadata(${JSON.stringify(store)})
back = xr.open_zarr(${JSON.stringify(store)})
assert back.time.encoding["units"] == "hours since 1-1-1 00:00:0.0", back.time.encoding
print(json.dumps([np.datetime_as_string(v, unit="ms") + "Z" for v in back.time.values]))`);
    expect(want).toStrictEqual(["1948-01-01T00:00:00.000Z", "1948-01-01T06:00:00.000Z", "2024-02-29T18:00:00.000Z"]);
    const src = await openZarrSource(store);
    expect(src.meta.attrs.bandNames).toStrictEqual(want);
  });
});
