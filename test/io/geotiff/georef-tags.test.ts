/**
 * The geotransform from GeoTIFF tags in the combinations no writer makes but files hold, against
 * GDAL's reading of the same file: ModelPixelScale with ModelTransformation (the scale wins), a
 * zero scale (the matrix, or nothing), a matrix of 15 or 17 values (ignored), a scale without a
 * whole tiepoint (nothing), a negative ScaleY (north-up, unless GTIFF_HONOUR_NEGATIVE_SCALEY);
 * and transforms GDAL passes on but tilecast refuses: NaN, infinity, zero-area pixels. Tags of a
 * field type or a count libtiff does not read (`geotag-rules.ts`) are ignored, as GDAL ignores them.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { openGeoTiff } from "../../../src/index.js";
import { firstIfd, put } from "../../fuzz/tiff.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { editTiff, type NewEntry } from "../../helpers/tiff-edit.js";
import { tmp } from "../../helpers/write.js";

// 40 x 24, EPSG:4326, scale (0.25, 0.25), tiepoint (0, 0) -> (10, 50).
const BASE = "fixtures/geotiff/u8.none.strip.1b.tif";
const M = [2, 0.5, 0, 1000, 0.25, -3, 0, 2000, 0, 0, 0, 0, 0, 0, 0, 1];
const scale = (values: number[]): NewEntry => ({ tag: 33550, type: 12, values });
const tiepoint = (values: number[]): NewEntry => ({ tag: 33922, type: 12, values });
const matrix = (values: number[]): NewEntry => ({ tag: 34264, type: 12, values });

const CASES: Record<string, { add: NewEntry[]; drop?: number[] }> = {
  "scale and matrix": { add: [matrix(M)] },
  "zero ScaleX and a matrix": { add: [scale([0, 0.25, 0]), matrix(M)] },
  "zero ScaleY alone": { add: [scale([0.25, 0, 0])] },
  "a matrix of 15 values": { add: [matrix(M.slice(0, 15))], drop: [33550, 33922] },
  "a matrix of 17 values and a scale": { add: [matrix([...M, 0])] },
  "a scale without a tiepoint, and a matrix": { add: [matrix(M)], drop: [33922] },
  "a tiepoint of 5 values": { add: [tiepoint([0, 0, 0, 10, 50]), matrix(M)] },
  "a negative ScaleY": { add: [scale([2, -3, 0]), tiepoint([1, 2, 0, 10, 50, 0])] },
  "a negative ScaleX": { add: [scale([-2, 3, 0])] },
  "a rotated matrix alone": { add: [matrix(M)], drop: [33550, 33922] },
};

/** BASE with entry `tag`'s field type or count set to `value` in place, `pad` zero bytes added at the end. */
function patched(tag: number, field: "type" | "count", value: number, pad = 0): string {
  const src = readFileSync(BASE);
  const b = new Uint8Array(src.length + pad);
  b.set(src);
  const ifd = firstIfd(b);
  const k = ifd?.entries.findIndex((e) => e.tag === tag) ?? -1;
  if (!ifd || k < 0) throw new Error("fixture");
  const entry = ifd.offset + 2 + 12 * k;
  if (field === "type") put(b, entry + 2, 2, value, ifd.little);
  else put(b, entry + 4, 4, value, ifd.little);
  const p = tmp(`${field}-${tag}-${value}.tif`);
  writeFileSync(p, b);
  return p;
}

/** GDAL's geotransform of `path`, or null when it reports none. */
function gdalTransform(path: string, honour = false): number[] | null {
  const set = honour ? 'gdal.SetConfigOption("GTIFF_HONOUR_NEGATIVE_SCALEY", "YES")\n' : "";
  return py(
    `${set}ds = gdal.Open(${JSON.stringify(path)})\nprint(json.dumps(ds.GetGeoTransform(can_return_null=True)))`,
  );
}

afterEach(() => {
  delete process.env.GTIFF_HONOUR_NEGATIVE_SCALEY;
});

describe.skipIf(!hasGdal)("GeoTIFF georeferencing tags as GDAL reads them", () => {
  it.each(Object.entries(CASES))("%s", async (_, c) => {
    const p = tmp("georef.tif");
    editTiff(BASE, p, c.add, c.drop);
    const want = gdalTransform(p);
    const got = (await openGeoTiff(p)).meta.georef;
    // Without a geotransform GDAL reports none; tilecast keeps the CRS with the identity.
    expect(got?.transform ?? null).toStrictEqual(want ?? [0, 1, 0, 0, 0, 1]);
    expect(got?.crs?.epsg).toBe(4326);
  });

  it("GTIFF_HONOUR_NEGATIVE_SCALEY=YES makes a negative ScaleY south-up, in GDAL and tilecast alike", async () => {
    const p = tmp("south-up.tif");
    editTiff(BASE, p, [scale([2, -3, 0]), tiepoint([1, 2, 0, 10, 50, 0])]);
    process.env.GTIFF_HONOUR_NEGATIVE_SCALEY = "YES";
    const want = gdalTransform(p, true);
    expect(want).toStrictEqual([8, 2, 0, 44, 0, 3]);
    expect((await openGeoTiff(p)).meta.georef?.transform).toStrictEqual(want);
  });

  it.each([
    ["NaN", [scale([Number.NaN, 0.25, 0])], "holds NaN or infinity (NaN, NaN, 0, 50, 0, -0.25)"],
    [
      "infinity",
      [scale([0.25, Number.POSITIVE_INFINITY, 0])],
      "holds NaN or infinity (10, 0.25, 0, NaN, 0, -Infinity)",
    ],
    [
      "parallel axes",
      [matrix([1, 2, 0, 0, 2, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])],
      "is singular: pixels of zero area (0, 1, 2, 0, 2, 4)",
    ],
  ] as const)("a transform with %s is refused naming the file", async (_, add, problem) => {
    const p = tmp("bad.tif");
    editTiff(BASE, p, [...add], add[0]?.tag === 34264 ? [33550, 33922] : []);
    await expect(openGeoTiff(p)).rejects.toThrow(`${p}: its geotransform ${problem}`);
  });
});

describe.skipIf(!hasGdal)(
  "georeferencing tags libtiff does not read: another field type, or more than 65535 values",
  () => {
    /** BASE with the entry patched; with a count, padded so the values lie inside the file. */
    const patchedTag = (tag: number, field: "type" | "count", value: number) =>
      patched(tag, field, value, field === "count" ? value * 8 : 0);
    const gdalCrs = (p: string) =>
      py<string>(`ds = gdal.Open(${JSON.stringify(p)})\nprint(json.dumps(ds.GetProjection()))`);

    it.each([
      ["ModelTiepoint", 33922, "type", 18],
      ["ModelTiepoint", 33922, "type", 7],
      ["ModelPixelScale", 33550, "type", 13],
      ["ModelPixelScale", 33550, "count", 65539],
      ["ModelTiepoint", 33922, "count", 65542],
    ] as const)("%s (tag %i) of %s %i is ignored: no geotransform, as in GDAL", async (_name, tag, field, value) => {
      const p = patchedTag(tag, field, value);
      expect(gdalTransform(p)).toBeNull();
      const got = (await openGeoTiff(p)).meta.georef;
      expect(got?.transform ?? [0, 1, 0, 0, 0, 1]).toStrictEqual([0, 1, 0, 0, 0, 1]);
      expect(got?.crs?.epsg).toBe(4326); // the keys are still read
    });

    it.each([
      ["type", 11], // FLOAT: 4 bytes a value, libtiff reads no keys from it
      ["count", 65536],
    ] as const)("a GeoKeyDirectory of %s %i is ignored: no CRS, as in GDAL", async (field, value) => {
      const p = patchedTag(34735, field, value);
      expect(gdalCrs(p)).toBe("");
      const got = (await openGeoTiff(p)).meta.georef;
      expect(got?.crs ?? null).toBeNull();
      expect(got?.transform ?? null).toStrictEqual(gdalTransform(p));
    });

    it("65535 values are read, in GDAL and tilecast alike", async () => {
      const p = patchedTag(33550, "count", 65535); // the scale's 3 values, then zeros
      expect(gdalTransform(p)).toStrictEqual([10, 0.25, 0, 50, 0, -0.25]);
      expect((await openGeoTiff(p)).meta.georef?.transform).toStrictEqual([10, 0.25, 0, 50, 0, -0.25]);
    });
  },
);
