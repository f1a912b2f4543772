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
