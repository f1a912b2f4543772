/**
 * Benchmark: read a 64 x 721 x 1440 float32 Zarr variable (chunks 1 x 721 x 1440), zlib and
 * blosc-lz4, one time step per window, with tilecast and with zarr-python, same stores, same run.
 * Target (Zarr issue): at least as fast as zarr-python; peak RSS bounded by a window plus a few
 * chunks (one window is 4.2 MB).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { measureAlternating, RUNS, type Runs } from "./measure.js";

const DATA = "bench/data";
const PYTHON = process.env.TILECAST_PYTHON ?? "/usr/bin/python3";

export function benchZarr(): void {
  mkdirSync(DATA, { recursive: true });
  const r = spawnSync(PYTHON, ["bench/make-zarr.py", DATA], { stdio: "inherit" });
  if (r.status !== 0) throw new Error("could not make the Zarr benchmark stores (needs python3-zarr)");
  console.log("\nread 64 x 721 x 1440 float32 (265 MB decoded), one 721 x 1440 window per time step");
  console.log(`median of ${RUNS} alternating runs each (TILECAST_BENCH_RUNS), min-max in brackets`);
  console.log("store           tool          wall s (min-max)      peak RSS MB   checksum");
  for (const codec of ["zlib", "blosc-lz4"]) {
    const store = `${DATA}/era5-like.${codec}.zarr`;
    const sum = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8" }).stdout.trim();
    const [py, tc] = measureAlternating([
      [PYTHON, ["bench/zarr_read.py", store]],
      [process.execPath, ["bench/zarr-read.mjs", store]],
    ]) as [Runs, Runs];
    const pySum = sum(PYTHON, ["bench/zarr_read.py", store]);
    const tcSum = sum(process.execPath, ["bench/zarr-read.mjs", store]);
    const row = (tool: string, m: Runs, s: string) => {
      const spread = `(${m.minS.toFixed(2)}-${m.maxS.toFixed(2)})`;
      console.log(
        `${codec.padEnd(16)}${tool.padEnd(14)}${m.wallS.toFixed(2).padStart(6)} ${spread.padEnd(13)}   ${m.peakRssMb.toFixed(0).padStart(11)}   ${s}`,
      );
    };
    row("zarr-python", py, pySum);
    row("tilecast", tc, tcSum);
    console.log(
      `${"".padEnd(16)}ratio wall tilecast / zarr-python: ${(tc.wallS / py.wallS).toFixed(2)} (target <= 1.0)`,
    );
  }
}
