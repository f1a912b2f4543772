/**
 * Statistics read from a file (`normalize.stats`) are checked against the bands they normalize.
 * Before, a file of 4 bands normalized `input.bands: [2, 3]` (red, nir) with blue's and green's
 * statistics, and a band past the file's last was left unscaled, without a word. Statistics
 * computed by tilecast now record the bands' names (`names`), and a file of another count, or of
 * the same bands in another order, is refused with the fix.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openGeoTiff } from "../../src/io/geotiff/reader.js";
import { tilecast } from "../helpers/cli.js";
import { tmp } from "../helpers/write.js";

/** `tilecast run` of the identity pipeline (z-scores the scene) with `sets`. */
const run = (...sets: string[]) =>
  tilecast("run", "pipelines/scene-identity.yaml", ...sets.flatMap((s) => ["--set", s]), "-q");

async function pixels(path: string): Promise<number[]> {
  const src = await openGeoTiff(path);
  const g = await src.readWindow({ x: 0, y: 0, width: src.meta.width, height: src.meta.height });
  await src.close();
  return Array.from(g.data);
}

describe("statistics of other bands", () => {
  it("are refused by count and by order; the bands' own statistics give the computed run's values", async () => {
    const dir = tmp("stats-bands");
    mkdirSync(dir);
    const at = (name: string) => join(dir, name);
    // Statistics of all four bands, and of red and nir alone.
    expect(run(`normalize.saveStats=${at("all.json")}`, `output.path=${at("all.tif")}`).code).toBe(0);
    const rn = ["input.bands=[2, 3]", `normalize.saveStats=${at("rn.json")}`, `output.path=${at("rn.tif")}`];
    expect(run(...rn).code).toBe(0);
    expect(JSON.parse(readFileSync(at("all.json"), "utf8")).names).toStrictEqual(["blue", "green", "red", "nir"]);
    expect(JSON.parse(readFileSync(at("rn.json"), "utf8")).names).toStrictEqual(["red", "nir"]);

    const load = (file: string, bands: string) => [
      `normalize.stats=${at(file)}`,
      "normalize.saveStats=null",
      `input.bands=${bands}`,
      `output.path=${at("out.tif")}`,
    ];
    const count = run(...load("all.json", "[2, 3]"));
    expect([count.code, count.stderr]).toStrictEqual([
      2,
      `tilecast: ${at("all.json")}: the statistics are of 4 bands; the input has 2 (input.bands picks 2 of its 4)\n`,
    ]);
    const order = run(...load("rn.json", "[3, 2]"));
    expect([order.code, order.stderr]).toStrictEqual([
      2,
      `tilecast: ${at("rn.json")}: the statistics are of bands red, nir in that order; the input's are nir, red: set input.bands: [2, 3]\n`,
    ]);
    // The fix it names runs, and normalizes as the statistics computed in the run did.
    expect(run(...load("rn.json", "[2, 3]")).code).toBe(0);
    expect(await pixels(at("out.tif"))).toStrictEqual(await pixels(at("rn.tif")));

    // A file from before names were recorded is checked by count only.
    const old = JSON.parse(readFileSync(at("rn.json"), "utf8"));
    delete old.names;
    writeFileSync(at("old.json"), JSON.stringify(old));
    expect(run(...load("old.json", "[3, 2]")).code).toBe(0);
    expect(run(...load("old.json", "[1, 2, 3]")).code).toBe(2);
  });
});
