/**
 * The nowcasting job end to end with the shipped model on real KNMI radar (CC BY 4.0): cycles
 * appended to one (time, lead_time, y, x) store that xarray opens with CF coordinates and the CRS;
 * a rerun replaces its slot; `tilecast evaluate` scores it beside persistence and extrapolation,
 * its persistence figures checked against numpy.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const OBS = "fixtures/radar-knmi/knmi-20100826.rain-4km.zarr";

describe.skipIf(!hasGdal)("nowcasting job (models/radar-nowcast)", () => {
  const store = tmp("nowcast.zarr");

  it("appends each cycle as a time slot of a CF store xarray opens; a rerun replaces its slot", () => {
    const run = (...a: string[]) =>
      tilecast("nowcast", "pipelines/radar-nowcast.yaml", "--set", `output.path=${store}`, ...a);
    const r = run("--cycle", "2010-08-26T06:00Z", "--until", "2010-08-26T06:10Z");
    // Progress over the cycles, where they took more than a second (about 4 s here on wasm).
    expect(r.stderr).toMatch(/^(radar-nowcast: [0-3]\/3 cycles \(\d+%, [\d.]+ s\)\n)*$/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("wrote 3 cycles (2010-08-26T06:00:00.000Z to 2010-08-26T06:10:00.000Z)");
    const before = readFileSync(`${store}/rain_rate/1.0.0.0`);
    const again = run("--cycle", "2010-08-26T06:05Z", "--until", "2010-08-26T06:05Z", "-q");
    expect([again.code, again.stderr]).toStrictEqual([0, ""]);
    expect(readFileSync(`${store}/rain_rate/1.0.0.0`).equals(before)).toBe(true);
    const v = py<Record<string, unknown>>(`
import xarray as xr
ds = xr.open_zarr("${store}")
obs = xr.open_zarr("${OBS}")
f = ds.rain_rate
now = obs.rain_rate.sel(time="2010-08-26T06:00").values
print(json.dumps({
  "dims": list(f.dims), "shape": list(f.shape),
  "times": [str(t)[:16] for t in ds.time.values],
  "leads": [int(l / np.timedelta64(1, "m")) for l in ds.lead_time.values],
  "x": bool(np.array_equal(ds.x.values, obs.x.values)), "y": bool(np.array_equal(ds.y.values, obs.y.values)),
  "crs": "Polar_Stereographic" in ds.spatial_ref.attrs["crs_wkt"] or "Stereographic" in ds.spatial_ref.attrs["crs_wkt"],
  "gdalCrs": "Stereographic" in (gdal.Open('ZARR:"${store}":/rain_rate:0:0').GetSpatialRef() or osr.SpatialReference()).ExportToWkt(),
  "units": f.attrs["units"], "refname": ds.time.attrs.get("standard_name"),
  "nanWhereNoRadar": bool(np.array_equal(np.isnan(f.sel(time="2010-08-26T06:00").values[0]), np.isnan(now))),
  "min": float(np.nanmin(f.values)), "max": float(np.nanmax(f.values)),
}))`);
    expect(v).toMatchObject({
      dims: ["time", "lead_time", "y", "x"],
      shape: [3, 6, 191, 175],
      times: ["2010-08-26T06:00", "2010-08-26T06:05", "2010-08-26T06:10"],
      leads: [5, 10, 15, 20, 25, 30],
      x: true,
      y: true,
      crs: true,
      gdalCrs: true, // GDAL's Zarr driver reads the CRS from _CRS
      units: "mm h-1",
      refname: "forecast_reference_time",
      nanWhereNoRadar: true,
    });
    expect(v.min).toBeGreaterThanOrEqual(0);
    expect(v.max as number).toBeGreaterThan(1);
  });

  it("evaluate: persistence CSI equals numpy's; the model beats persistence at every lead", () => {
    const r = tilecast("evaluate", store, OBS, "--thresholds", "1,5", "--json");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.leadMinutes).toStrictEqual([5, 10, 15, 20, 25, 30]);
    const ref = py<number[]>(`
import xarray as xr
ds = xr.open_zarr("${store}")
obs = xr.open_zarr("${OBS}").rain_rate
out = []
for k, lead in enumerate([5, 10, 15, 20, 25, 30]):
    h = m = fa = 0
    for t in ds.time.values:
        truth = obs.sel(time=t + np.timedelta64(lead, "m")).values
        model = ds.rain_rate.sel(time=t).values[k]
        pers = obs.sel(time=t).values
        ok = np.isfinite(truth) & np.isfinite(model) & np.isfinite(pers)
        fe = pers[ok] >= 1; oe = truth[ok] >= 1
        h += int((fe & oe).sum()); m += int((~fe & oe).sum()); fa += int((fe & ~oe).sum())
    out.append(h / (h + m + fa))
print(json.dumps(out))`);
    s.methods.persistence.csi[0].forEach((v: number, k: number) => expect(v).toBeCloseTo(ref[k] as number, 10));
    s.methods.model.csi[0].forEach((v: number, k: number) =>
      expect(v).toBeGreaterThan(s.methods.persistence.csi[0][k]),
    );
  });

  it("over the test period (23 cycles it never trained on): above persistence at every lead, above extrapolation from +10 to +25 min", () => {
    const all = tmp("period.zarr");
    const r = tilecast(
      "nowcast",
      "pipelines/radar-nowcast.yaml",
      "--set",
      `output.path=${all}`,
      "--cycle",
      "2010-08-26T05:15Z",
      "--until",
      "2010-08-26T07:05Z",
    );
    expect(r.code).toBe(0);
    const s = JSON.parse(tilecast("evaluate", all, OBS, "--thresholds", "1", "--json").stdout);
    expect(s.cycles).toHaveLength(23);
    const [model, pers, extra] = [s.methods.model.csi[0], s.methods.persistence.csi[0], s.methods.extrapolation.csi[0]];
    model.forEach((v: number, k: number) => expect(v).toBeGreaterThan(pers[k]));
    // Beside motion extrapolation: ahead from +10 to +25 min, behind at +5 and +30.
    expect(model.map((v: number, k: number) => v > extra[k])).toStrictEqual([false, true, true, true, true, false]);
  }, 300_000); // 23 cycles of a ConvLSTM on wasm: about a minute, more on a busy machine

  it("an output dtype (or packing) a forecast cannot write is refused by name", () => {
    for (const sets of [["output.dtype=uint8"], ["output.dtype=uint8", "output.scale=0.1"]]) {
      const args = sets.flatMap((s) => ["--set", s]);
      const r = tilecast(
        "nowcast",
        "pipelines/radar-nowcast.yaml",
        "--set",
        `output.path=${store}`,
        ...args,
        "--cycle",
        "2010-08-26T06:00Z",
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        "tilecast: pipelines/radar-nowcast.yaml: output.dtype: a forecast writes float32 leads; uint8 (and a scale and offset) apply to tilecast run\n",
      );
    }
  });

  it("a cycle without its input frames is refused, naming the input", () => {
    const r = tilecast(
      "nowcast",
      "pipelines/radar-nowcast.yaml",
      "--set",
      `output.path=${store}`,
      "--cycle",
      "2010-08-26T09:00Z",
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /knmi-20100826.rain-4km.zarr: no frame at 2010-08-26T09:00:00.000Z \(the input has 2010-08-26T00:00:00.000Z to 2010-08-26T07:35:00.000Z\)/,
    );
    const early = tilecast(
      "nowcast",
      "pipelines/radar-nowcast.yaml",
      "--set",
      `output.path=${store}`,
      "--cycle",
      "2010-08-26T00:05Z",
    );
    expect(early.stderr).toMatch(/4 frames end at 2010-08-26T00:05:00.000Z: the input starts later/);
  });
});
