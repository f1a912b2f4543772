/**
 * File names with characters YAML or URLs give a meaning to (`#`, `?`, `: `, quotes, `&`, a
 * leading `{`) reach the pipeline verbatim: as a queued scene (its `{scene}`), in `--set`, and
 * as an output whose format is picked by extension. Before, `field #3.tif` lost ` #3.tif` as a
 * YAML comment, `{scene}.tif` and `&a.tif` in `--set` failed or became null, and an output named
 * `out #1.tif` or `a?.zarr` was refused as an unknown format.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { driverForExtension } from "../../src/io/registry.js";
import { loadScene } from "../../src/pipeline/scene.js";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const SCENE = "fixtures/demo/scene.s2like.u16.4b.tif";
const ODD = ["field #3", "Ortho: 2024", "it's", "&a", "{b}", "50% ?x"];

describe("odd file names", () => {
  it("a queued scene's name fills {scene} verbatim, wherever the file puts it", async () => {
    const dir = dirname(tmp("x"));
    const file = join(dir, "p.yaml");
    writeFileSync(
      file,
      `input:
  path: placeholder.tif
tiling: { size: 256, overlap: 0 }
model: { type: identity }
output:
  path: '{scene}/out {scene}.tif'
  quicklook: {scene}.png
`,
    );
    for (const name of ODD) {
      const scene = join(dir, "scenes", `${name}.tif`);
      const p = await loadScene(file, scene, []);
      expect(p.input.path).toBe(scene);
      expect(p.output?.path).toBe(join(dir, name, `out ${name}.tif`));
      expect(p.output?.quicklook).toBe(join(dir, `${name}.png`));
    }
  });

  it("outputs take their format from the extension; a URL's query and fragment are not part of it", () => {
    for (const name of ["out #1.tif", "a?.zarr", "b#c.tiff", "d?e#f.zarr/"])
      expect(driverForExtension(`/data/${name}`)?.id, name).toBe(name.includes("zarr") ? "zarr" : "geotiff");
    expect(driverForExtension("/data/a.tif#x")).toBeUndefined();
    expect(driverForExtension("https://host/a.tif?sig=1#x")?.id).toBe("geotiff");
    expect(driverForExtension("https://host/a.zarr/?x=1")?.id).toBe("zarr");
  });

  it.skipIf(!hasGdal)(
    "the command line converts and runs such files",
    () => {
      const dir = join(dirname(tmp("x")), "dir #1");
      mkdirSync(dir);
      const input = join(dir, "scène ?x#y.tif");
      copyFileSync(SCENE, input);
      const tif = join(dir, "out #1.tif");
      expect(tilecast("convert", input, tif).code).toBe(0);
      // `{scene}` in `run` is the input's name, as in a queued job (it wrote `{scene} &1.tif`).
      const sets = (path: string) =>
        ["input.path", input, "output.path", path, "normalize", "null", "output.dtype", "uint16"].flatMap((v, i, a) =>
          i % 2 ? [] : ["--set", `${v}=${a[i + 1]}`],
        );
      const r = tilecast("run", "pipelines/scene-identity.yaml", ...sets(join(dir, "{scene} &1.tif")));
      expect(r.stderr).toBe("");
      const out = join(dir, "scène ?x#y &1.tif");
      expect(existsSync(join(dir, "{scene} &1.tif"))).toBe(false);
      // A sharded run's shards and `finalize` agree on that name.
      const sharded = join(dir, "{scene}-sharded.tif");
      for (const shard of ["0/2", "1/2"])
        expect(
          tilecast(
            "run",
            "pipelines/scene-identity.yaml",
            ...sets(sharded),
            "--set",
            "tiling.parts.height=256",
            "--shard",
            shard,
          ).code,
        ).toBe(0);
      const fin = tilecast(
        "finalize",
        "pipelines/scene-identity.yaml",
        ...sets(sharded),
        "--set",
        "tiling.parts.height=256",
      );
      expect(fin.stderr).toBe("");
      const paths = [SCENE, tif, out, join(dir, "scène ?x#y-sharded.tif")];
      const sums = py<number[]>(
        `print(json.dumps([float(gdal.Open(p).ReadAsArray().sum()) for p in ${JSON.stringify(paths)}]))`,
      );
      expect(sums.slice(1)).toStrictEqual([sums[0], sums[0], sums[0]]);
    },
    60_000,
  );
});
