/**
 * Benchmark: stream a 4-band uint16 scene through read -> tile(512, overlap 64) -> normalize ->
 * identity predict -> stitch (Hann) -> write with `tilecast run`, at 16384^2 and 4096^2, and
 * report wall time and peak RSS of each. Targets (stages issue): peak RSS < 600 MB at 16384^2
 * and no more than 10% above the 4096^2 run (memory must not grow with the scene).
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { type Measurement, measure } from "./measure.js";

const DATA = "bench/data";
const PYTHON = process.env.TILECAST_PYTHON ?? "/usr/bin/python3";
const SIZES = (process.env.BENCH_STAGE_SIZES ?? "4096,16384").split(",").map(Number);

function scene(size: number): string {
  const path = `${DATA}/scene-u16-4b-${size}.tif`;
  if (!existsSync(path)) {
    process.stderr.write(`making ${path} with GDAL ...\n`);
    const r = spawnSync(PYTHON, ["bench/make-scene.py", path, String(size)], { stdio: "inherit" });
    if (r.status !== 0) throw new Error("could not make the benchmark scene (needs python3-gdal)");
  }
  return path;
}

function pipeline(size: number, input: string, output: string): string {
  const file = `${DATA}/stages-${size}.yaml`;
  const stats = `${DATA}/stages-stats.json`;
  // Fixed statistics: the benchmark measures the streaming run, not the statistics pass.
  const band = (m: number) => ({ count: 1, mean: m, std: 300, min: 0, max: 65535 });
  writeFileSync(stats, JSON.stringify({ bands: [1400, 1800, 2200, 2600].map(band), transforms: [] }));
  writeFileSync(
    file,
    [
      `name: stages-${size}`,
      `input: {path: ${process.cwd()}/${input}}`,
      "tiling: {size: 512, overlap: 64, concurrency: 4}",
      `normalize: {method: zscore, stats: ${process.cwd()}/${stats}}`,
      "model: {type: identity}",
      "batch: 2",
      "stitch: {weights: hann}",
      `output: {path: ${process.cwd()}/${output}, dtype: float32, block: 512, compress: none}`,
    ].join("\n"),
  );
  return file;
}

export function benchStages(): Record<number, Measurement> {
  mkdirSync(DATA, { recursive: true });
  const results: Record<number, Measurement> = {};
  for (const size of SIZES) {
    const out = `${DATA}/stages-out-${size}.tif`;
    rmSync(out, { force: true });
    const file = pipeline(size, scene(size), out);
    results[size] = measure(process.execPath, ["bin/tilecast.js", "run", file, "--quiet"]);
    rmSync(out, { force: true });
  }
  console.log(
    "\nstages: read -> tile(512, overlap 64) -> normalize -> identity -> stitch (hann) -> write, 4-band uint16",
  );
  console.log("scene             wall s   peak RSS MB   Mpx/s");
  for (const size of SIZES) {
    const m = results[size] as Measurement;
    console.log(
      `${`${size} x ${size}`.padEnd(16)}${m.wallS.toFixed(2).padStart(7)}   ${m.peakRssMb.toFixed(0).padStart(11)}   ${((size * size) / 1e6 / m.wallS).toFixed(1).padStart(5)}`,
    );
  }
  const big = results[Math.max(...SIZES)];
  const small = results[Math.min(...SIZES)];
  if (big && small && SIZES.length > 1)
    console.log(
      `peak RSS ${big.peakRssMb.toFixed(0)} MB (target < 600); ratio to the ${Math.min(...SIZES)}^2 run ${(big.peakRssMb / small.peakRssMb).toFixed(2)} (target <= 1.10)`,
    );
  return results;
}
