/**
 * How many values each layout tag may hold, as `ifd-scan.ts` checks them: libtiff's rules, since
 * GDAL reads through it. Sizes and choices take exactly one value (libtiff: "Incorrect count", the
 * file does not open); BitsPerSample and SampleFormat one, or at least one per sample, of which
 * only the first per sample count; a Predictor of other than one value is ignored.
 */
import { describe, expect, it } from "vitest";
import { gdalValues, tilecastValues } from "../../helpers/all-values.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal } from "../../helpers/gdal.js";
import { editTiff } from "../../helpers/tiff-edit.js";
import { tmp } from "../../helpers/write.js";

const STRIP = "fixtures/geotiff/u8.none.strip.1b.tif"; // 40 x 24, one band, strips of 5 rows
const TILED = "fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif"; // 40 x 24, 3 bands, 16 px tiles, predictor 2

/** `from` with tag `tag` rewritten as SHORT `values`. */
function withValues(from: string, tag: number, values: number[]): string {
  const p = tmp(`count-${tag}-${values.length}.tif`);
  editTiff(from, p, [{ tag, type: 3, values }]);
  return p;
}

describe("layout tags' value counts", () => {
  it.each([
    [STRIP, 256, "ImageWidth", [40, 40]],
    [STRIP, 257, "ImageLength", []],
    [TILED, 259, "Compression", [8, 8]],
    [STRIP, 259, "Compression", []],
    [TILED, 277, "SamplesPerPixel", [3, 3]],
    [TILED, 278, "RowsPerStrip", [16, 16]],
    [STRIP, 284, "PlanarConfiguration", []],
    [TILED, 284, "PlanarConfiguration", [1, 2]],
    [TILED, 322, "TileWidth", [16, 16]],
    [TILED, 323, "TileLength", [16, 17]],
  ] as const)("%s, tag %i: %s holding [%s] is refused by name", (from, tag, name, values) => {
    const p = withValues(from, tag, [...values]);
    const r = tilecast("inspect", p);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`tilecast: ${p}: IFD 0: ${name} has ${values.length} values; it must have one\n`);
    if (hasGdal) expect(gdalValues(p)).toBeNull(); // libtiff: "Incorrect count"
  });

  it.each([
    [TILED, 258, "BitsPerSample", [16, 16]],
    [TILED, 339, "SampleFormat", [1, 1]],
    [STRIP, 258, "BitsPerSample", []],
    [STRIP, 339, "SampleFormat", []],
  ] as const)("%s, tag %i: %s with fewer values than samples ([%s]) is refused by name", (from, tag, name, values) => {
    const p = withValues(from, tag, [...values]);
    const spp = from === TILED ? 3 : 1;
    expect(tilecast("inspect", p).stderr).toBe(
      `tilecast: ${p}: IFD 0: ${name} has ${values.length} values; it must have one, or one per sample (${spp})\n`,
    );
    if (hasGdal) expect(gdalValues(p)).toBeNull();
  });

  it.skipIf(!hasGdal)(
    "BitsPerSample and SampleFormat values past one per sample are ignored, and a Predictor of two values too, as libtiff ignores them",
    async () => {
      const cases: [string, number, number[]][] = [
        [STRIP, 258, [8, 16]],
        [STRIP, 339, [1, 3]],
        [TILED, 258, [16, 16, 16, 8]],
        [TILED, 339, [1, 1, 1, 3]],
      ];
      for (const [from, tag, values] of cases) {
        const p = withValues(from, tag, values);
        const want = await tilecastValues(from);
        expect(await tilecastValues(p), `${tag} [${values}]`).toStrictEqual(want);
        expect(gdalValues(p)).toStrictEqual(want);
      }
      // Two Predictor values: no predictor, so the differences stored read as they are.
      const p = withValues(TILED, 317, [2, 2]);
      const got = await tilecastValues(p);
      expect(got).not.toStrictEqual(await tilecastValues(TILED));
      expect(got).toStrictEqual(await tilecastValues(withValues(TILED, 317, [1])));
      expect(gdalValues(p)).toStrictEqual(got);
    },
  );
});
