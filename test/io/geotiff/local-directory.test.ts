import { readdirSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromFile } from "geotiff";
import { afterAll, describe, expect, it } from "vitest";
import { type ScannedIfd, scanIfds } from "../../../src/io/geotiff/ifd-scan.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { type LocalTiff, openLocalTiff } from "../../../src/io/geotiff/scanned-tiff.js";
import { fileBytes } from "../../../src/io/geotiff/tiff-bytes.js";

/** Every TIFF under fixtures/ that GDAL reads (the broken ones are for the error tests). */
const BROKEN = new Set(["corrupt.deflate.tif", "empty.tif", "huge-header.tif", "notatiff.tif", "truncated.tif"]);
const fixtures = readdirSync("fixtures", { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".tif") && !BROKEN.has(f.split("/").pop() as string))
  .map((f) => join("fixtures", f));

const opened: LocalTiff[] = [];
afterAll(async () => {
  for (const t of opened) await t.fh.close();
});
async function open(path: string): Promise<LocalTiff> {
  const t = await openLocalTiff(path);
  opened.push(t);
  return t;
}

/** geotiff.js's value of a tag, as tilecast's accessors would give it; RATIONALs as num/den. */
function asGeotiffJs(v: unknown, type: number): number[] | string {
  if (typeof v === "string") return v;
  const a = typeof v === "number" ? [v] : Array.from(v as ArrayLike<number>, Number);
  if (type !== 5 && type !== 10) return a;
  // geotiff.js keeps RATIONAL pairs (and fills only every other pair past the first).
  return a.length === 2 ? [(a[0] as number) / (a[1] as number)] : [];
}

describe("local TIFF directories: tilecast's own parse", () => {
  it("finds the fixtures", () => expect(fixtures.length).toBeGreaterThan(20));

  it.each(fixtures)("%s: every tag of every image reads as geotiff.js reads it", async (path) => {
    const local = await open(path);
    const scan = await scanIfds(fileBytes(local.fh, local.header.size), local.header, path);
    const tiff = await fromFile(path);
    try {
      const count = await local.file.count();
      expect(count).toBe(await tiff.getImageCount());
      for (let i = 0; i < count; i++) {
        const mine = await local.file.image(i);
        const theirs = await tiff.getImage(i);
        expect([mine.width, mine.height, mine.samplesPerPixel]).toStrictEqual([
          theirs.getWidth(),
          theirs.getHeight(),
          theirs.getSamplesPerPixel(),
        ]);
        const fd = theirs.fileDirectory as unknown as {
          hasTag(t: number): boolean;
          loadValue(t: number): Promise<unknown>;
        };
        const entries = scan.ifds[i] as ScannedIfd;
        expect([...entries.keys()].filter((t) => !fd.hasTag(t))).toStrictEqual([]);
        expect(entries.size).toBeGreaterThan(5);
        for (const [tag, { type }] of entries) {
          expect(mine.has(tag)).toBe(true);
          const v = await fd.loadValue(tag);
          const ours = type === 2 ? await mine.text(tag) : Array.from((await mine.numbers(tag)) ?? []);
          // geotiff.js fills only the first of several RATIONAL pairs.
          if ((type === 5 || type === 10) && (ours as number[]).length !== 1) continue;
          expect(ours, `${path} image ${i} tag ${tag}`).toStrictEqual(asGeotiffJs(v, type));
        }
      }
    } finally {
      tiff.close?.();
    }
  });
});

/** A classic TIFF of one image whose entries are `entries` (tag, type, count, value bytes). */
function tiff(le: boolean, entries: [number, number, number, number[]][]): Uint8Array {
  const n = entries.length;
  const ifdAt = 8;
  const valuesAt = ifdAt + 2 + 12 * n + 4;
  const extra: number[] = [];
  const extraBytes = entries.reduce((a, [, , , bytes]) => a + (bytes.length > 4 ? bytes.length : 0), 0);
  const out = new DataView(new ArrayBuffer(valuesAt + extraBytes));
  out.setUint8(0, le ? 0x49 : 0x4d);
  out.setUint8(1, le ? 0x49 : 0x4d);
  out.setUint16(2, 42, le);
  out.setUint32(4, ifdAt, le);
  out.setUint16(ifdAt, n, le);
  entries.forEach(([tag, type, count, bytes], k) => {
    const e = ifdAt + 2 + 12 * k;
    out.setUint16(e, tag, le);
    out.setUint16(e + 2, type, le);
    out.setUint32(e + 4, count, le);
    if (bytes.length <= 4) bytes.forEach((b, j) => out.setUint8(e + 8 + j, b));
    else {
      out.setUint32(e + 8, valuesAt + extra.length, le);
      for (const b of bytes) extra.push(b);
    }
  });
  out.setUint32(ifdAt + 2 + 12 * n, 0, le);
  extra.forEach((b, j) => out.setUint8(valuesAt + j, b));
  return new Uint8Array(out.buffer, 0, valuesAt + extra.length);
}

type Setter = (v: DataView, at: number, x: number, le: boolean) => void;

/** The bytes of `values`, `size` bytes each, written by `set` in byte order `le`. */
function bytesOf(size: number, values: number[], set: Setter, le: boolean): number[] {
  const v = new DataView(new ArrayBuffer(size * values.length));
  values.forEach((x, i) => set(v, i * size, x, le));
  return Array.from(new Uint8Array(v.buffer));
}

describe("local TIFF directories: field types by hand", () => {
  let dir = "";
  const write = async (name: string, b: Uint8Array) => {
    dir ||= await mkdtemp(join(tmpdir(), "tilecast-ifd-"));
    const p = join(dir, name);
    writeFileSync(p, b);
    return p;
  };

  it.each([true, false])(
    "signed, float, rational and ASCII values decode in the file's byte order (little-endian %s)",
    async (le) => {
      const u16 = (x: number[]) => bytesOf(2, x, (v, a, y, l) => v.setUint16(a, y, l), le);
      const i32: Setter = (v, a, y, l) => v.setInt32(a, y, l);
      const p = await write(
        `types-${le}.tif`,
        tiff(le, [
          [256, 3, 1, u16([1, 0])],
          [257, 3, 1, u16([1, 0])],
          [270, 2, 6, Array.from(new TextEncoder().encode("water\0"))], // ImageDescription
          [282, 5, 1, bytesOf(4, [3, 4], (v, a, y, l) => v.setUint32(a, y, l), le)], // RATIONAL 3/4
          [40000, 8, 3, bytesOf(2, [-2, 7, -32768], (v, a, y, l) => v.setInt16(a, y, l), le)], // SSHORT
          [40001, 9, 2, bytesOf(4, [-5, 2 ** 31 - 1], i32, le)], // SLONG
          [40002, 11, 2, bytesOf(4, [0.5, -1.25], (v, a, y, l) => v.setFloat32(a, y, l), le)], // FLOAT
          [40003, 12, 2, bytesOf(8, [Math.PI, -1e300], (v, a, y, l) => v.setFloat64(a, y, l), le)], // DOUBLE
          [40004, 10, 2, bytesOf(4, [-1, 8, 5, -2], i32, le)], // SRATIONAL
          [40005, 6, 3, [0xff, 0x01, 0x80]], // SBYTE
          [40006, 4, 1, bytesOf(4, [4000000000], (v, a, y, l) => v.setUint32(a, y, l), le)], // LONG
        ]),
      );
      const d = await (await open(p)).file.image(0);
      expect(d.littleEndian).toBe(le);
      expect([d.width, d.height, d.samplesPerPixel]).toStrictEqual([1, 1, 1]);
      expect(await d.text(270)).toBe("water\0");
      expect(await d.numbers(270)).toBeUndefined();
      expect(await d.number(282)).toBe(0.75);
      expect(Array.from((await d.numbers(40000)) ?? [])).toStrictEqual([-2, 7, -32768]);
      expect(Array.from((await d.numbers(40001)) ?? [])).toStrictEqual([-5, 2 ** 31 - 1]);
      expect(Array.from((await d.numbers(40002)) ?? [])).toStrictEqual([0.5, -1.25]);
      expect(Array.from((await d.numbers(40003)) ?? [])).toStrictEqual([Math.PI, -1e300]);
      expect(Array.from((await d.numbers(40004)) ?? [])).toStrictEqual([-1 / 8, 5 / -2]);
      expect(Array.from((await d.numbers(40005)) ?? [])).toStrictEqual([-1, 1, -128]);
      expect(await d.number(40006)).toBe(4000000000);
      expect(await d.text(40006)).toBeUndefined();
      expect(d.has(40007)).toBe(false);
      expect(await d.number(40007)).toBeUndefined();
    },
  );

  it("a block table past the memory budget is refused by name before its values are decoded", async () => {
    const le = true;
    const u16 = (x: number[]) => bytesOf(2, x, (v, a, y, l) => v.setUint16(a, y, l), le);
    const u32 = (x: number[]) => bytesOf(4, x, (v, a, y, l) => v.setUint32(a, y, l), le);
    const n = 300_000; // 1.2 MB of offsets in the file, 2.4 MB decoded, for an image of one tile
    const p = await write(
      "big-table.tif",
      tiff(le, [
        [256, 3, 1, u16([16, 0])],
        [257, 3, 1, u16([16, 0])],
        [258, 3, 1, u16([8, 0])],
        [259, 3, 1, u16([1, 0])],
        [322, 3, 1, u16([16, 0])],
        [323, 3, 1, u16([16, 0])],
        [324, 4, n, u32(Array(n).fill(8))],
        [325, 4, 1, u32([256])],
      ]),
    );
    const before = process.env.TILECAST_MEMORY_BUDGET;
    process.env.TILECAST_MEMORY_BUDGET = "2MB";
    try {
      const e = await openGeoTiff(p).then(
        () => null,
        (x: unknown) => x as { code: string; message: string },
      );
      expect(e?.code).toBe("E_TOO_LARGE");
      expect(e?.message.startsWith(`${p}: `)).toBe(true);
      expect(e?.message).toContain("the 300000 values of TIFF tag 324");
    } finally {
      if (before === undefined) delete process.env.TILECAST_MEMORY_BUDGET;
      else process.env.TILECAST_MEMORY_BUDGET = before;
    }
    await expect(openGeoTiff(p).then((s) => s.close())).resolves.toBeUndefined(); // within the default budget
  });

  it("a tag listed twice keeps its first entry, as libtiff does; a width of two values is refused", async () => {
    const le = true;
    const u16 = (x: number[]) => bytesOf(2, x, (v, a, y, l) => v.setUint16(a, y, l), le);
    const file = (width: number[]) =>
      tiff(le, [
        [256, 3, width.length, u16(width.length === 1 ? [...width, 0] : width)],
        [257, 3, 1, u16([1, 0])],
        [259, 3, 1, u16([8, 0])],
        [259, 3, 1, u16([5, 0])],
      ]);
    const d = await (await open(await write("twice.tif", file([5])))).file.image(0);
    expect(await d.number(259)).toBe(8);
    expect([d.width, d.height]).toStrictEqual([5, 1]);
    // libtiff: "Incorrect count for ImageWidth", and the file does not open.
    await expect(open(await write("two-widths.tif", file([5, 6])))).rejects.toThrow(
      "IFD 0: ImageWidth has 2 values; it must have one",
    );
  });
});
