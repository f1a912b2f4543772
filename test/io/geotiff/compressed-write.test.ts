/**
 * GeoTIFFs written with Zstandard (`compress: "zstd"`) and deflate (the default), their tiles
 * compressed on the codec workers: GDAL must read every value back and name the compression and
 * the predictor tilecast chose, and a ZSTD COG must pass GDAL's validator. Tiles compressed on
 * the workers and on the main thread must come to the same file size.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TilecastError } from "../../../src/errors.js";
import { DTYPE_INFO, type DType } from "../../../src/grid/dtype.js";
import { createGrid } from "../../../src/grid/grid.js";
import { codecPool } from "../../../src/io/codec-pool.js";
import { createCogSink } from "../../../src/io/geotiff/cog.js";
import { createGeoTiffSink } from "../../../src/io/geotiff/writer.js";
import { gdalinfo, hasGdal, PYTHON, py } from "../../helpers/gdal.js";
import { tmp, writeWhole } from "../../helpers/write.js";

const W = 600;
const H = 300;

/** A bands x H x W grid: smooth fields with noise, a NaN square in floats. */
function pattern(dtype: DType, bands: number) {
  const n = W * H;
  const g = createGrid(dtype, [bands, H, W]);
  const float = DTYPE_INFO[dtype].sampleFormat === 3;
  for (let b = 0; b < bands; b++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const v = ((x * 7 + y * 3) * (b + 1) + ((x * 31 + y * 17) % 5)) % 250;
        g.data[b * n + y * W + x] = float ? v * 1.37 - 40 : dtype === "int16" ? v * 100 - 12000 : v;
      }
  if (float) for (let y = 40; y < 60; y++) g.data.fill(Number.NaN, y * W + 300, y * W + 340);
  return g;
}

/** md5 of what GDAL reads, as little-endian bytes of the file's type. */
const gdalMd5 = (path: string) =>
  py<string>(`r = gdal.Open(${JSON.stringify(path)}).ReadAsArray()
r = r if r.ndim == 3 else r[None]
print(json.dumps(__import__("hashlib").md5(np.ascontiguousarray(r).astype(r.dtype.newbyteorder("<")).tobytes()).hexdigest()))`);

const md5 = (d: ArrayBufferView) =>
  createHash("md5")
    .update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength))
    .digest("hex");

describe.skipIf(!hasGdal)("GeoTIFFs written with Zstandard and deflate", () => {
  it.each([
    ["zstd", "uint8", 1, 2],
    ["zstd", "uint16", 4, 2],
    ["zstd", "int16", 2, 2],
    ["zstd", "float32", 1, 3],
    ["zstd", "float64", 3, 3],
    ["deflate", "uint8", 1, 2],
    ["deflate", "uint16", 4, 2],
    ["deflate", "float32", 4, 3],
    ["deflate", "float64", 1, 3],
  ] as const)("%s, %s x%i: GDAL reads every value, with predictor %i", async (compress, dtype, bands, predictor) => {
    const g = pattern(dtype, bands);
    const path = tmp(`${compress}-${dtype}.tif`);
    const pooled = () => {
      const s = codecPool()?.stats();
      return s ? s.done + s.here : 0;
    };
    const before = pooled();
    await writeWhole(path, g, { compress });
    // 3 x 2 tiles, each through the pool: on a worker, or here while none was up yet
    expect(pooled() - before).toBe(6);
    expect(gdalMd5(path)).toBe(md5(g.data));
    const info = gdalinfo(path);
    expect(info.metadata?.IMAGE_STRUCTURE).toMatchObject({
      COMPRESSION: compress.toUpperCase(),
      PREDICTOR: String(predictor),
    });
  });

  it("level 1 and level 19 both read back; the higher level is smaller", async () => {
    const g = pattern("float32", 2);
    const fast = tmp("zstd-1.tif");
    const small = tmp("zstd-19.tif");
    await writeWhole(fast, g, { compress: "zstd", level: 1 });
    await writeWhole(small, g, { compress: "zstd", level: 19 });
    expect(gdalMd5(fast)).toBe(md5(g.data));
    expect(gdalMd5(small)).toBe(md5(g.data));
    expect(readFileSync(small).length).toBeLessThan(readFileSync(fast).length);
  });

  it("a ZSTD COG with overviews passes GDAL's validator", async () => {
    const g = pattern("float32", 1);
    const path = tmp("zstd-cog.tif");
    const sink = await createCogSink(
      path,
      { width: W, height: H, bands: 1, dtype: "float32", georef: null, nodata: null },
      { compress: "zstd", tileSize: 128 },
    );
    for (let row = 0; row < sink.blockGrid.rows; row++)
      for (let col = 0; col < sink.blockGrid.cols; col++) {
        const x = col * 128;
        const y = row * 128;
        const w = Math.min(128, W - x);
        const h = Math.min(128, H - y);
        const block = createGrid("float32", [1, h, w]);
        for (let r = 0; r < h; r++) block.data.set(g.data.subarray((y + r) * W + x, (y + r) * W + x + w), r * w);
        await sink.writeBlock(col, row, block);
      }
    await sink.commit();
    const out = execFileSync(
      PYTHON,
      ["-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff", "--full-check=yes", path],
      { encoding: "utf8" },
    );
    expect(out).toMatch(/is a valid cloud optimized GeoTIFF/);
    expect(gdalMd5(path)).toBe(md5(g.data));
  });

  it.each(["zstd", "deflate"])(
    "%s: tiles compressed without the workers are the same size and values",
    async (compress) => {
      const path = tmp(`${compress}-workers.tif`);
      const main = tmp(`${compress}-main.tif`);
      const args = ["bin/tilecast.js", "convert", "fixtures/demo/scene.s2like.u16.4b.tif"];
      execFileSync(process.execPath, [...args, path, "--compress", compress]);
      execFileSync(process.execPath, [...args, main, "--compress", compress], {
        env: { ...process.env, TILECAST_CODEC_WORKERS: "0" },
      });
      // Tiles land in the order they finish, so the files' bytes differ; their sizes and values do not.
      expect(readFileSync(main).length).toBe(readFileSync(path).length);
      const want = gdalMd5("fixtures/demo/scene.s2like.u16.4b.tif");
      expect(gdalMd5(path)).toBe(want);
      expect(gdalMd5(main)).toBe(want);
      expect(gdalinfo(main).metadata?.IMAGE_STRUCTURE?.COMPRESSION).toBe(compress.toUpperCase());
    },
  );
});

describe("Zstandard options", () => {
  const spec = { width: 64, height: 64, bands: 1, dtype: "uint8" as const, georef: null, nodata: null };
  it.each([
    [{ compress: "zstd", level: 23 }, "zstd level 23 must be an integer from 1 to 22"],
    [{ compress: "deflate", level: 12 }, "deflate level 12 must be an integer from 1 to 9"],
    [{ compress: "lzma" }, "unknown compression 'lzma' (deflate, zstd, none)"],
  ] as const)("%j is refused: %s", async (o, message) => {
    const path = tmp("refused.tif");
    const e = await createGeoTiffSink(path, spec, o as never).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TilecastError);
    expect((e as Error).message).toBe(`${path}: ${message}`);
  });
});
