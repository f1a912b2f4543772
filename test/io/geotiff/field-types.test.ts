/**
 * The field types of the tags an image's layout rests on (sizes, samples, block tables), as
 * `ifd-scan.ts` checks them: libtiff's choices, since GDAL reads through it. Sizes and samples
 * are read from any integer kind that holds no negative value, block tables from SHORT and LONG
 * only (LONG8 in BigTIFF); any other type, a TIFF type or not, is refused by name; a missing or
 * short block table names the table. ExtraSamples values past libtiff's
 * (0, 1, 2; 999 read as 2) are refused too.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openGeoTiff } from "../../../src/index.js";
import { firstIfd, put } from "../../fuzz/tiff.js";
import { tilecast } from "../../helpers/cli.js";
import { gdalPixels, hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

describe("layout tags' field types", () => {
  /** The fixture with entry `tag`'s field type, tag number or count changed. */
  function retyped(tag: number, o: { type?: number; id?: number; count?: number }): string {
    const b = new Uint8Array(readFileSync("fixtures/geotiff/u8.none.strip.1b.tif"));
    const ifd = firstIfd(b);
    const k = ifd?.entries.findIndex((x) => x.tag === tag) ?? -1;
    if (!ifd || k < 0) throw new Error("fixture");
    const at = ifd.offset + 2 + k * 12;
    if (o.type !== undefined) put(b, at + 2, 2, o.type, ifd.little);
    if (o.id !== undefined) put(b, at, 2, o.id, ifd.little);
    if (o.count !== undefined) put(b, at + 4, 4, o.count, ifd.little);
    const p = tmp(`retyped-${tag}.tif`);
    writeFileSync(p, b);
    return p;
  }

  it("a layout tag of a type that is not an integer, a TIFF type or none, is refused by name (libtiff refuses it)", () => {
    // An unknown field type used to drop the entry: BitsPerSample then read as a default.
    const integer = "it must be an integer (BYTE, SHORT, LONG or signed)";
    const table = "it must be SHORT or LONG"; // libtiff reads block tables from these only
    const cases: [number, string, number[], string][] = [
      [256, "ImageWidth", [0, 2, 11, 19, 1000], integer],
      [258, "BitsPerSample", [0, 2, 11, 19, 1000], integer],
      [277, "SamplesPerPixel", [0, 2, 11, 19, 1000], integer],
      [273, "StripOffsets", [0, 1, 2, 6, 9, 11, 19], table],
      [279, "StripByteCounts", [1, 8, 19], table],
    ];
    for (const [tag, name, types, must] of cases)
      for (const type of types) {
        const p = retyped(tag, { type });
        const r = tilecast("inspect", p);
        expect(r.code, `${name} as type ${type}`).toBe(1);
        expect(r.stderr).toBe(`tilecast: ${p}: IFD 0: ${name} has field type ${type}; ${must}\n`);
      }
  });

  it.skipIf(!hasGdal)(
    "sizes and sample counts stored as BYTE or a signed kind read as libtiff reads them",
    async () => {
      const original = await openGeoTiff("fixtures/geotiff/u8.none.strip.1b.tif");
      const want = await original.readWindow({ x: 0, y: 0, width: 40, height: 24 });
      // The fixture is little-endian and its values small: a SHORT's first bytes are its value as
      // BYTE, SBYTE, SSHORT or SLONG alike.
      for (const type of [1, 6, 8, 9])
        for (const tag of [256, 257, 258, 277, 278]) {
          const p = retyped(tag, { type });
          const src = await openGeoTiff(p);
          expect([src.meta.width, src.meta.height, src.meta.bands, src.meta.dtype]).toStrictEqual([40, 24, 1, "uint8"]);
          const got = await src.readWindow({ x: 0, y: 0, width: 40, height: 24 });
          expect(Array.from(got.data as Uint8Array)).toStrictEqual(Array.from(want.data as Uint8Array));
          expect(gdalPixels(p)[0]?.[23]?.[39]).toBe((want.data as Uint8Array)[24 * 40 - 1]);
        }
    },
  );

  it("a negative size in a signed kind is refused by name, as libtiff refuses it", () => {
    const p = retyped(256, { type: 8 });
    const b = new Uint8Array(readFileSync(p));
    const ifd = firstIfd(b);
    const e = ifd?.entries.find((x) => x.tag === 256);
    if (!ifd || !e) throw new Error("fixture");
    put(b, e.at, 2, 0xfffd, ifd.little); // -3 as SSHORT
    writeFileSync(p, b);
    expect(tilecast("inspect", p).stderr).toBe(`tilecast: ${p}: IFD 0: ImageWidth is -3; it must not be negative\n`);
  });

  it.skipIf(!hasGdal)(
    "the tags libtiff reads with the layout (sample range, DataType, depth) are refused where GDAL refuses them",
    () => {
      // PlanarConfiguration (284, its default 1) retagged, with a new value field.
      // A bit flip that made MinSampleValue's type unknown once let tilecast read a file GDAL
      // does not open (npm run fuzz, seed 1205).
      const retagged = (id: number, type: number, count: number, value: number) => {
        const p = retyped(284, { id, type, count });
        const b = new Uint8Array(readFileSync(p));
        const ifd = firstIfd(b);
        const k = ifd?.entries.findIndex((x) => x.tag === id) ?? -1;
        if (!ifd || k < 0) throw new Error("fixture");
        put(b, ifd.offset + 2 + k * 12 + 8, 4, value >>> 0, ifd.little); // the value, or where the values are
        writeFileSync(p, b);
        return p;
      };
      const integer = "it must be an integer (BYTE, SHORT, LONG or signed)";
      const cases: [number, number, number, number, string | null][] = [
        [280, 3, 1, 5, null],
        [281, 3, 2, 0x00070005, null], // two values (5, 7) for one sample: libtiff reads the first
        [280, 4, 1, 65535, null],
        [280, 2, 4, 0x00636261, `MinSampleValue has field type 2; ${integer}`],
        [281, 11, 1, 0x3fc00000, `MaxSampleValue has field type 11; ${integer}`],
        [280, 162, 1, 0, `MinSampleValue has field type 162; ${integer}`],
        [280, 4, 1, 70000, "MinSampleValue holds 70000; it must be 0 to 65535"],
        // Two LONGs are stored at byte 0, where "II*\0" reads as 2771273: past 16 bits.
        [281, 4, 2, 0, "MaxSampleValue holds 2771273; it must be 0 to 65535"],
        [281, 8, 1, 0xffff, "MaxSampleValue is -1; it must not be negative"],
        [280, 3, 0, 0, "MinSampleValue has 0 values; it must have one, or one per sample (1)"],
        [32996, 3, 1, 1, null],
        [32996, 5, 1, 0, `DataType has field type 5; ${integer}`],
        [32997, 4, 1, 1, null],
        [32997, 12, 1, 0, `ImageDepth has field type 12; ${integer}`],
        [32998, 3, 2, 0x00010001, "TileDepth has 2 values; it must have one"],
        [340, 11, 1, 0x3fc00000, null],
        [341, 8, 1, 0xfffb, null], // -5 as SSHORT: a signed range may be negative
        [340, 7, 1, 0, "SMinSampleValue has field type 7; it must be a number (an integer, RATIONAL, FLOAT or DOUBLE)"],
        [341, 3, 2, 0, "SMaxSampleValue has 2 values; it must have one per sample (1)"],
      ];
      for (const [id, type, count, value, problem] of cases) {
        const p = retagged(id, type, count, value);
        const r = tilecast("inspect", p);
        const gdalOpens = py<boolean>(
          `try:\n  print(json.dumps(gdal.Open(${JSON.stringify(p)}) is not None))\nexcept RuntimeError:\n  print("false")`,
        );
        expect(gdalOpens, `${id} as type ${type} x ${count}: GDAL`).toBe(problem === null);
        expect(r.stderr, `${id} as type ${type} x ${count}`).toBe(problem ? `tilecast: ${p}: IFD 0: ${problem}\n` : "");
      }
    },
  );

  it("a missing or short block table is refused naming the table", () => {
    const missing = retyped(279, { id: 65000 });
    expect(tilecast("inspect", missing).stderr).toBe(
      `tilecast: ${missing}: StripByteCounts is missing; the image needs 5 blocks\n`,
    );
    const short = retyped(273, { count: 3 });
    expect(tilecast("inspect", short).stderr).toBe(
      `tilecast: ${short}: StripOffsets lists 3 blocks, the image needs 5\n`,
    );
  });
});

describe("ExtraSamples values", () => {
  /** The demo scene (4 bands, ExtraSamples [0, 0, 0]) with its ExtraSamples values replaced. */
  function extraSamples(values: number[]): string {
    const b = new Uint8Array(readFileSync("fixtures/demo/scene.s2like.u16.4b.tif"));
    const ifd = firstIfd(b);
    const e = ifd?.entries.find((x) => x.tag === 338);
    if (!ifd || !e || e.count !== values.length) throw new Error("fixture");
    values.forEach((v, i) => put(b, e.at + 2 * i, 2, v, ifd.little));
    const p = tmp("extra.tif");
    writeFileSync(p, b);
    return p;
  }

  it("one past 2 (unassociated alpha) is refused naming the value, as libtiff refuses it", () => {
    for (const v of [3, 282, 65535]) {
      const p = extraSamples([0, 0, v]);
      expect(tilecast("inspect", p).stderr).toBe(
        `tilecast: ${p}: ExtraSamples value ${v} is not 0, 1 or 2 (unspecified, associated or unassociated alpha)\n`,
      );
    }
  });

  it.skipIf(!hasGdal)("999 (Corel Draw's slip) is unassociated alpha, as GDAL reads it", async () => {
    const p = extraSamples([0, 0, 999]);
    expect((await openGeoTiff(p)).meta.alphaBand).toBe(3);
    expect(
      py<string>(
        `ds = gdal.Open(${JSON.stringify(p)})\nprint(json.dumps(gdal.GetColorInterpretationName(ds.GetRasterBand(4).GetColorInterpretation())))`,
      ),
    ).toBe("Alpha");
  });
});
