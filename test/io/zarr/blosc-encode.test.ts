/**
 * tilecast's Blosc encoder shuffles by the data's real type size: c-blosc (Python numcodecs)
 * decodes every chunk byte for byte, tilecast's own decoder too, and a float64 store is about the
 * size zarr-python writes (numcodecs.js, fixed at type size 4, made it 19% larger).
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeBlosc, shuffleBlock } from "../../../src/io/zarr/blosc-encode.js";
import { registerZarrCodecs } from "../../../src/io/zarr/codecs.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { hasGdal, py } from "../../helpers/gdal.js";

const dir = mkdtempSync(join(tmpdir(), "tilecast-blosc-enc-"));

function samples(): [string, Uint8Array, number][] {
  const n = 20000;
  const f64 = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 300) * 100 + i * 1e-3);
  const u16 = Uint16Array.from({ length: n + 3 }, (_, i) => (i * 7) % 4000);
  const i32 = Int32Array.from({ length: n }, (_, i) => (i % 97) - 50);
  let s = 1;
  const noise = Uint8Array.from({ length: 30001 }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s >>> 24;
  });
  const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return [
    ["f64", bytes(f64), 8],
    ["u16", bytes(u16), 2],
    ["i32", bytes(i32), 4],
    ["u8", bytes(u16), 1],
    ["noise", noise, 4],
  ];
}

describe("Blosc encoding with the real type size", () => {
  it("byte shuffle puts byte k of value i at k * n + i, leftover bytes last", () => {
    expect(Array.from(shuffleBlock(Uint8Array.of(1, 2, 3, 4, 5, 6, 7), 3))).toStrictEqual([1, 4, 2, 5, 3, 6, 7]);
  });

  it.skipIf(!hasGdal)(
    "c-blosc decodes every chunk (codecs, shuffles, block sizes, type sizes) byte for byte",
    async () => {
      const ids: string[] = [];
      for (const [name, bytes, typesize] of samples())
        for (const cname of ["zstd", "lz4"] as const)
          for (const shuffle of [0, 1] as const)
            for (const blocksize of [undefined, 4096, 1000]) {
              const id = `${name}-${cname}-${shuffle}-${blocksize ?? "auto"}`;
              writeFileSync(join(dir, `${id}.raw`), bytes);
              writeFileSync(
                join(dir, `${id}.blosc`),
                await encodeBlosc(bytes, { cname, clevel: 5, shuffle, typesize, ...(blocksize ? { blocksize } : {}) }),
              );
              ids.push(id);
            }
      const bad = py<string[]>(`
from numcodecs import blosc
bad = []
for c in ${JSON.stringify(ids)}:
    raw = open("${dir}/" + c + ".raw", "rb").read()
    try:
        if blosc.decompress(open("${dir}/" + c + ".blosc", "rb").read()) != raw: bad.append(c)
    except Exception as e:
        bad.append(c + ": " + str(e))
print(json.dumps(bad))`);
      expect(ids).toHaveLength(60);
      expect(bad).toStrictEqual([]);
    },
  );

  it("tilecast's own decoder reads them back", async () => {
    registerZarrCodecs();
    const { registry } = await import("zarrita");
    const C = (
      await (
        registry.get("numcodecs.blosc") as () => Promise<{
          fromConfig(c: unknown): { decode(b: Uint8Array): Promise<Uint8Array> };
        }>
      )()
    ).fromConfig({});
    for (const [, bytes, typesize] of samples())
      for (const cname of ["zstd", "lz4"] as const) {
        const enc = await encodeBlosc(bytes, { cname, clevel: 5, shuffle: 1, typesize, blocksize: 4096 });
        expect(Buffer.from(await C.decode(enc)).equals(Buffer.from(bytes))).toBe(true);
      }
  });

  it.skipIf(!hasGdal)("a float64 store is within 3% of zarr-python's size (it was 19% larger)", async () => {
    const tif = join(dir, "f64.tif");
    const ref = join(dir, "zp.zarr");
    py<null>(`
import zarr, numcodecs
y, x = np.mgrid[0:512, 0:512]
a = (np.sin(x / 50.0) * np.cos(y / 70.0) * 300 + x * 0.01).astype(np.float64)
d = gdal.GetDriverByName("GTiff").Create("${tif}", 512, 512, 1, gdal.GDT_Float64, ["TILED=YES"])
d.GetRasterBand(1).WriteArray(a); d = None
z = zarr.open("${ref}", mode="w", shape=(1, 512, 512), chunks=(1, 256, 256), dtype="f8", compressor=numcodecs.Blosc(cname="zstd", clevel=5, shuffle=1))
z[0] = a
print("null")`);
    const out = join(dir, "tc.zarr");
    await convertRaster(tif, out, { outputTileSize: 256, write: { compressor: "blosc-zstd" } });
    const size = (d: string) =>
      readdirSync(d)
        .filter((f) => !f.startsWith("."))
        .reduce((n, f) => n + statSync(join(d, f)).size, 0);
    const ratio = size(join(out, "band_data")) / size(ref);
    expect(ratio).toBeLessThan(1.03);
    expect(ratio).toBeGreaterThan(0.9);
    expect(readFileSync(join(out, "band_data", ".zarray"), "utf8")).toContain('"cname": "zstd"');
  });
});
