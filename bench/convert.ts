/**
 * Benchmark: convert a 16384 x 16384 float32 deflate-tiled GeoTIFF (1 GiB of pixels) with
 * `tilecast convert` and with `gdal_translate -co TILED=YES -co COMPRESS=DEFLATE -co PREDICTOR=3`,
 * same input, same run. Prints wall time and peak RSS for each, and the ratios.
 * Targets (foundation issue): tilecast peak RSS < 400 MB, wall <= 1.5x gdal_translate.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { type Measurement, measure } from "./measure.js";

const SIZE = Number(process.env.BENCH_SIZE ?? 16384);
const DATA = "bench/data";
const input = `${DATA}/f32-${SIZE}.deflate.pred3.tif`;
export const PYTHON = process.env.TILECAST_PYTHON ?? "/usr/bin/python3";

/** The benchmark input, made with GDAL on first use. */
export function benchInput(): string {
  mkdirSync(DATA, { recursive: true });
  if (!existsSync(input)) {
    process.stderr.write(`making ${input} with GDAL ...\n`);
    const r = spawnSync(PYTHON, ["bench/make-input.py", input, String(SIZE)], { stdio: "inherit" });
    if (r.status !== 0) throw new Error("could not make the benchmark input (needs python3-gdal)");
  }
  return input;
}

export function benchConvert(): {
  tilecast: Measurement;
  gdal: Measurement;
  gdalThreads: Measurement;
} {
  benchInput();
  const outs = [`${DATA}/out-gdal.tif`, `${DATA}/out-gdal-threads.tif`, `${DATA}/out-tilecast.tif`];
  for (const o of outs) rmSync(o, { force: true });
  const co = ["-q", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3"];
  const gdal = measure("gdal_translate", [...co, input, outs[0] as string]);
  const gdalThreads = measure("gdal_translate", [...co, "-co", "NUM_THREADS=ALL_CPUS", input, outs[1] as string]);
  const tilecast = measure(process.execPath, ["bin/tilecast.js", "convert", input, outs[2] as string, "--quiet"]);
  const mb = (p: string) => (statSync(p).size / 1024 ** 2).toFixed(0);
  console.log(
    `\nconvert ${SIZE} x ${SIZE} float32 (${((SIZE * SIZE * 4) / 1024 ** 3).toFixed(2)} GiB of pixels), input ${mb(input)} MB`,
  );
  console.log("tool                                    wall s   peak RSS MB   output MB");
  const row = (name: string, m: Measurement, out: string) =>
    console.log(
      `${name.padEnd(40)}${m.wallS.toFixed(2).padStart(6)}   ${m.peakRssMb.toFixed(0).padStart(11)}   ${mb(out).padStart(9)}`,
    );
  row("gdal_translate (default, 1 thread)", gdal, outs[0] as string);
  row("gdal_translate NUM_THREADS=ALL_CPUS", gdalThreads, outs[1] as string);
  row("tilecast convert", tilecast, outs[2] as string);
  console.log(
    `ratio wall tilecast / gdal_translate: ${(tilecast.wallS / gdal.wallS).toFixed(2)} (target <= 1.5); vs threaded GDAL ${(tilecast.wallS / gdalThreads.wallS).toFixed(2)}`,
  );
  console.log(`tilecast peak RSS ${tilecast.peakRssMb.toFixed(0)} MB (target < 400)`);
  for (const o of outs) rmSync(o, { force: true });
  return { tilecast, gdal, gdalThreads };
}
