/**
 * A trained model fed its bands in another order: the water U-Net learned on `blue, green, red,
 * nir`; a scene stored `red, green, blue, nir` (GDAL's `-b 3 -b 2 -b 1 -b 4`, descriptions kept)
 * ran without a complaint and mapped water from the wrong colours. The run is now refused with
 * the `input.bands` that reorders it, and with that set it writes exactly the map of the scene in
 * the model's order.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkBandOrder } from "../../src/models/descriptors/band-order.js";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const SCENE = resolve("fixtures/demo/scene.s2like.u16.4b.tif");

describe.skipIf(!hasGdal)("a trained model's band order", () => {
  it("a scene with the model's bands in another order is refused with the reorder; reordered, it maps as the original", () => {
    const dir = tmp("band-order");
    const swapped = join(dir, "rgbn.tif");
    py(`import os; os.makedirs(${JSON.stringify(dir)})
gdal.Translate(${JSON.stringify(swapped)}, ${JSON.stringify(SCENE)}, bandList=[3, 2, 1, 4])
d = gdal.Open(${JSON.stringify(swapped)})
print(json.dumps([d.GetRasterBand(b + 1).GetDescription() for b in range(4)]))`);
    const run = (input: string, out: string, more: string[] = []) =>
      tilecast(
        "run",
        "pipelines/scene-water.yaml",
        ...[`input.path=${input}`, `output.path=${out}`, "output.quicklook=null", ...more].flatMap((m) => ["--set", m]),
      );
    const refused = run(swapped, join(dir, "wrong.tif"));
    expect(refused.code).toBe(2); // an error in the pipeline's settings, as a band count that does not fit
    expect(refused.stderr.trim()).toMatch(
      /^tilecast: .*rgbn.tif: the model in .*models\/scene-water takes bands blue, green, red, nir in that order; the input's are red, green, blue, nir: set input.bands: \[2, 1, 0, 3\]$/,
    );
    expect(existsSync(join(dir, "wrong.tif"))).toBe(false); // nothing written

    const fixed = run(swapped, join(dir, "fixed.tif"), ["input.bands=[2, 1, 0, 3]"]);
    expect(fixed.code, fixed.stderr).toBe(0);
    const original = run(SCENE, join(dir, "original.tif"));
    expect(original.code, original.stderr).toBe(0);
    const same =
      py<boolean>(`a = gdal.Open(${JSON.stringify(join(dir, "fixed.tif"))}).ReadAsArray(); b = gdal.Open(${JSON.stringify(join(dir, "original.tif"))}).ReadAsArray()
print(json.dumps(bool(np.array_equal(a, b)) and float(np.nanmax(b)) > 0.5))`);
    expect(same).toBe(true);
  });

  it("names that tell nothing, or that the card does not use, are not compared", () => {
    const trained = ["blue", "green", "red", "nir"];
    const at = (names: (string | null)[]) => ({ names, indices: [0, 1, 2, 3] });
    expect(() => checkBandOrder(trained, at(["Band 1", "band_2", null, "Band 4"]), "m")).not.toThrow();
    expect(() => checkBandOrder(trained, at(["B02", "B03", "B04", "B08"]), "m")).not.toThrow();
    expect(() => checkBandOrder(trained, at(["Blue", "Green", "Red", "NIR"]), "m")).not.toThrow();
    // One the card names at another place, the rest unknown: refused, with no reorder to offer.
    expect(() => checkBandOrder(trained, at(["red", "B03", "B02", "B08"]), "m")).toThrow(
      "m: the model in m takes bands blue, green, red, nir in that order; the input's are red, B03, B02, B08",
    );
  });
});
