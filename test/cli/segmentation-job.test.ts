/**
 * The segmentation job end to end with the shipped model: `tilecast run pipelines/scene-seg.yaml`
 * on the test scene the model never saw, its three products checked with GDAL, then scored with
 * `tilecast evaluate` against the labels and compared with the best single-index threshold.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { bestThresholdIou } from "../../models/scene-seg-baseline.js";
import { tilecast } from "../helpers/cli.js";
import { gdalinfo, hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const SCENE = "fixtures/scene-seg/test.s2like.u16.4b.tif";
const LABELS = "fixtures/scene-seg/test.labels.u8.tif";

describe.skipIf(!hasGdal)("segmentation job (models/scene-seg)", () => {
  const out = tmp("seg.tif");
  const classes = join(dirname(out), "seg.classes.tif");
  const png = join(dirname(out), "seg.png");

  it("writes probabilities, classes and an overlay quicklook, georeferenced like the input", () => {
    const r = tilecast(
      "run",
      "pipelines/scene-seg.yaml",
      "--set",
      `output.path=${out}`,
      "--set",
      `output.classes=${classes}`,
      "--set",
      `output.quicklook=${png}`,
      "-q",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`classes   ${classes}`);
    for (const f of [out, classes]) {
      expect(gdalinfo(f).geoTransform).toStrictEqual(gdalinfo(SCENE).geoTransform);
      expect(gdalinfo(f).coordinateSystem?.wkt).toContain("UTM zone 33N");
    }
    const v = py<{
      bands: number;
      sumMin: number;
      sumMax: number;
      stored: [string, number, number, number];
      nodataWhereNodata: boolean;
      nodataOnlyThere: boolean;
      classes: number[];
      argmax: boolean;
      nodataKept: boolean;
      type: string;
      colors: number[][];
    }>(`
ds = gdal.Open("${out}")
b1 = ds.GetRasterBand(1)
stored = ds.ReadAsArray()
p = stored * b1.GetScale() + b1.GetOffset()
c = gdal.Open("${classes}")
k = c.ReadAsArray()
img = gdal.Open("${SCENE}").ReadAsArray()
nod = (img == 0).all(axis=0)
s = p.sum(axis=0)
valid = ~(stored == 255).any(axis=0)
print(json.dumps({"bands": int(p.shape[0]), "sumMin": float(s[valid].min()), "sumMax": float(s[valid].max()),
  "stored": [gdal.GetDataTypeName(b1.DataType), b1.GetScale(), b1.GetOffset(), b1.GetNoDataValue()],
  "nodataWhereNodata": bool((stored[:, nod] == 255).all()), "nodataOnlyThere": bool((valid | nod).all()),
  "classes": sorted(int(x) for x in np.unique(k)),
  "argmax": bool((np.argmax(stored[:, valid], axis=0) == k[valid]).all()), "nodataKept": bool((k[nod] == 255).all()),
  "type": gdal.GetDataTypeName(c.GetRasterBand(1).DataType),
  "colors": [list(c.GetRasterBand(1).GetColorTable().GetColorEntry(i)) for i in (0, 1, 2, 3, 255)]}))`);
    expect(v.bands).toBe(4);
    // Probabilities as bytes, 0.004 a step (the pipeline's packing), 255 where the input has no data.
    expect(v.stored).toStrictEqual(["Byte", 0.004, 0, 255]);
    // Softmax probabilities, blended, still sum to 1: within the four bands' rounding (0.002 each).
    expect(v.sumMin).toBeGreaterThanOrEqual(1 - 0.008 - 1e-9);
    expect(v.sumMax).toBeLessThanOrEqual(1 + 0.008 + 1e-9);
    expect(v.nodataWhereNodata).toBe(true);
    expect(v.nodataOnlyThere).toBe(true);
    expect(v.classes).toStrictEqual([0, 1, 2, 3, 255]);
    expect(v.argmax).toBe(true);
    expect(v.nodataKept).toBe(true);
    expect(v.type).toBe("Byte");
    // The quicklook's colours, so QGIS draws the classes as the quicklook does; 255 (no data) clear.
    expect(v.colors).toStrictEqual([
      [0, 0, 0, 255],
      [30, 120, 255, 255],
      [255, 220, 0, 255],
      [230, 40, 40, 255],
      [0, 0, 0, 0],
    ]);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe("PNG");
  });

  it("writes float32 probabilities, NaN without data, when set so: within half a step of the bytes", () => {
    const f32 = tmp("seg-f32.tif");
    const r = tilecast(
      "run",
      "pipelines/scene-seg.yaml",
      ...["--set", `output.path=${f32}`, "--set", `output.classes=${f32}.c.tif`],
      ...["--set", `output.quicklook=${f32}.png`],
      ...["--set", "output.dtype=float32", "--set", "output.scale=null", "--set", "output.nodata=.nan"],
      "-q",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const v = py<{ type: string; scale: number | null; err: number; sameGaps: boolean; nodata: string }>(`
f = gdal.Open("${f32}")
b = f.GetRasterBand(1)
x = f.ReadAsArray().astype(np.float64)
u = gdal.Open("${out}").ReadAsArray()
valid = u != 255
print(json.dumps({"type": gdal.GetDataTypeName(b.DataType), "scale": b.GetScale(),
  "err": float(np.abs(u[valid] * 0.004 - x[valid]).max()), "sameGaps": bool((valid == ~np.isnan(x).any(axis=0)).all()),
  "nodata": str(b.GetNoDataValue())}))`);
    expect(v.type).toBe("Float32");
    expect(v.scale ?? 1).toBe(1);
    expect(v.err).toBeGreaterThan(0);
    expect(v.err).toBeLessThanOrEqual(0.002 + 1e-6);
    expect(v.sameGaps).toBe(true);
    expect(v.nodata).toBe("nan");
  });

  it("beats the best single-index threshold on cloud shadow, on a scene it never saw", () => {
    const r = tilecast("evaluate", classes, LABELS, "--classes", "4", "--names", "land,water,cloud,shadow", "--json");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.cells).toBe(384 * 384 - 2926); // every cell but the swath edge
    const baseline = py<number[]>(`
img = gdal.Open("${SCENE}").ReadAsArray().astype(np.float64)
lab = gdal.Open("${LABELS}").ReadAsArray()
ok = (lab != 255) & (img != 0).any(axis=0)
b, g, r, n = img
idx = [b, g, r, n, (n - r) / (n + r), (g - n) / (g + n), b + g + r + n]
def best(t):
    out = 0.0
    for v in idx:
        v = v[ok]; tt = t[ok]
        for q in np.unique(np.quantile(v, np.linspace(0, 1, 401))):
            for m in (v <= q, v > q):
                out = max(out, float((m & tt).sum() / (m | tt).sum()))
    return out
print(json.dumps([best(lab == c) for c in range(4)]))`);
    // Shadow needs the cloud beside it: no threshold on any band or index finds it.
    expect(baseline[3]).toBeLessThan(0.3);
    expect(s.iou[3]).toBeGreaterThan(0.6);
    expect(s.meanIou).toBeGreaterThan(0.85);
    expect(s.meanIou).toBeGreaterThan(baseline.reduce((a, b) => a + b, 0) / 4 + 0.05);
  });

  it("evaluate refuses rasters on different grids and class values out of range, naming the file", () => {
    const bad = tilecast("evaluate", classes, "fixtures/scene-seg/train.labels.u8.tif", "--classes", "4");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      `tilecast: ${classes}: the prediction is not on the truth's grid (fixtures/scene-seg/train.labels.u8.tif): 384 x 384 pixels, the truth 512 x 512\n`,
    );
    const few = tilecast("evaluate", classes, LABELS, "--classes", "2");
    expect(few.code).toBe(2);
    expect(few.stderr).toMatch(
      new RegExp(
        `^tilecast: ${classes}: [23] at row \\d+, column \\d+ is not a class: --classes 2 takes integers 0 to 1\n$`,
      ),
    );
    expect(existsSync(out)).toBe(true);
  });
});

describe("bestThresholdIou (the baseline's search)", () => {
  it("finds the cut between distinct values, either side", () => {
    const v = Float64Array.from([1, 2, 3, 4, 5, 6]);
    expect(bestThresholdIou(v, Uint8Array.from([1, 1, 0, 0, 0, 0]))).toStrictEqual({
      iou: 1,
      threshold: 2,
      side: "<=",
    });
    expect(bestThresholdIou(v, Uint8Array.from([0, 0, 0, 1, 1, 1]))).toStrictEqual({ iou: 1, threshold: 3, side: ">" });
    // Positives at both ends: the best one-sided cut takes 2 of 4 positives with no false alarm.
    expect(bestThresholdIou(v, Uint8Array.from([1, 0, 0, 0, 1, 1])).iou).toBeCloseTo(2 / 3, 12);
    // Ties are never split: values 1, 1 with labels 1, 0 give IoU 1/2 at best for `<=`.
    expect(bestThresholdIou(Float64Array.from([1, 1, 2]), Uint8Array.from([1, 0, 0])).iou).toBeCloseTo(0.5, 12);
  });
});
