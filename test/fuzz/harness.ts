/**
 * The fuzzing harness: makes seeded hostile cases from good GeoTIFFs and Zarr stores, runs
 * tilecast on them in a child process under a memory budget and a per-case time limit (a hang
 * is killed and recorded, the run goes on with the next case), reads the same files with GDAL
 * and zarr-python, and sorts every case into one bucket:
 * - `clean`: a one-line TilecastError naming the file;
 * - `equal`: tilecast's pixels equal the reference's, and a GeoTIFF's geotransform GDAL's;
 * - `undefinedInReference`: they differ where the reference's pixels are not the file's (a
 *   deflate block that inflates past its size leaves libtiff's buffer partly unwritten; see
 *   overlong.py), or where a changed Zstandard frame, which has no checksum, decodes (or not)
 *   differently in another version of the decoder, or where a shard's index gives a Blosc chunk
 *   more bytes than its frame (tensorstore refuses it; numcodecs, and tilecast, ignore the rest);
 * - `crashedReference`: the reference process died on the case (tilecast read it; nothing to
 *   compare with);
 * - anything else (`differs`, `georefDiffers`, `refusedByReference`, `foreignError`, `unnamed`, `hang`, `crash`,
 *   `memory`) is a finding.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { convertRaster } from "../../src/pipeline/convert.js";
import { type Case, makeCases } from "./mutate.js";

export interface Outcome {
  case: Case;
  bucket: string;
  detail: string;
}

export interface FuzzReport {
  counts: Record<string, number>;
  findings: Outcome[];
  seconds: number;
}

const GOOD_TIFFS = [
  "u8.none.strip.1b.tif",
  "u16.deflate.pred2.tiled.3b.tif",
  "i16.lzw.pred2.tiled.band.2b.tif",
  "f32.deflate.pred3.tiled.2b.nodata-nan.tif",
  "u16.deflate.pred2.tiled.1b.bigendian.tif",
  "i16.deflate.tiled.1b.bigtiff.tif",
  "u32.packbits.strip.1b.tif",
  "u16.deflate.tiled.1b.overviews.tif",
  "f32.none.strip.1b.bigendian.tif",
];

/**
 * The demo scene with a GDAL internal mask (band 4 as the mask, tiled, deflate): its directory
 * and tiles are read on every window, so mutations reach the mask reader.
 */
function maskedBase(dir: string): string[] {
  const p = join(dir, "scene.masked.tif");
  const args = [
    "-mask",
    "4",
    "--config",
    "GDAL_TIFF_INTERNAL_MASK",
    "YES",
    "-co",
    "TILED=YES",
    "-co",
    "COMPRESS=DEFLATE",
  ];
  if (!existsSync(p)) spawnSync("gdal_translate", ["-q", ...args, "fixtures/demo/scene.s2like.u16.4b.tif", p]);
  return existsSync(p) ? [p] : [];
}

/** Good inputs to mutate: fixtures, GDAL-made bomb bases, small Zarr stores made by tilecast and by zarr-python. */
async function bases(dir: string, gdal: boolean) {
  const tiff = GOOD_TIFFS.map((f) => join("fixtures/geotiff", f));
  if (gdal) {
    for (const c of ["DEFLATE", "LZW", "ZSTD", "LERC_DEFLATE"]) {
      const p = join(dir, `zeros.${c.toLowerCase()}.tif`);
      if (!existsSync(p))
        spawnSync("gdal_create", [
          "-outsize",
          "2048",
          "2048",
          "-ot",
          "Byte",
          "-co",
          "TILED=YES",
          "-co",
          "BLOCKXSIZE=2048",
          "-co",
          "BLOCKYSIZE=2048",
          "-co",
          `COMPRESS=${c}`,
          p,
        ]);
      if (existsSync(p)) tiff.push(p);
    }
    // The demo scene as GDAL writes the sample types and codecs that tilecast decodes itself.
    const VARIANTS: Record<string, string[]> = {
      nbits12: ["-co", "NBITS=12", "-co", "COMPRESS=LZW", "-co", "TILED=YES"],
      half: ["-ot", "Float32", "-co", "NBITS=16", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3"],
      lerc: ["-ot", "Float32", "-co", "COMPRESS=LERC_ZSTD", "-co", "INTERLEAVE=BAND"],
      bigendian: ["-co", "ENDIANNESS=BIG", "-co", "COMPRESS=DEFLATE", "-co", "BLOCKYSIZE=1"],
      lzma: [
        "-co",
        "COMPRESS=LZMA",
        "-co",
        "PREDICTOR=2",
        "-co",
        "TILED=YES",
        "-co",
        "BLOCKXSIZE=128",
        "-co",
        "BLOCKYSIZE=128",
      ],
    };
    for (const [name, args] of Object.entries(VARIANTS)) {
      const p = join(dir, `scene.${name}.tif`);
      if (!existsSync(p)) spawnSync("gdal_translate", ["-q", ...args, "fixtures/demo/scene.s2like.u16.4b.tif", p]);
      if (existsSync(p)) tiff.push(p);
    }
  }
  const zarr: { path: string; variable: string }[] = [];
  for (const c of ["zlib", "blosc-lz4", "none", "lz4"]) {
    const p = join(dir, `base.${c}.zarr`);
    if (!existsSync(p))
      await convertRaster("fixtures/demo/scene.s2like.u16.4b.tif", p, {
        outputTileSize: 128,
        write: { compressor: c },
      });
    zarr.push({ path: p, variable: "band_data" });
  }
  if (gdal) {
    // zarr-python's layouts (test/fuzz/zarr_bases.py), copied from the uncompressed store.
    const python = process.env.TILECAST_PYTHON ?? "/usr/bin/python3";
    const made = spawnSync(python, ["test/fuzz/zarr_bases.py", join(dir, "base.none.zarr"), dir], { encoding: "utf8" });
    for (const p of made.stdout.split("\n").filter(Boolean)) zarr.push({ path: p, variable: "band_data" });
  }
  if (gdal && tensorstorePython()) {
    // Zarr v3, sharded (tilecast's layout: 64 px inner chunks in 256 px shards) and not, read by tensorstore.
    for (const [name, write] of [
      ["v3-sharded", { zarrFormat: 3 as const, shardSize: 256 }],
      ["v3-gzip", { zarrFormat: 3 as const, compressor: "gzip" as const }],
    ] as const) {
      const p = join(dir, `base.${name}.zarr`);
      if (!existsSync(p))
        await convertRaster("fixtures/demo/scene.s2like.u16.4b.tif", p, { outputTileSize: 64, write });
      zarr.push({ path: p, variable: "band_data" });
    }
  }
  return { tiff, zarr };
}

function runTilecast(
  casesFile: string,
  cases: Case[],
  timeoutMs: number,
  budget: string,
): Promise<Map<string, Record<string, unknown>>> {
  const results = new Map<string, Record<string, unknown>>();
  return new Promise((resolve) => {
    const start = (from: number) => {
      if (from >= cases.length) return resolve(results);
      const child = spawn(process.execPath, ["--import", "tsx", "test/fuzz/worker.ts", casesFile, String(from)], {
        env: { ...process.env, TILECAST_MEMORY_BUDGET: budget },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let next = from;
      let buf = "";
      let timer: NodeJS.Timeout;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          results.set((cases[next] as Case).id, { hang: true });
          child.kill("SIGKILL");
        }, timeoutMs);
      };
      arm();
      child.stdout.on("data", (d: Buffer) => {
        buf += d.toString();
        let i = buf.indexOf("\n");
        while (i >= 0) {
          const r = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
          results.set(r.id as string, r);
          next++;
          buf = buf.slice(i + 1);
          i = buf.indexOf("\n");
        }
        arm();
      });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        if (code === 3) return start(next); // the worker restarts itself after a large case
        if (next < cases.length) {
          const id = (cases[next] as Case).id;
          if (!results.has(id))
            results.set(id, {
              crash: true,
              message: `exit ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`,
            });
          start(next + 1);
        } else resolve(results);
      });
    };
    start(0);
  });
}

/** A Python with tensorstore (TILECAST_TENSORSTORE_PYTHON, or the bench's venv), or null. */
function tensorstorePython(): string | null {
  const python = process.env.TILECAST_TENSORSTORE_PYTHON ?? "bench/.venv/bin/python";
  return spawnSync(python, ["-c", "import tensorstore"]).status === 0 ? python : null;
}

/**
 * The references' verdicts by case id. A reference that dies (GDAL or a codec crashing on a
 * case, sometimes only after others have run in the process) is started again after the case it
 * died on, which is marked `crashed`: one crash no longer leaves every later case without a
 * reference. A verdict replaces an earlier script's (tensorstore's replaces zarr-python's on
 * Zarr v3).
 */
function reference(casesFile: string, cases: readonly Case[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const index = new Map(cases.map((c, i) => [c.id, i]));
  const run = (python: string, script: string) => {
    for (let from = 0; from < cases.length; ) {
      const file = from === 0 ? casesFile : `${casesFile}.from-${from}.json`;
      if (from > 0) writeFileSync(file, JSON.stringify(cases.slice(from)));
      const r = spawnSync(python, [script, file], { encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
      // Each script marks a case ({"id", "begin"}) before working on it: the case it died on is
      // the last one marked and not answered (the Zarr v3 script skips the cases it does not read).
      let begun: string | null = null;
      for (const line of r.stdout.split("\n").filter(Boolean)) {
        const o = JSON.parse(line) as Record<string, unknown>;
        if (o.begin) begun = o.id as string;
        else {
          out.set(o.id as string, o);
          if (o.id === begun) begun = null;
        }
      }
      if (r.status === 0 || begun === null) return;
      out.set(begun, { id: begun, ok: false, crashed: `${script} died (${r.signal ?? `exit ${r.status}`})` });
      from = (index.get(begun) as number) + 1;
    }
  };
  run(process.env.TILECAST_PYTHON ?? "/usr/bin/python3", "test/fuzz/reference.py");
  const ts = tensorstorePython();
  if (ts) run(ts, "test/fuzz/reference_ts.py"); // Zarr v3 cases: tensorstore's verdict replaces zarr-python's
  return out;
}

/** Two geotransforms (or none) alike, NaN equal to NaN (GDAL reports what the file holds). */
function sameTransform(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return (a ?? null) === (b ?? null);
  return a.length === b.length && a.every((v, i) => v === b[i] || (Number.isNaN(v) && Number.isNaN(b[i])));
}

/** Make `n` cases with `seed` under `dir`, run them, and sort the outcomes. */
export async function fuzz(o: {
  seed: number;
  cases: number;
  dir: string;
  gdal: boolean;
  timeoutMs?: number;
  maxRssMB?: number;
  /** Mutate only a GeoTIFF with an internal mask (GDAL-made) instead of the usual bases. */
  masked?: boolean;
}): Promise<FuzzReport> {
  const t0 = performance.now();
  mkdirSync(o.dir, { recursive: true });
  const good = o.masked ? { tiff: maskedBase(o.dir), zarr: [] } : await bases(o.dir, o.gdal);
  if (good.tiff.length + good.zarr.length === 0) throw new Error("no base files to mutate");
  const cases = makeCases(o.seed, o.cases, good, join(o.dir, `seed-${o.seed}`));
  const casesFile = join(o.dir, `cases-${o.seed}.json`);
  writeFileSync(casesFile, JSON.stringify(cases));
  const mine = await runTilecast(casesFile, cases, o.timeoutMs ?? 15_000, "512MiB");
  const ref = o.gdal ? reference(casesFile, cases) : new Map();
  const counts: Record<string, number> = {};
  const findings: Outcome[] = [];
  for (const c of cases) {
    const m = mine.get(c.id) ?? { crash: true, message: "no result" };
    const r = ref.get(c.id);
    let bucket: string;
    let detail = String(m.message ?? "");
    if (m.hang) bucket = "hang";
    else if (m.crash) bucket = "crash";
    else if ((m.rssMB as number) > (o.maxRssMB ?? 1500)) bucket = "memory";
    else if (m.ok) {
      if (!r) bucket = o.gdal ? "noReference" : "readUnchecked";
      else if (r.crashed) {
        bucket = "crashedReference";
        detail = String(r.crashed);
      } else if (!r.ok) {
        bucket = r.undefined ? "undefinedInReference" : "refusedByReference";
        detail = String(r.undefined ?? r.error);
      } else if (r.md5 !== m.md5) bucket = r.undefined ? "undefinedInReference" : "differs";
      else bucket = c.kind !== "tiff" || sameTransform(m.gt, r.gt) ? "equal" : "georefDiffers";
      if (bucket === "georefDiffers") detail = `tilecast ${JSON.stringify(m.gt)}, GDAL ${JSON.stringify(r.gt)}`;
      if (bucket === "undefinedInReference") detail = String(r.undefined);
      if (bucket === "differs") detail = `tilecast ${m.dtype} ${m.md5}, reference ${r?.dtype} ${r?.md5}`;
    } else if (!m.tilecast) bucket = "foreignError";
    else if (String(m.message).includes("\n") || !String(m.message).includes(c.path)) bucket = "unnamed";
    else bucket = "clean";
    counts[bucket] = (counts[bucket] ?? 0) + 1;
    if (!["clean", "equal", "readUnchecked", "undefinedInReference", "crashedReference"].includes(bucket))
      findings.push({ case: c, bucket, detail });
  }
  return { counts, findings, seconds: Math.round((performance.now() - t0) / 100) / 10 };
}
