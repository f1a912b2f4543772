/**
 * The global forecast job end to end with the shipped model (models/global-forecast) on the
 * committed tracer (fixtures/global-tracer): rollouts appended to one (time, lead_time, latitude,
 * longitude) store xarray opens; no seam at the antimeridian; `tilecast evaluate --rmse` scores it
 * beside persistence and climatology, its figures checked against numpy.
 */
import { describe, expect, it } from "vitest";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const OBS = "fixtures/global-tracer/tracer-5.625deg-6h.zarr";

describe.skipIf(!hasGdal)("global forecast job (models/global-forecast)", () => {
  const store = tmp("global.zarr");

  it("writes each cycle's 8-step rollout as a time slot xarray opens on the input's lat/lon grid", () => {
    const r = tilecast(
      "forecast",
      "pipelines/global-forecast.yaml",
      "--set",
      `output.path=${store}`,
      "--cycle",
      "2000-07-01T00:00Z",
      "--until",
      "2000-07-03T00:00Z",
      "-q",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("wrote 9 cycles (2000-07-01T00:00:00.000Z to 2000-07-03T00:00:00.000Z)");
    const v = py<Record<string, unknown>>(`
import xarray as xr
ds = xr.open_zarr("${store}")
obs = xr.open_zarr("${OBS}")
f = ds.t
vals = f.values
# The antimeridian: the step from the last longitude to the first, against steps elsewhere.
seam = float(np.abs(vals[..., 0] - vals[..., -1]).max())
inner = float(np.abs(np.diff(vals, axis=-1)).max())
print(json.dumps({
  "dims": list(f.dims), "shape": list(f.shape),
  "times": [str(t)[:16] for t in ds.time.values[[0, -1]]],
  "leads": [int(l / np.timedelta64(1, "h")) for l in ds.lead_time.values],
  "lat": bool(np.array_equal(ds.latitude.values, obs.latitude.values)),
  "lon": bool(np.array_equal(ds.longitude.values, obs.longitude.values)),
  "latUnits": ds.latitude.attrs["units"], "units": f.attrs["units"],
  "min": float(vals.min()), "max": float(vals.max()), "finite": bool(np.isfinite(vals).all()),
  "seam": seam, "inner": inner,
}))`);
    expect(v).toMatchObject({
      dims: ["time", "lead_time", "latitude", "longitude"],
      shape: [9, 8, 32, 64],
      times: ["2000-07-01T00:00", "2000-07-03T00:00"],
      leads: [6, 12, 18, 24, 30, 36, 42, 48],
      lat: true,
      lon: true,
      latUnits: "degrees_north",
      units: "K",
      finite: true,
    });
    // Physical range of the tracer (250..293 K in the data).
    expect(v.min as number).toBeGreaterThan(245);
    expect(v.max as number).toBeLessThan(298);
    expect(v.seam as number).toBeLessThanOrEqual(v.inner as number);
  });

  it("evaluate --rmse: scores equal numpy's, and the model beats persistence and climatology at every lead", () => {
    const r = tilecast("evaluate", store, OBS, "--rmse", "--climatology-until", "2000-06-15T00:00Z", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.leadMinutes).toStrictEqual([360, 720, 1080, 1440, 1800, 2160, 2520, 2880]);
    const ref = py<Record<string, number[]>>(`
import xarray as xr
ds = xr.open_zarr("${store}")
obs = xr.open_zarr("${OBS}").t
w = np.cos(np.deg2rad(obs.latitude.values))[:, None]
w = w / w.mean()
clim = obs.sel(time=slice(None, "2000-06-14T18:00")).values.astype(np.float64).mean(axis=0)
out = {"model": [], "persistence": [], "climatology": [], "acc": []}
for k in range(8):
    acc = []
    for name in ["model", "persistence", "climatology"]:
        e = []
        for t in ds.time.values:
            truth = obs.sel(time=t + np.timedelta64(6 * (k + 1), "h")).values
            f = {"model": ds.t.sel(time=t).values[k], "persistence": obs.sel(time=t).values, "climatology": clim}[name]
            e.append(np.sqrt((w * (f - truth) ** 2).mean()))
            if name == "model":
                fa, oa = f - clim, truth - clim
                ww = np.broadcast_to(w, fa.shape)
                acc.append((ww * fa * oa).sum() / np.sqrt((ww * fa * fa).sum() * (ww * oa * oa).sum()))
        out[name].append(float(np.mean(e)))
    out["acc"].append(float(np.mean(acc)))
print(json.dumps(out))`);
    for (const m of ["model", "persistence", "climatology"])
      s.methods[m].rmse.forEach((v: number, k: number) => expect(v).toBeCloseTo(ref[m]?.[k] as number, 3));
    s.methods.model.acc.forEach((v: number, k: number) => expect(v).toBeCloseTo(ref.acc?.[k] as number, 3));
    for (let k = 0; k < 8; k++) {
      expect(s.methods.model.rmse[k]).toBeLessThan(s.methods.persistence.rmse[k]);
      expect(s.methods.model.rmse[k]).toBeLessThan(s.methods.climatology.rmse[k]);
      expect(s.methods.model.acc[k]).toBeGreaterThan(s.methods.persistence.acc[k]);
    }
    expect(s.climatology).toStrictEqual({
      from: "2000-01-01T06:00:00.000Z",
      until: "2000-06-14T18:00:00.000Z",
      steps: 663,
    });
  });
});
