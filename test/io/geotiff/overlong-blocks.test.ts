/**
 * Deflate blocks whose streams inflate past the block (a file whose width lies, as the fuzz
 * harness's `size-lie` makes them): tilecast reads each stream's first bytes, the block's worth.
 * GDAL cannot be the reference here: libtiff decodes with libdeflate, which stops short of the
 * block's end when the stream runs past it, leaving bytes unwritten (test/fuzz/overlong.py). The
 * expected pixels come from inflating each strip by hand.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { openGeoTiff } from "../../../src/index.js";
import { firstIfd, put } from "../../fuzz/tiff.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const SCENE = "fixtures/demo/scene.s2like.u16.4b.tif";

/** The values of a LONG or SHORT tag of the first IFD. */
function longs(b: Uint8Array, tag: number): number[] {
  const ifd = firstIfd(b);
  const e = ifd?.entries.find((x) => x.tag === tag);
  if (!ifd || !e) throw new Error(`no tag ${tag}`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: e.count }, (_, i) =>
    e.size === 2 ? v.getUint16(e.at + 2 * i, ifd.little) : v.getUint32(e.at + 4 * i, ifd.little),
  );
}

describe.skipIf(!hasGdal)("deflate blocks that inflate past their size", () => {
  it("read as each strip's first bytes, for every width the file may claim", async () => {
    const base = tmp("strips.tif");
    py(
      `gdal.Translate(${JSON.stringify(base)}, ${JSON.stringify(SCENE)}, srcWin=[0, 0, 64, 16], creationOptions=["COMPRESS=DEFLATE", "BLOCKYSIZE=2"]); print("{}")`,
    );
    const good = new Uint8Array(readFileSync(base));
    const offsets = longs(good, 273);
    const counts = longs(good, 279);
    expect(offsets).toHaveLength(8);
    for (const width of [1, 3, 17]) {
      const b = good.slice();
      const ifd = firstIfd(b);
      const w = ifd?.entries.find((x) => x.tag === 256);
      if (!ifd || !w) throw new Error("no ImageWidth");
      put(b, w.at, w.size, width, ifd.little);
      const lie = tmp(`lie-${width}.tif`);
      writeFileSync(lie, b);

      const src = await openGeoTiff(lie);
      expect([src.meta.width, src.meta.height, src.meta.bands]).toStrictEqual([width, 16, 4]);
      const g = await src.readWindow({ x: 0, y: 0, width, height: 16 });
      const got = g.data as Uint16Array;
      // Each strip: two rows of `width` pixels of 4 interleaved uint16 samples, from the start of
      // a stream that holds two rows of 64.
      for (let s = 0; s < 8; s++) {
        const raw = inflateSync(good.subarray(offsets[s], (offsets[s] as number) + (counts[s] as number)));
        expect(raw.length).toBe(2 * 64 * 4 * 2);
        const first = new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + 2 * width * 4 * 2));
        for (let r = 0; r < 2; r++)
          for (let x = 0; x < width; x++)
            for (let band = 0; band < 4; band++) {
              const y = 2 * s + r;
              expect(got[band * 16 * width + y * width + x], `strip ${s} row ${r} x ${x} band ${band}`).toBe(
                first[(r * width + x) * 4 + band],
              );
            }
      }
      await src.close?.();
    }
  });
});
