/**
 * The bands a quicklook or contact sheet shows are one (gray) or three (red, green, blue), each
 * one the raster has. Before, `preview --bands 2,1,9` on a 4-band scene drew band 9 as black and
 * exited 0, `--bands 2,1` drew band 2 alone, and `--out` over the scene was refused as "cannot
 * write quicklook (...)", exit 1, the path named twice.
 */
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createGrid } from "../../src/grid/grid.js";
import { renderQuicklook } from "../../src/io/png/quicklook.js";
import { tilecast } from "../helpers/cli.js";
import { tmp } from "../helpers/write.js";

const identity = "pipelines/scene-identity.yaml";

describe("quicklook bands", () => {
  it("preview refuses bands the tiles lack, or not one or three, and its input as --out", () => {
    const dir = tmp("preview-bands");
    mkdirSync(dir);
    const png = join(dir, "sheet.png");
    const stats = ["--set", `normalize.saveStats=${join(dir, "s.json")}`];
    const cases: [string, string][] = [
      ["2,1,9", "quicklook bands 2, 1, 9: the raster has 4 bands (0 to 3)"],
      ["2,1", "--bands takes one band (gray) or three (red, green, blue), got 2"],
      ["red,green,blue", "--bands takes band indices from 0, e.g. 2,1,0; got 'red,green,blue'"],
    ];
    for (const [bands, line] of cases) {
      const r = tilecast("preview", identity, "--out", png, "--bands", bands, ...stats);
      expect([r.code, r.stderr], bands).toStrictEqual([2, `tilecast: ${line}\n`]);
    }
    expect(existsSync(png)).toBe(false);

    const scene = join(dir, "scene.tif");
    copyFileSync("fixtures/demo/scene.s2like.u16.4b.tif", scene);
    const r = tilecast("preview", identity, "--set", `input.path=${resolve(scene)}`, "--out", scene, ...stats);
    expect([r.code, r.stderr]).toStrictEqual([
      2,
      `tilecast: ${scene}: is an input of this job: write the output to another path\n`,
    ]);
  });

  it("renderQuicklook names the bands a raster lacks", () => {
    const g = createGrid("float32", [2, 4, 4], { data: new Float32Array(32), georef: null, nodata: null });
    expect(() => renderQuicklook(g, { bands: [0, 5, 1] })).toThrow(
      "quicklook bands 0, 5, 1: the raster has 2 bands (0 to 1)",
    );
    expect(() => renderQuicklook(g, { bands: [0, 1] })).toThrow(
      "quicklook bands 0, 1: one band (gray) or three (red, green, blue), not 2",
    );
    expect(renderQuicklook(g, { bands: [1] }).width).toBe(4);
  });
});
