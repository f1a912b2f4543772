/** The I/O rows: GeoTIFF reads, converts and COGs beside GDAL; Zarr reads beside zarr-python and
 * tensorstore; streaming memory across scene sizes. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { Side, Workload } from "../harness.js";
import {
  DATA,
  floatInput,
  floatTif,
  make,
  NODE,
  PYTHON,
  pythonHas,
  removeFiles,
  sceneTif,
  TENSORSTORE,
  WASM,
  zarrStore,
} from "./common.js";

/** GDAL's side of a GeoTIFF read of `file` (`mb` megabytes of values). */
const gdalRead = (file: string, mb: number): Side => ({
  tool: "GDAL ReadAsArray (2 threads)",
  cmd: PYTHON,
  args: ["bench/geotiff_read.py", file],
  env: { GDAL_NUM_THREADS: "2" },
  work: mb,
});

export function geotiffRead(n: number, quick: boolean): Workload {
  const file = floatTif(n);
  const mb = (n * n * 4) / 1e6;
  return {
    group: "geotiff",
    name: `GeoTIFF read, ${n}² float32 deflate+predictor, 256² tiles`,
    unit: "MB/s",
    quick,
    // A 4096² read takes a third of a second a side, and its ratio moved by a tenth between runs
    // of three: seven turns cost about 5 s more.
    runs: n > 8192 ? 1 : 7,
    warmup: n <= 8192,
    setup: () => floatInput(file, n),
    tilecast: { tool: "tilecast", cmd: NODE, args: ["bench/geotiff-read.mjs", file], work: mb },
    reference: gdalRead(file, mb),
    target: { min: 1.0 },
  };
}

/**
 * The 4096² read on the same values in GDAL's default striped layout (deflate + predictor 3
 * without TILED=YES: strips of one row, 16 KiB each), which small-block runs on the codec
 * workers are for. Reported without a target: the target is for tiles.
 */
export function stripedRead(n: number): Workload {
  const tiled = floatTif(n);
  const file = `${DATA}/f32-${n}.deflate.pred3.strips.tif`;
  const mb = (n * n * 4) / 1e6;
  return {
    group: "geotiff",
    name: `GeoTIFF read, ${n}² float32 deflate+predictor, one-row strips (GDAL's default)`,
    unit: "MB/s",
    quick: false,
    runs: 3,
    setup: () => {
      make(tiled, "bench/make-input.py", tiled, String(n));
      if (existsSync(file)) return;
      const r = spawnSync("gdal_translate", ["-q", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3", tiled, file]);
      if (r.status !== 0) throw new Error(`could not make ${file} (needs gdal-bin)`);
    },
    tilecast: { tool: "tilecast", cmd: NODE, args: ["bench/geotiff-read.mjs", file], work: mb },
    reference: gdalRead(file, mb),
  };
}

export function convert(n: number, quick: boolean, codec: "deflate" | "zstd" = "deflate"): Workload {
  const file = floatTif(n);
  const mb = (n * n * 4) / 1e6;
  const ours = `${DATA}/out-tilecast-${n}-${codec}.tif`;
  const theirs = `${DATA}/out-gdal-${n}-${codec}.tif`;
  const gdalCodec = codec === "zstd" ? ["-co", "COMPRESS=ZSTD", "-co", "ZSTD_LEVEL=3"] : ["-co", "COMPRESS=DEFLATE"];
  return {
    group: "geotiff",
    name: `GeoTIFF convert, ${n}² float32 (${codec}+predictor out)`,
    unit: "MB/s",
    quick,
    runs: n > 8192 ? 1 : 3,
    warmup: n <= 8192,
    setup: () => floatInput(file, n),
    cleanup: removeFiles(ours, theirs),
    tilecast: {
      tool: "tilecast",
      cmd: NODE,
      args: ["bin/tilecast.js", "convert", file, ours, "--compress", codec, "--quiet"],
      work: mb,
    },
    reference: {
      tool: "gdal_translate",
      cmd: "gdal_translate",
      args: ["-q", "-co", "TILED=YES", ...gdalCodec, "-co", "PREDICTOR=3", file, theirs],
      work: mb,
    },
    target: codec === "deflate" ? { min: 0.67 } : undefined,
  };
}

export function cog(n: number): Workload {
  const file = floatTif(n);
  const mb = (n * n * 4) / 1e6;
  const ours = `${DATA}/out-tilecast-cog.tif`;
  const theirs = `${DATA}/out-gdal-cog.tif`;
  return {
    group: "geotiff",
    name: `COG with overviews, ${n}² float32`,
    unit: "MB/s",
    quick: false,
    runs: 1,
    warmup: false,
    setup: () => floatInput(file, n),
    cleanup: removeFiles(ours, theirs),
    tilecast: {
      tool: "tilecast",
      cmd: NODE,
      args: ["bin/tilecast.js", "convert", file, ours, "--cog", "--quiet"],
      work: mb,
    },
    reference: {
      tool: "gdal_translate -of COG",
      cmd: "gdal_translate",
      args: [
        "-q",
        "-of",
        "COG",
        "-co",
        "COMPRESS=DEFLATE",
        "-co",
        "PREDICTOR=YES",
        "-co",
        "RESAMPLING=AVERAGE",
        file,
        theirs,
      ],
      work: mb,
    },
    target: { min: 0.67 },
  };
}

export function zarrRead(codec: string, reference: "zarr-python" | "tensorstore"): Workload {
  const store = zarrStore(codec);
  const mb = (64 * 721 * 1440 * 4) / 1e6;
  const ref: Side =
    reference === "zarr-python"
      ? { tool: "zarr-python", cmd: PYTHON, args: ["bench/zarr_read.py", store], work: mb }
      : { tool: "tensorstore", cmd: TENSORSTORE, args: ["bench/zarr_read_tensorstore.py", store], work: mb };
  return {
    group: "zarr",
    name: `Zarr read, 64 x 721 x 1440 float32, ${codec}`,
    unit: "MB/s",
    quick: true,
    runs: 5,
    unavailable: () =>
      reference === "tensorstore" && !pythonHas(TENSORSTORE, "tensorstore")
        ? `no tensorstore in ${TENSORSTORE} (npm run bench:setup)`
        : null,
    setup: () => void make(`${store}/.zmetadata`, "bench/make-zarr.py", DATA),
    tilecast: { tool: "tilecast", cmd: NODE, args: ["bench/zarr-read.mjs", store], work: mb },
    reference: ref,
    target: { min: 1.0 },
  };
}

/**
 * A satellite swath (4000² float32 placed by 2-D float64 latitude and longitude, 500² zlib
 * chunks) converted to a new Zarr store beside xarray's `open_zarr(...).to_zarr(...)` with the
 * same compressor and chunks: tilecast samples the geolocation for GCPs and copies it whole, as
 * xarray copies the coordinates. MB/s of the three arrays' values.
 */
export function swathConvert(): Workload {
  const store = `${DATA}/swath-4000.zarr`;
  const ours = `${DATA}/out-tilecast-swath.zarr`;
  const theirs = `${DATA}/out-xarray-swath.zarr`;
  const mb = (4000 * 4000 * (4 + 8 + 8)) / 1e6;
  return {
    group: "zarr",
    name: "Zarr swath convert, 4000² float32 + 2-D float64 latitude/longitude",
    unit: "MB/s",
    quick: false,
    runs: 3,
    setup: () => void make(`${store}/.zmetadata`, "bench/make-swath.py", store),
    cleanup: () => {
      for (const p of [ours, theirs]) rmSync(p, { recursive: true, force: true });
    },
    tilecast: { tool: "tilecast", cmd: NODE, args: ["bin/tilecast.js", "convert", store, ours, "--quiet"], work: mb },
    reference: { tool: "xarray", cmd: PYTHON, args: ["bench/swath_convert.py", store, theirs], work: mb },
  };
}

/**
 * One time step at a time (a whole 721 x 1440 chunk each), scattered, with a pause between: the
 * latency of a read nobody read ahead for, as a service answering requests sees it. Reads/s of
 * the median read.
 */
export function zarrStep(): Workload {
  const store = zarrStore("blosc-lz4");
  return {
    group: "zarr",
    name: "Zarr one time step, 721 x 1440 float32, blosc-lz4, scattered reads",
    unit: "reads/s",
    quick: true,
    runs: 5,
    unavailable: () =>
      pythonHas(TENSORSTORE, "tensorstore") ? null : `no tensorstore in ${TENSORSTORE} (npm run bench:setup)`,
    setup: () => void make(`${store}/.zmetadata`, "bench/make-zarr.py", DATA),
    tilecast: { tool: "tilecast", cmd: NODE, args: ["bench/zarr-step.mjs", store], field: "readsPerSec" },
    reference: {
      tool: "tensorstore",
      cmd: TENSORSTORE,
      args: ["bench/zarr_step_tensorstore.py", store],
      field: "readsPerSec",
    },
    target: { min: 1.0 },
  };
}

/**
 * Opening a nowcast archive that xarray's appends left with its `time` stored a value a chunk
 * (150 000 5-minute steps): the coordinate's chunks are read and decoded to label the bands,
 * beside xarray's `open_zarr`, which loads the same coordinate into its index. Both time the
 * open inside the process (xarray's import is not counted).
 */
export function zarrOpenAppended(): Workload {
  const store = `${DATA}/appended-150k.zarr`;
  return {
    group: "zarr",
    name: "Zarr open, time coordinate of 150 000 one-value chunks (xarray appends)",
    unit: "chunks/s",
    quick: false,
    runs: 3,
    setup: () => void make(store, "bench/make-appended.py", store),
    tilecast: { tool: "tilecast", cmd: NODE, args: ["bench/zarr-open.mjs", store], field: "chunksPerSec" },
    reference: {
      tool: "xarray open_zarr",
      cmd: PYTHON,
      args: ["bench/zarr_open.py", store],
      field: "chunksPerSec",
    },
    target: { min: 1.0 },
  };
}

function stagesPipeline(n: number): string {
  const file = `${DATA}/stages-${n}.yaml`;
  const stats = `${DATA}/stages-stats.json`;
  mkdirSync(DATA, { recursive: true }); // listing the workloads writes these on a fresh clone
  const band = (m: number) => ({ count: 1, mean: m, std: 300, min: 0, max: 65535 });
  writeFileSync(stats, JSON.stringify({ bands: [1400, 1800, 2200, 2600].map(band), transforms: [] }));
  writeFileSync(
    file,
    [
      `name: stages-${n}`,
      `input: {path: ${process.cwd()}/${sceneTif(n)}}`,
      "tiling: {size: 512, overlap: 64, concurrency: 4}",
      `normalize: {method: zscore, stats: ${process.cwd()}/${stats}}`,
      "model: {type: identity}",
      "batch: 2",
      "stitch: {weights: hann}",
      `output: {path: ${process.cwd()}/${DATA}/stages-out-${n}.tif, dtype: float32, block: 512, compress: none}`,
    ].join("\n"),
  );
  return file;
}

/** Streaming memory: the same pipeline over a scene and a smaller one; peak RSS against the smaller's. */
export function stages(n: number, base: number, quick: boolean): Workload {
  return {
    group: "stages",
    name: `stages (read, tile, normalize, identity, stitch, write), ${n}² x 4`,
    unit: "Mpx/s",
    quick,
    scene: n,
    baseScene: base,
    // Three runs a side, medians compared: one run's peak RSS swung by a tenth between runs
    // (4096² and 16384² by hand: 574-646 and 615-651 MB), as much as the target allows.
    runs: 3,
    warmup: false,
    setup: () => {
      for (const s of [base, n]) make(sceneTif(s), "bench/make-scene.py", sceneTif(s), String(s));
    },
    cleanup: removeFiles(`${DATA}/stages-out-${n}.tif`, `${DATA}/stages-out-${base}.tif`),
    tilecast: {
      tool: "tilecast",
      cmd: NODE,
      args: ["bin/tilecast.js", "run", stagesPipeline(n), "--quiet"],
      env: WASM,
      work: (n * n) / 1e6,
    },
    reference: {
      tool: `tilecast at ${base}²`,
      cmd: NODE,
      args: ["bin/tilecast.js", "run", stagesPipeline(base), "--quiet"],
      env: WASM,
      work: (base * base) / 1e6,
    },
    // The plateau: from 4096² on, a scene 16 times larger may not hold 10 % more.
    target: base >= 4096 ? { max: 1.1, memory: true } : { memory: true },
  };
}
