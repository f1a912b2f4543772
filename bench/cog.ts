/**
 * Benchmark: a 16384 x 16384 float32 GeoTIFF (1 GiB of pixels) into a Cloud-Optimized GeoTIFF
 * with `tilecast convert --cog` and with `gdal_translate -of COG` (deflate, predictor, averaged
 * overviews, as tilecast writes floats), same input, taking turns. Prints wall time and peak RSS
 * of each, the ratios, and GDAL's validator verdict on tilecast's file.
 * Targets (fidelity issue): tilecast peak RSS < 400 MB, wall <= 1.5x gdal_translate.
 */
import { spawnSync } from "node:child_process";
import { rmSync, statSync } from "node:fs";
import { benchInput, PYTHON } from "./convert.js";
import { measureAlternating, RUNS } from "./measure.js";

export function benchCog(): void {
  const input = benchInput();
  const gdalOut = "bench/data/out-gdal-cog.tif";
  const ours = "bench/data/out-tilecast-cog.tif";
  const gdal: [string, string[]] = [
    "gdal_translate",
    [
      "-q",
      "-of",
      "COG",
      "-co",
      "COMPRESS=DEFLATE",
      "-co",
      "PREDICTOR=YES",
      "-co",
      "RESAMPLING=AVERAGE",
      input,
      gdalOut,
    ],
  ];
  const tilecast: [string, string[]] = [
    process.execPath,
    ["bin/tilecast.js", "convert", input, ours, "--cog", "--quiet"],
  ];
  const [g, t] = measureAlternating([gdal, tilecast], Math.min(RUNS, 3)) as [
    ReturnType<typeof measureAlternating>[0],
    ReturnType<typeof measureAlternating>[0],
  ];
  const v = spawnSync(
    PYTHON,
    ["-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff", "--full-check=yes", ours],
    {
      encoding: "utf8",
    },
  );
  const mb = (p: string) => (statSync(p).size / 1024 ** 2).toFixed(0);
  console.log(`\nCOG from ${input} (${g.runs} runs each, alternating; median wall, spread, largest peak RSS)`);
  console.log("tool                          wall s (min-max)      peak RSS MB   output MB");
  for (const [name, m, out] of [
    ["gdal_translate -of COG", g, gdalOut],
    ["tilecast convert --cog", t, ours],
  ] as const)
    console.log(
      `${name.padEnd(30)}${m.wallS.toFixed(2).padStart(6)} (${m.minS.toFixed(1)}-${m.maxS.toFixed(1)})   ${m.peakRssMb.toFixed(0).padStart(11)}   ${mb(out).padStart(9)}`,
    );
  console.log(`ratio wall tilecast / gdal_translate: ${(t.wallS / g.wallS).toFixed(2)} (target <= 1.5)`);
  console.log(`tilecast peak RSS ${t.peakRssMb.toFixed(0)} MB (target < 400)`);
  console.log(`GDAL validator on tilecast's COG: ${v.stdout.trim().split("\n")[0]}`);
  rmSync(gdalOut, { force: true });
  rmSync(ours, { force: true });
}
