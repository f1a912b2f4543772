/**
 * Small chunks (a coordinate stored a value a chunk, a small field a step a chunk) are read and
 * inflated on the calling thread, through one reused zlib stream (LZMA's first buffer is the
 * chunk's size, not its decode limit's 64 KiB more). Their values must be
 * zarr-python's whatever the codec and filter, and a chunk that lies about its size fails as the
 * thread-pool path fails: naming the chunk.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { openSource } from "../../../src/io/registry.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const STEPS = 40;

/** A store whose `v` is STEPS x 3 x 4 `dtype` in one-step chunks (`compressor`, `filters`); zarr-python's values. */
function store(path: string, dtype: string, compressor: string, filters = "None"): (number | null)[] {
  return py(`import zarr, numcodecs
rs = np.random.default_rng(5)
a = (rs.standard_normal((${STEPS}, 3, 4)) * 40).astype("${dtype}")
if a.dtype.kind == "f": a[3, 1, 2] = np.nan
g = zarr.open_group("${path}", mode="w")
z = g.create_dataset("v", shape=a.shape, dtype=a.dtype, chunks=(1, 3, 4), compressor=${compressor}, filters=${filters}, fill_value=None)
z[...] = a
z.attrs["_ARRAY_DIMENSIONS"] = ["t", "y", "x"]
print(json.dumps([None if v != v else v for v in z[...].astype(float).ravel().tolist()]))`);
}

async function values(path: string): Promise<(number | null)[]> {
  const src = await openSource(path, { variable: "v" });
  try {
    const g = await src.readWindow({ x: 0, y: 0, width: 4, height: 3 });
    return Array.from(g.data as ArrayLike<number>, (v) => (v !== v ? null : v));
  } finally {
    await src.close();
  }
}

describe.skipIf(!hasGdal)("small chunks, inflated on the calling thread", () => {
  it.each([
    ["zlib", "<f4", "numcodecs.Zlib(1)", "None"],
    ["gzip", "<f8", "numcodecs.GZip(6)", "None"],
    ["zlib, big-endian", ">i2", "numcodecs.Zlib(9)", "None"],
    [
      "zlib under fixedscaleoffset (decodes to fewer bytes than the chunk holds)",
      "<f8",
      "numcodecs.Zlib(1)",
      "[numcodecs.FixedScaleOffset(offset=0, scale=2, dtype='<f8', astype='<i2')]",
    ],
    // An .xz block from Python declares no size: its first buffer is the chunk's size.
    ["lzma (.xz)", "<f8", "numcodecs.LZMA()", "None"],
    [
      "lzma under fixedscaleoffset",
      "<f4",
      "numcodecs.LZMA(preset=1)",
      "[numcodecs.FixedScaleOffset(offset=0, scale=2, dtype='<f4', astype='<i2')]",
    ],
  ])("%s: zarr-python's values", async (_what, dtype, compressor, filters) => {
    const path = tmp("small.zarr");
    const want = store(path, dtype, compressor, filters);
    const got = await values(path);
    expect(got).toStrictEqual(want);
    expect(new Set(want).size).toBeGreaterThan(100); // not a constant
  });

  it.each([
    ["zlib", "numcodecs.Zlib(1)", (b: Buffer) => deflateSync(b)],
    ["gzip", "numcodecs.GZip(1)", (b: Buffer) => gzipSync(b)],
  ])(
    "a %s chunk that inflates past its 48 bytes, or is cut short, fails naming the chunk",
    (_kind, compressor, pack) => {
      const path = tmp("lie.zarr");
      store(path, "<f4", compressor);
      const chunk = join(path, "v/7.0.0");
      writeFileSync(chunk, pack(Buffer.alloc(200_000)));
      const big = tilecast("convert", path, tmp("o.tif"), "-q");
      expect(big.code).toBe(1);
      expect(big.stderr).toMatch(/^tilecast: .*lie\.zarr: .*chunk v\/7\.0\.0.*decodes to more than/);
      writeFileSync(chunk, pack(Buffer.alloc(200)));
      expect(tilecast("convert", path, tmp("o.tif"), "-q").stderr).toContain("chunk v/7.0.0 decodes to 50 values");
      writeFileSync(chunk, pack(Buffer.alloc(48)).subarray(0, 10));
      const cut = tilecast("convert", path, tmp("o.tif"), "-q");
      expect(cut.code).toBe(1);
      expect(cut.stderr).toMatch(/^tilecast: .*lie\.zarr: .*chunk v\/7\.0\.0/);
    },
  );
});
