/**
 * The Predictor tag as libtiff reads it: applied only in the codecs that take one (LZW, Deflate,
 * Zstandard, LZMA), ignored in the rest (none, PackBits), and in those codecs only 1, 2 or 3, the
 * floating-point one on floating-point samples only: libtiff fails every read otherwise.
 */
import { describe, expect, it } from "vitest";
import { gdalValues, tilecastValues } from "../../helpers/all-values.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal } from "../../helpers/gdal.js";
import { editTiff } from "../../helpers/tiff-edit.js";
import { tmp } from "../../helpers/write.js";

function withPredictor(fixture: string, value: number): string {
  const p = tmp(`predictor-${value}.tif`);
  editTiff(`fixtures/geotiff/${fixture}`, p, [{ tag: 317, type: 3, values: [value] }]);
  return p;
}

describe("the Predictor tag", () => {
  it.each([
    ["u8.none.strip.1b.tif", 2],
    ["u8.none.strip.1b.tif", 3],
    ["u32.packbits.strip.1b.tif", 2],
  ] as const)("%s with Predictor %i: ignored, as libtiff ignores it without a codec that takes one", async (f, v) => {
    const p = withPredictor(f, v);
    const want = await tilecastValues(`fixtures/geotiff/${f}`);
    expect(await tilecastValues(p)).toStrictEqual(want); // it was applied: other values
    if (hasGdal) expect(gdalValues(p)).toStrictEqual(want);
  });

  it.each([
    ["u16.deflate.pred2.tiled.3b.tif", 0, "Predictor 0 is not 1, 2 or 3 (none, horizontal, floating point)"],
    ["u16.deflate.pred2.tiled.3b.tif", 16387, "Predictor 16387 is not 1, 2 or 3 (none, horizontal, floating point)"],
    ["i16.lzw.pred2.tiled.band.2b.tif", 4, "Predictor 4 is not 1, 2 or 3 (none, horizontal, floating point)"],
    ["i8.deflate.tiled.1b.tif", 3, "the floating-point predictor (3) on integer samples"],
  ] as const)("%s with Predictor %i: refused by name, as libtiff fails every read of it", (f, v, message) => {
    const p = withPredictor(f, v);
    const r = tilecast("inspect", p);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`tilecast: ${p}: ${message}\n`);
    if (hasGdal) expect(gdalValues(p)).toBeNull();
  });
});
