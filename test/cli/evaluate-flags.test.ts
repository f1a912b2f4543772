/**
 * `tilecast evaluate` scores one kind of thing per run, and a flag of another kind is refused,
 * not ignored: before, `--plot` with class rasters drew nothing and exited 0, `--rmse` with
 * `--thresholds` scored RMSE and dropped the thresholds, and `--thresholds 1,abc` scored every
 * lead of the second threshold as NaN.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { thresholdsOf } from "../../src/cli/evaluate-flags.js";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const labels = "fixtures/scene-seg/test.labels.u8.tif";
const radar = "fixtures/radar-knmi/knmi-20100826.rain-4km.zarr";

describe("evaluate's flags", () => {
  it("refuses a flag of another kind, or two kinds, in one line, exit 2, with nothing written", () => {
    const png = join(tmp("evaluate-flags"), "plot.png");
    const cases: [string[], string][] = [
      [
        [labels, labels, "--classes", "4", "--plot", png],
        "--plot is for nowcasts and global forecasts, not class rasters",
      ],
      [
        [radar, radar, "--thresholds", "1", "--rmse"],
        "choose one of --thresholds and --rmse: they score different things",
      ],
      [[labels, labels, "--classes", "4", "--rmse"], "choose one of --classes and --rmse: they score different things"],
      [[radar, radar, "--rmse", "--names", "a"], "--names is for class rasters, not global forecasts"],
      [
        [radar, radar, "--thresholds", "1", "--climatology-until", "2010-08-26"],
        "--climatology-until is for global forecasts, not nowcasts",
      ],
      [
        [radar, radar, "--thresholds", "1,abc"],
        "--thresholds takes rain rates, comma-separated (e.g. 1,5); 'abc' is not a number",
      ],
      [
        [labels, labels],
        "evaluate needs --classes (class rasters), --thresholds (nowcasts) or --rmse (global forecasts)",
      ],
    ];
    for (const [args, line] of cases) {
      const r = tilecast("evaluate", ...args);
      expect([r.code, r.stderr, r.stdout], args.join(" ")).toStrictEqual([2, `tilecast: ${line}\n`, ""]);
    }
    expect(existsSync(png)).toBe(false);
  });

  it("reads thresholds as numbers, spaces allowed", () => {
    expect(thresholdsOf("0.5, 1,5e0")).toStrictEqual([0.5, 1, 5]);
    expect(() => thresholdsOf("1,,5")).toThrow("'' is not a number");
    expect(() => thresholdsOf("1,Infinity")).toThrow("'Infinity' is not a number");
  });
});

describe.skipIf(!hasGdal)("evaluate's class values", () => {
  it("a value that is no class is named with its file and cell, the truth's too; nodata cells are not scored", () => {
    const dir = tmp("evaluate-classes");
    const [pred, truth, bad] = ["pred.tif", "truth.tif", "bad-truth.tif"].map((f) => join(dir, f));
    py(`import os
os.makedirs(${JSON.stringify(dir)}, exist_ok=True)
for path, rows in [(${JSON.stringify(pred)}, [[0, 1, 2, 3], [1, 1, 2, 0]]), (${JSON.stringify(truth)}, [[0, 1, 2, 3], [0, 1, 2, 255]]), (${JSON.stringify(bad)}, [[0, 1, 2, 3], [0, 9, 2, 255]])]:
    d = gdal.GetDriverByName("GTiff").Create(path, 4, 2, 1, gdal.GDT_Byte)
    d.SetGeoTransform([0, 1, 0, 0, 0, -1])
    b = d.GetRasterBand(1); b.WriteArray(np.array(rows, np.uint8)); b.SetNoDataValue(255)
    d = None
print("null")`);
    const ok = tilecast("evaluate", pred, truth, "--classes", "4", "--json");
    expect(ok.code).toBe(0);
    const s = JSON.parse(ok.stdout);
    expect(s.cells).toBe(7); // the truth's nodata cell left out
    expect(s.accuracy).toBeCloseTo(6 / 7, 12);
    const r = tilecast("evaluate", pred, bad, "--classes", "4");
    expect([r.code, r.stderr]).toStrictEqual([
      2,
      `tilecast: ${bad}: 9 at row 1, column 1 is not a class: --classes 4 takes integers 0 to 3\n`,
    ]);
  });
});
