/**
 * The Predictor tag as libtiff reads it: applied only in the codecs that take one (LZW, Deflate,
 * Zstandard, LZMA), ignored in the rest (none, PackBits), and in those codecs only 1, 2 or 3, the
 * floating-point one on floating-point samples only: libtiff fails every read otherwise.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { openGeoTiff } from "../../../src/index.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, PYTHON } from "../../helpers/gdal.js";
import { editTiff } from "../../helpers/tiff-edit.js";
import { tmp } from "../../helpers/write.js";

function withPredictor(fixture: string, value: number): string {
  const p = tmp(`predictor-${value}.tif`);
  editTiff(`fixtures/geotiff/${fixture}`, p, [{ tag: 317, type: 3, values: [value] }]);
  return p;
}

/** GDAL's values of a file, flat; null when it cannot read them. */
function gdalValues(p: string): number[] | null {
  const code = `import sys, json
from osgeo import gdal
gdal.DontUseExceptions(); gdal.PushErrorHandler("CPLQuietErrorHandler")
ds = gdal.Open(sys.argv[1])
a = None if ds is None else ds.ReadAsArray()
print(json.dumps(None if a is None else a.ravel().tolist()))`;
  return JSON.parse(execFileSync(PYTHON, ["-c", code, p], { encoding: "utf8", maxBuffer: 2 ** 26 })) as number[] | null;
}

async function values(p: string): Promise<number[]> {
  const src = await openGeoTiff(p);
  try {
    const g = await src.readWindow({ x: 0, y: 0, width: src.meta.width, height: src.meta.height });
    return Array.from(g.data as ArrayLike<number>);
  } finally {
    await src.close();
  }
}

describe("the Predictor tag", () => {
  it.each([
    ["u8.none.strip.1b.tif", 2],
    ["u8.none.strip.1b.tif", 3],
    ["u32.packbits.strip.1b.tif", 2],
  ] as const)("%s with Predictor %i: ignored, as libtiff ignores it without a codec that takes one", async (f, v) => {
    const p = withPredictor(f, v);
    const want = await values(`fixtures/geotiff/${f}`);
    expect(await values(p)).toStrictEqual(want); // it was applied: other values
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
