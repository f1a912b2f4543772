/**
 * float32 values keep every bit through reading and converting, NaN payloads included: GDAL and
 * zarr-python copy bytes, and a value copied through JavaScript would have a signalling NaN's
 * quiet bit set (src/util/float-bits.ts). The rasters hold 1.0 with signalling NaNs (payloads
 * 0x7f800001 and up) and negative quiet NaNs with payloads scattered through them.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openGeoTiff } from "../../src/io/geotiff/reader.js";
import { openZarrSource } from "../../src/io/zarr/source.js";
import { convertRaster } from "../../src/pipeline/convert.js";
import { bitsOf } from "../../src/util/float-bits.js";
import { hasGdal, py } from "../helpers/gdal.js";

const dir = mkdtempSync(join(tmpdir(), "tilecast-nan-"));
const W = 48;
const H = 40;

/** The bits GDAL reads from a GeoTIFF, or zarr-python from a Zarr v2 store, as hex strings (band-major). */
function referenceBits(path: string): string[] {
  const read = path.endsWith(".zarr")
    ? `import zarr\na = np.asarray(zarr.open(${JSON.stringify(path)}, mode="r")["band_data"][...])`
    : `a = gdal.Open(${JSON.stringify(path)}).ReadAsArray()`;
  return py<string[]>(
    `${read}\nprint(json.dumps([format(int(v), "08x") for v in a.astype("<f4").view(np.uint32).ravel()]))`,
  );
}

const hex = (d: Float32Array) =>
  Array.from(bitsOf(d) as unknown as Uint32Array, (v) => v.toString(16).padStart(8, "0"));

describe.skipIf(!hasGdal)("NaN payloads survive reading and converting", () => {
  let want: string[] = [];
  beforeAll(() => {
    want = py<string[]>(`h, w = ${H}, ${W}
bits = np.full((4, h, w), 0x3f800000, dtype=np.uint32)
rng = np.random.default_rng(1)
for b in range(4):
    for k in range(30):
        bits[b, rng.integers(0, h), rng.integers(0, w)] = 0x7f800001 + rng.integers(0, 0x3fffff)
        bits[b, rng.integers(0, h), rng.integers(0, w)] = 0xffc00000 | rng.integers(1, 0x3fffff)
a = bits.view(np.float32)
for name, opts in [("pixel", ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE", "INTERLEAVE=PIXEL"]),
                   ("band", ["COMPRESS=LZW", "INTERLEAVE=BAND"])]:
    ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(dir)} + "/" + name + ".tif", w, h, 4, gdal.GDT_Float32, opts)
    for b in range(4): ds.GetRasterBand(b + 1).WriteArray(a[b])
    ds = None
print(json.dumps([format(int(v), "08x") for v in bits.ravel()]))`);
  });

  it("the rasters hold signalling NaNs, as GDAL reads them back", () => {
    const signalling = want.filter((v) => /^7f[89ab]/.test(v) && v !== "7f800000");
    expect(signalling.length).toBeGreaterThan(100);
    expect(referenceBits(join(dir, "pixel.tif"))).toStrictEqual(want);
  });

  it.each(["pixel", "band"])("%s-interleaved GeoTIFF: the reader's window holds GDAL's bits", async (name) => {
    const src = await openGeoTiff(join(dir, `${name}.tif`));
    const g = await src.readWindow({ x: 0, y: 0, width: W, height: H });
    await src.close();
    expect(hex(g.data as Float32Array)).toStrictEqual(want);
  });

  it.each(["pixel", "band"])(
    "%s-interleaved GeoTIFF converted to GeoTIFF, Zarr v2 and sharded Zarr v3",
    async (name) => {
      const input = join(dir, `${name}.tif`);
      const tif = join(dir, `${name}.out.tif`);
      const v2 = join(dir, `${name}.zarr`);
      const v3 = join(dir, `${name}.v3.zarr`);
      await convertRaster(input, tif, { tileSize: 32 });
      await convertRaster(input, v2, { tileSize: 32, write: { compressor: "zlib" } });
      await convertRaster(input, v3, { tileSize: 32, write: { zarrFormat: 3, shardSize: 256 } });
      expect(referenceBits(tif)).toStrictEqual(want);
      expect(referenceBits(v2)).toStrictEqual(want);
      // Debian's zarr-python reads no v3: tilecast reads the sharded store back, and GDAL its copy.
      const src = await openZarrSource(v3, { variable: "band_data" });
      const g = await src.readWindow({ x: 0, y: 0, width: W, height: H });
      expect(hex(g.data as Float32Array)).toStrictEqual(want);
      const back = join(dir, `${name}.v3.tif`);
      await convertRaster(v3, back, { tileSize: 32, variable: "band_data" });
      expect(referenceBits(back)).toStrictEqual(want);
      expect(readFileSync(back).length).toBeGreaterThan(0);
    },
  );
});
