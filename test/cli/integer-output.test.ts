/**
 * A float prediction into an integer output. NaN (an input NaN the identity passes on, a model
 * that diverged) has no integer: it was written as 0, a valid value, with no mask and no nodata.
 * It is now nodata where the output has one, and masked where it has none. Values past the
 * dtype's range are clamped, as before, and the run now says how many were, with the range.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

describe.skipIf(!hasGdal)("integer outputs of float predictions", () => {
  const dir = tmp("integer-output");
  const input = `${dir}/in.tif`;

  /** Run the identity over `input` into `output` (a YAML flow mapping's body). */
  function run(name: string, output: string) {
    const file = `${dir}/${name}.yaml`;
    writeFileSync(
      file,
      `name: ${name}\ninput: { path: ${input} }\ntiling: { size: 4, overlap: 1 }\nmodel: { type: identity }\noutput: { ${output} }\n`,
    );
    return tilecast("run", file);
  }

  it("NaN is masked (or nodata), out-of-range values clamp, and the run counts them", () => {
    mkdirSync(dir);
    // 8 x 6 values -100, -90 ... 370, NaN at (0, 0) and (5, 3), +inf at (1, 0).
    py(`d = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(input)}, 8, 6, 1, gdal.GDT_Float32)
d.SetGeoTransform((10, 1, 0, 50, 0, -1))
a = (np.arange(48, dtype="f4") * 10 - 100).reshape(6, 8)
a[0, 0] = np.nan; a[3, 5] = np.nan; a[0, 1] = np.inf
d.GetRasterBand(1).WriteArray(a); d = None
print("null")`);
    const masked = run("masked", `path: ${dir}/masked.tif, dtype: uint8`);
    const nodata = run("nodata", `path: ${dir}/nodata.tif, dtype: int16, nodata: -32768`);
    const packed = run("packed", `path: ${dir}/packed.tif, dtype: uint8, scale: 2, offset: -90, nodata: 255`);
    for (const r of [masked, nodata, packed]) expect([r.code, r.stderr]).toStrictEqual([0, ""]);
    // Below 0: -80 ... -10 (8); above 255: 260 ... 370 (12) and +inf.
    expect(masked.stdout).toContain(
      "warning   21 predicted values fell outside 0..255, what uint8 holds here, and were clamped to it",
    );
    // +inf alone; -32768 is nodata, so valid values stop at -32767.
    expect(nodata.stdout).toContain("warning   1 predicted value fell outside -32767..32767, what int16 holds here");
    // Stored -90 + 2 * (0..254): +inf above (-100, below, is the NaN at (0, 0)).
    expect(packed.stdout).toContain(
      "warning   1 predicted value fell outside -90..418, what uint8 with scale 2 and offset -90 holds here, and was clamped",
    );
    const got = py<{ masked: number[][]; mask: number[][]; flags: number; nodata: number[][]; packed: number[][] }>(
      `ds = [gdal.Open(f"${dir}/{n}.tif") for n in ("masked", "nodata", "packed")]
m, n, p = (d.GetRasterBand(1) for d in ds)
print(json.dumps({"masked": m.ReadAsArray().tolist(), "mask": m.GetMaskBand().ReadAsArray().tolist(), "flags": m.GetMaskFlags(),
  "nodata": n.ReadAsArray().tolist(), "packed": p.ReadAsArray().tolist()}))`,
    );
    const value = (x: number, y: number) => (y * 8 + x) * 10 - 100;
    const nan = (x: number, y: number) => (x === 0 && y === 0) || (x === 5 && y === 3);
    const inf = (x: number, y: number) => x === 1 && y === 0;
    const each = (f: (x: number, y: number) => number) =>
      Array.from({ length: 6 }, (_, y) => Array.from({ length: 8 }, (_, x) => f(x, y)));
    const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
    expect(got.flags).toBe(2); // GDAL's per-dataset mask
    expect(got.mask).toStrictEqual(each((x, y) => (nan(x, y) ? 0 : 255)));
    expect(got.masked).toStrictEqual(each((x, y) => (nan(x, y) ? 0 : inf(x, y) ? 255 : clamp(value(x, y), 0, 255))));
    expect(got.nodata).toStrictEqual(each((x, y) => (nan(x, y) ? -32768 : inf(x, y) ? 32767 : value(x, y))));
    expect(got.packed).toStrictEqual(
      each((x, y) => (nan(x, y) ? 255 : inf(x, y) ? 254 : clamp((value(x, y) + 90) / 2, 0, 254))),
    );
  });
});
