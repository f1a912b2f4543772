/**
 * Packed outputs (`output.scale`, `output.offset` with an integer dtype): the water U-Net's
 * probabilities as uint8 steps of 0.004 beside the same run in float32. GDAL reads the scale,
 * offset and nodata, and the unpacked values within half a step of the float run's; xarray
 * unpacks a Zarr output the same way; the class raster thresholds the packed values at 0.5.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const STEP = 0.004;

/** The water pipeline into `out` (and its class raster), with extra `--set`s. */
function run(out: string, ...sets: string[]) {
  const args = [
    "run",
    "pipelines/scene-water.yaml",
    "--set",
    `output.path=${out}`,
    "--set",
    `output.classes=${out}.c.tif`,
  ];
  for (const s of sets) args.push("--set", s);
  return tilecast(...args, "-q");
}

describe.skipIf(!hasGdal)("packed outputs", () => {
  const float = tmp("water-f32.tif");
  const packed = tmp("water-u8.tif");
  const zarr = tmp("water-u8.zarr");

  it("uint8 probabilities in steps of 0.004: GDAL reads the packing, and values within half a step", () => {
    const pack = ["output.dtype=uint8", `output.scale=${STEP}`, "output.nodata=255"];
    for (const r of [run(float), run(packed, ...pack), run(zarr, ...pack)]) {
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    }
    const got = py<{
      scale: number;
      offset: number;
      nodata: number;
      dtype: string;
      maxRaw: number;
      err: number;
      sameGaps: boolean;
      cells: number;
      classDiffers: number;
      classDiffersFar: number;
      zarrErr: number;
      zarrGaps: boolean;
      zarrAttrs: [number, number];
      classPacking: [number, number];
    }>(`
import xarray as xr
f = gdal.Open("${float}").ReadAsArray().astype(np.float64)
ds = gdal.Open("${packed}")
b = ds.GetRasterBand(1)
raw = b.ReadAsArray()
valid = raw != b.GetNoDataValue()
x = raw * b.GetScale() + b.GetOffset()
cf = gdal.Open("${float}.c.tif").ReadAsArray()
cds = gdal.Open("${packed}.c.tif")
cp = cds.ReadAsArray()
z = xr.open_zarr("${zarr}")
v = z[list(z.data_vars)[0]]
zv = v.values.reshape(f.shape).astype(np.float64)
print(json.dumps({
  "scale": b.GetScale(), "offset": b.GetOffset(), "nodata": b.GetNoDataValue(),
  "dtype": gdal.GetDataTypeName(b.DataType), "maxRaw": int(raw[valid].max()),
  "err": float(np.abs(x[valid] - f[valid]).max()), "sameGaps": bool((valid == ~np.isnan(f)).all()),
  "cells": int(valid.sum()),
  "classDiffers": int((cf != cp).sum()),
  "classDiffersFar": int(((cf != cp) & (np.abs(f - 0.5) > ${STEP / 2} + 1e-6)).sum()),
  "zarrErr": float(np.nanmax(np.abs(zv - f))), "zarrGaps": bool((np.isnan(zv) == np.isnan(f)).all()),
  "zarrAttrs": [float(v.encoding.get("scale_factor", 1)), float(v.encoding.get("add_offset", 0))],
  "classPacking": [cds.GetRasterBand(1).GetScale() or 1.0, cds.GetRasterBand(1).GetOffset() or 0.0],
}))`);
    expect(got).toMatchObject({ scale: STEP, offset: 0, nodata: 255, dtype: "Byte", sameGaps: true, zarrGaps: true });
    expect(got.cells).toBeGreaterThan(100_000);
    expect(got.maxRaw).toBeLessThanOrEqual(250); // 1.0 / 0.004
    expect(got.err).toBeLessThanOrEqual(STEP / 2 + 1e-6);
    expect(got.err).toBeGreaterThan(0); // quantized, not stored as floats
    expect(got.zarrErr).toBeLessThanOrEqual(STEP / 2 + 1e-6);
    expect(got.zarrAttrs).toStrictEqual([STEP, 0]);
    expect(got.classPacking).toStrictEqual([1, 0]); // the class raster holds classes, not packed probabilities
    // The classes threshold the packed values at 0.5: only cells within half a step of it may differ.
    expect(got.classDiffersFar).toBe(0);
  });

  it("a scale on a float output, or a scale of 0, is a one-line error naming the key, and writes nothing", () => {
    const out = tmp("water-bad.tif");
    const float32 = run(out, `output.scale=${STEP}`);
    expect(float32.code).toBe(1);
    expect(float32.stderr).toMatch(
      /^tilecast: .*scene-water\.yaml: line \d+: output\.scale: packs values into an integer dtype; float32 stores them as they are/,
    );
    expect(float32.stderr.trim().split("\n")).toHaveLength(1);
    const zero = run(out, "output.dtype=uint8", "output.scale=0");
    expect(zero.code).toBe(1);
    expect(zero.stderr).toMatch(
      /^tilecast: .*scene-water\.yaml: line \d+: output\.scale: Too small: expected number to be >0\n$/,
    );
    const nan = run(out, "output.dtype=uint8", `output.scale=${STEP}`, "output.nodata=.nan");
    expect(nan.code).toBe(1);
    expect(nan.stderr).toMatch(
      /^tilecast: .*scene-water\.yaml: line \d+: output\.nodata: NaN is a float value; uint8 has none \(set a value in its range\)\n$/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
