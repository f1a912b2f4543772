/**
 * GeoTIFF blocks decoded on worker threads: files GDAL makes with blocks of 64 KiB and more, in
 * each codec, predictor, byte order and layout a worker takes, read whole and in a window; every
 * pixel must equal GDAL's, and the workers must have decoded exactly the file's blocks, small
 * ones in runs. Codecs left to the main thread must not reach the workers. A block a worker cannot decode
 * is decoded again on the main thread, which reports it as before. Only a large image starts the
 * workers; a small one uses them once they run.
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TilecastError } from "../../../src/errors.js";
import { codecPool } from "../../../src/io/codec-pool.js";
import { MIN_WORKER_SAMPLES } from "../../../src/io/geotiff/off-thread.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { hasGdal, PYTHON } from "../../helpers/gdal.js";

const W = 600;
const H = 300;

/**
 * name: [GDAL type, bands, creation options, jobs the workers do (a block, or a run of small ones)]. Band b holds
 * ((x * 7 + y * 3) * (b + 1)) % 1000 plus noise, scaled into the type's range, with a NaN
 * square in float bands.
 */
const CASES: Record<string, [string, number, string[], number]> = {
  "float32 deflate predictor 3, 256 px tiles": ["Float32", 1, ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3"], 6],
  "uint16 x4 pixel-interleaved deflate predictor 2": [
    "UInt16",
    4,
    ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2", "INTERLEAVE=PIXEL"],
    6,
  ],
  "int16 x2 band-interleaved LZW predictor 2": [
    "Int16",
    2,
    ["TILED=YES", "COMPRESS=LZW", "PREDICTOR=2", "INTERLEAVE=BAND"],
    12,
  ],
  "float32 big-endian deflate predictor 3, 128-row strips": [
    "Float32",
    1,
    ["COMPRESS=DEFLATE", "PREDICTOR=3", "ENDIANNESS=BIG", "BLOCKYSIZE=128"],
    3,
  ],
  "float64 ZSTD predictor 2": ["Float64", 1, ["TILED=YES", "COMPRESS=ZSTD", "PREDICTOR=2"], 6],
  "float32 LERC_DEFLATE with no-data": ["Float32", 1, ["TILED=YES", "COMPRESS=LERC_DEFLATE"], 6],
  "uint16 12-bit deflate": ["UInt16", 1, ["TILED=YES", "COMPRESS=DEFLATE", "NBITS=12"], 6],
  "float16 deflate predictor 3": ["Float32", 1, ["TILED=YES", "COMPRESS=DEFLATE", "NBITS=16", "PREDICTOR=3"], 6],
  "byte x3 JPEG (main thread)": ["Byte", 3, ["TILED=YES", "COMPRESS=JPEG"], 0],
  "float32 uncompressed (main thread)": ["Float32", 1, ["TILED=YES"], 0],
  // Small blocks go in runs of about 256 KiB: 15 tiles of 16 KiB are one job; 75 strips of
  // 4 rows (9600 bytes) are runs of 28, three jobs.
  "byte deflate 128 px tiles, 16 KiB, in one run": [
    "Byte",
    1,
    ["TILED=YES", "COMPRESS=DEFLATE", "BLOCKXSIZE=128", "BLOCKYSIZE=128"],
    1,
  ],
  "float32 deflate predictor 3, 4-row strips, in runs": [
    "Float32",
    1,
    ["COMPRESS=DEFLATE", "PREDICTOR=3", "BLOCKYSIZE=4"],
    3,
  ],
};

const MAKE = `
import hashlib, json, sys
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
out, cases = sys.argv[1], json.loads(sys.argv[2])
rng = np.random.default_rng(3)
res = {}
for i, (name, (typ, bands, opts, _)) in enumerate(cases.items()):
    ds = gdal.GetDriverByName("MEM").Create("", ${W}, ${H}, bands, getattr(gdal, "GDT_" + typ))
    y, x = np.mgrid[0:${H}, 0:${W}]
    for b in range(bands):
        a = ((x * 7 + y * 3) * (b + 1)) % 1000 + rng.integers(0, 9, (${H}, ${W}))
        a = a * (4 if "NBITS=12" in opts else 60 if typ in ("UInt16", "Int16") else 0.25 if typ == "Byte" else 1.37)
        if typ == "Int16": a -= 30000
        if typ.startswith("Float"): a[40:60, 300:340] = np.nan
        ds.GetRasterBand(b + 1).WriteArray(a)
    path = f"{out}/{i}.tif"
    gdal.Translate(path, ds, format="GTiff", creationOptions=opts)
    r = gdal.Open(path).ReadAsArray()
    r = r if r.ndim == 3 else r[None]
    le = np.ascontiguousarray(r).astype(r.dtype.newbyteorder("<"))
    res[name] = {"path": path, "md5": hashlib.md5(le.tobytes()).hexdigest(), "dtype": str(r.dtype),
                 "window": le[:, 250:262, 500:517].astype(np.float64).ravel().tolist()}
print(json.dumps(res))
`;

interface Made {
  path: string;
  md5: string;
  dtype: string;
  window: number[];
}

/** md5 of `data` as little-endian bytes of its own type. */
async function md5(data: ArrayBufferView): Promise<string> {
  const { createHash } = await import("node:crypto");
  return createHash("md5")
    .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    .digest("hex");
}

const dir = mkdtempSync(join(tmpdir(), "tilecast-tiff-workers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pool = codecPool();
const stats = () => pool?.stats() ?? { done: 0, fallbacks: 0, workers: 0, here: 0 };

// First in the file: once started, the workers stay for the process.
describe.skipIf(!hasGdal)("which images start the workers", () => {
  it(`a small image does not; one of ${MIN_WORKER_SAMPLES} samples does, when it is opened`, async () => {
    const make = (path: string, side: number) =>
      execFileSync(PYTHON, [
        "-c",
        `from osgeo import gdal
ds = gdal.GetDriverByName("GTiff").Create("${path}", ${side}, ${side}, 1, gdal.GDT_Byte, ["TILED=YES", "COMPRESS=DEFLATE"])
band = ds.GetRasterBand(1)
band.Fill(7)
band = None
ds = None`,
      ]);
    const side = Math.sqrt(MIN_WORKER_SAMPLES);
    make(join(dir, "small.tif"), side - 256);
    make(join(dir, "large.tif"), side);
    const small = await openGeoTiff(join(dir, "small.tif"));
    const s = await small.readWindow({ x: 0, y: 0, width: side - 256, height: side - 256 });
    await small.close();
    expect(s.data[12345]).toBe(7);
    expect(pool?.started).toBe(false);
    expect(stats().done).toBe(0);
    const large = await openGeoTiff(join(dir, "large.tif"));
    expect(pool?.started).toBe(true); // before any read
    const l = await large.readWindow({ x: 0, y: 0, width: 600, height: 300 });
    await large.close();
    expect(l.data[12345]).toBe(7);
    // 3 x 2 tiles of 256 px, 64 KiB each, through the pool: on the workers, or on this thread
    // while none was up yet.
    expect(stats().done + stats().here).toBe(6);
  });
});

/**
 * A copy of `source` named `name` with `n` bytes of block `block` ("col_row", GDAL's
 * BLOCK_OFFSET_col_row) overwritten, from its 9th byte on.
 */
function corruptCopy(source: string, name: string, block: string, n: number): string {
  const path = join(dir, name);
  execFileSync("cp", [source, path]);
  // Hold the dataset and band: a chained GetRasterBand() call on a temporary dataset crashes GDAL's Python.
  const where = `from osgeo import gdal
ds = gdal.Open(${JSON.stringify(path)})
band = ds.GetRasterBand(1)
print(band.GetMetadataItem("BLOCK_OFFSET_${block}", "TIFF"))`;
  const offset = Number(execFileSync(PYTHON, ["-c", where], { encoding: "utf8" }));
  if (!(offset > 0)) throw new Error(`no block ${block} in ${source}`);
  const fd = openSync(path, "r+");
  writeSync(fd, Buffer.alloc(n, 0xa5), 0, n, offset + 8);
  closeSync(fd);
  return path;
}

describe.skipIf(!hasGdal)("GeoTIFF blocks decoded on worker threads", () => {
  const made = JSON.parse(
    execFileSync(PYTHON, ["-c", MAKE, dir, JSON.stringify(CASES)], { encoding: "utf8" }),
  ) as Record<string, Made>;
  // The files are small: they use the workers only when these run. Wait for them to be up, so
  // that every block goes to a worker, none to this thread.
  beforeAll(async () => {
    pool?.warm();
    await pool?.whenUp();
  });

  it.each(Object.keys(CASES))("%s: every pixel is GDAL's", async (name) => {
    expect(pool).not.toBeNull();
    const m = made[name] as Made;
    const [, bands, , blocks] = CASES[name] as [string, number, string[], number];
    const before = stats();
    const src = await openGeoTiff(m.path);
    try {
      const whole = await src.readWindow({ x: 0, y: 0, width: W, height: H });
      expect(whole.shape).toEqual([bands, H, W]);
      expect(await md5(whole.data)).toBe(m.md5);
      expect(stats().done - before.done).toBe(blocks);
      // A window across four tiles, from the block cache: values and the NaN square's edge.
      const w = await src.readWindow({ x: 500, y: 250, width: 17, height: 12 });
      expect(Array.from(w.data, Number)).toEqual(m.window);
      expect(stats().fallbacks).toBe(before.fallbacks);
    } finally {
      await src.close();
    }
  });

  it("a corrupt block is decoded again on the main thread, which names it", async () => {
    const m = made["float32 deflate predictor 3, 256 px tiles"] as Made;
    const path = corruptCopy(m.path, "corrupt.tif", "1_0", 64);
    const before = stats();
    const src = await openGeoTiff(path);
    const e = await src.readWindow({ x: 0, y: 0, width: W, height: H }).catch((x: unknown) => x);
    await src.close();
    expect(e).toBeInstanceOf(TilecastError);
    expect((e as TilecastError).code).toBe("E_CORRUPT");
    expect((e as Error).message).toContain(path);
    expect((e as Error).message).toMatch(/corrupt tile \(1, 0\)/);
    expect(stats().fallbacks - before.fallbacks).toBe(1);
  });

  it("a corrupt strip in a run is decoded again on the main thread, which names it", async () => {
    const m = made["float32 deflate predictor 3, 4-row strips, in runs"] as Made;
    const path = corruptCopy(m.path, "corrupt-strip.tif", "0_30", 32);
    const before = stats();
    const src = await openGeoTiff(path);
    const ok = await src.readWindow({ x: 0, y: 0, width: W, height: 100 }); // strips 0-24: the first run
    const e = await src.readWindow({ x: 0, y: 100, width: W, height: 50 }).catch((x: unknown) => x);
    await src.close();
    const first = `from osgeo import gdal
import hashlib, json
ds = gdal.Open(${JSON.stringify(path)})
print(json.dumps(hashlib.md5(ds.ReadAsArray(0, 0, ${W}, 100).astype("<f4").tobytes()).hexdigest()))`;
    expect(await md5(ok.data)).toBe(JSON.parse(execFileSync(PYTHON, ["-c", first], { encoding: "utf8" })));
    expect(e).toBeInstanceOf(TilecastError);
    expect((e as Error).message).toMatch(/corrupt strip 30/);
    expect(stats().fallbacks - before.fallbacks).toBe(1); // the second run, strips 28-55
  });

  it("reads the file it opened when the path is replaced before the read", async () => {
    const m = made["float32 deflate predictor 3, 256 px tiles"] as Made;
    const other = made["float32 big-endian deflate predictor 3, 128-row strips"] as Made;
    const path = join(dir, "replaced.tif");
    execFileSync("cp", [m.path, path]);
    const src = await openGeoTiff(path);
    const copy = join(dir, "replacement.tif");
    execFileSync("cp", [other.path, copy]);
    renameSync(copy, path); // as an atomic writer replaces an output
    const before = stats();
    const whole = await src.readWindow({ x: 0, y: 0, width: W, height: H });
    await src.close();
    expect(stats().done - before.done).toBe(6);
    expect(await md5(whole.data)).toBe(m.md5);
  });
});
