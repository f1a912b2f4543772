/**
 * `--var` and `--index` (`input.var`, `input.index`) choose what to read of a store. A GeoTIFF
 * has bands, not variables: given them, it is refused by name. Before, `--var a,b` read the
 * GeoTIFF once per name and stacked the copies (8 bands `a:blue` ... `b:nir` from a 4-band
 * scene), and `--index time=3` was ignored, all bands read. One `--var` name with a GeoTIFF
 * input still names a Zarr output's variable, as `convert --help` says; with a GeoTIFF output
 * it named nothing and was ignored, and is refused.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openSource } from "../../src/io/registry.js";
import { loadPipeline } from "../../src/pipeline/config.js";
import { openInput } from "../../src/pipeline/input.js";
import { tilecast } from "../helpers/cli.js";
import { tmp } from "../helpers/write.js";

const SCENE = "fixtures/demo/scene.s2like.u16.4b.tif";
const STORE = "fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr";

describe("store options on a GeoTIFF", () => {
  it("convert refuses --var and --index on a GeoTIFF, naming it, and writes nothing", () => {
    const dir = tmp("store-options");
    for (const [args, what] of [
      [["--var", "a,b"], "--var (input.var) is"],
      [["--index", "time=3"], "--index (input.index) is"],
      [["--var", "a", "--index", "time=1"], "--index (input.index) is"],
    ] as const) {
      const out = join(dir, `${args.join("")}.tif`);
      const r = tilecast("convert", SCENE, out, ...args, "-q");
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toBe(
        `tilecast: ${SCENE}: ${what} for stores; a GeoTIFF has bands, not variables or dimensions (a pipeline picks bands with input.bands)\n`,
      );
      expect(existsSync(out)).toBe(false);
    }
    // One name, with a GeoTIFF both read and written, has nothing to name: it was ignored.
    const plain = join(dir, "named.tif");
    const r = tilecast("convert", SCENE, plain, "--var", "reflectance", "-q");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `tilecast: ${plain}: --var names a store's variable; ${SCENE} and this GeoTIFF output have bands, not variables\n`,
    );
    expect(existsSync(plain)).toBe(false);
    const named = join(dir, "named.zarr");
    expect(tilecast("convert", SCENE, named, "--var", "reflectance", "-q").stderr).toBe("");
    expect(existsSync(join(named, "reflectance", ".zarray"))).toBe(true);
  });

  it("the API and pipelines refuse them too; a store takes them", async () => {
    await expect(openSource(SCENE, { variable: ["a", "b"] })).rejects.toThrow("--var (input.var) is for stores");
    await expect(openSource(SCENE, { index: { time: 0 } })).rejects.toThrow("--index (input.index) is for stores");
    await expect(openSource(SCENE, { variable: "a", index: { time: 0 } })).rejects.toThrow(
      "--var (input.var) and --index (input.index) are for stores",
    );
    const p = await loadPipeline("pipelines/scene-identity.yaml", ["input.var=red"]);
    await expect(openInput(p)).rejects.toThrow(`${SCENE}: --var (input.var) is for stores`);
    // No index at all is no choice: the GeoTIFF opens.
    const tif = await openSource(SCENE, { index: {} });
    expect(tif.meta.bands).toBe(4);
    await tif.close();
    const store = await openSource(STORE, { variable: "t2m", index: { time: 1 } });
    expect(store.meta.bands).toBe(1);
    await store.close();
  });
});
