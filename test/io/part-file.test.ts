import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { type DType } from "../../src/grid/dtype.js";
import { createGrid } from "../../src/grid/grid.js";
import { PartFile, PartFileWriter } from "../../src/io/parts/part-file.js";
import { tmp } from "../helpers/write.js";

const window = (x: number, y: number) => ({ x, y, width: 3, height: 2 });

/** Rewrite the JSON header of the part file at `path` with `edit` (its last 4 bytes: the header's length). */
function editHeader(path: string, edit: (h: Record<string, unknown> & { blocks: { data: number[] }[] }) => void) {
  const f = readFileSync(path);
  const n = f.readUInt32LE(f.length - 4);
  const h = JSON.parse(f.subarray(f.length - 4 - n, f.length - 4).toString("utf8"));
  edit(h);
  const json = Buffer.from(JSON.stringify(h));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  writeFileSync(path, Buffer.concat([f.subarray(0, f.length - 4 - n), json, len]));
}

describe("part files", () => {
  const cases: [DType, number | null, "none" | "deflate"][] = [
    ["float32", Number.NaN, "none"],
    ["float64", -9999, "deflate"],
    ["int16", null, "deflate"],
    ["uint8", 255, "none"],
  ];
  for (const [dtype, nodata, codec] of cases)
    it(`${dtype} blocks with nodata ${nodata} and masks round-trip (${codec})`, async () => {
      const path = tmp("part-1.bin");
      const w = await PartFileWriter.create(path, codec);
      const a = createGrid(dtype, [2, 2, 3], { data: undefined, nodata });
      a.data.forEach((_, i) => {
        a.data[i] = i * 3 - 4 * (dtype.startsWith("u") ? 0 : 1);
      });
      const mask = Uint8Array.from({ length: 12 }, (_, i) => i % 2);
      const b = createGrid(dtype, [2, 2, 3], { nodata, mask });
      await w.add(window(3, 0), b); // out of order: the header lists blocks row-major
      await w.add(window(0, 0), a);
      await w.addExtra("image", Uint8Array.of(1, 2, 3));
      expect(existsSync(path)).toBe(false); // not there until committed
      await w.commit({ part: 1, window: { x: 0, y: 0, width: 6, height: 2 }, bands: 2, dtype, nodata });
      const f = await PartFile.open(path);
      expect(f.header.codec).toBe(codec);
      expect(f.header.nodata).toStrictEqual(nodata);
      expect(f.header.blocks.map((k) => k.window.x)).toStrictEqual([0, 3]);
      const a2 = await f.block(0);
      expect(Array.from(a2.data)).toStrictEqual(Array.from(a.data));
      expect(a2.mask).toBeNull();
      const b2 = await f.block(1);
      expect(Array.from(b2.mask ?? [])).toStrictEqual(Array.from(mask));
      expect(Array.from((await f.extra("image")) ?? [])).toStrictEqual([1, 2, 3]);
      await f.close();
    });

  it("stored pieces round-trip with their form, out of order, and cells are refused both ways", async () => {
    const path = tmp("part-3.bin");
    await expect(PartFileWriter.create(path, "stored")).rejects.toThrow("form goes with codec 'stored'");
    await expect(PartFileWriter.create(path, "none", "f")).rejects.toThrow("form goes with codec 'stored'");
    const w = await PartFileWriter.create(path, "stored", '{"format":"GTiff"}');
    await expect(w.add(window(0, 0), createGrid("uint8", [1, 2, 3]))).rejects.toThrow("keeps stored blocks");
    await w.addStored(window(3, 0), [Uint8Array.of(9, 8, 7), Uint8Array.of(6)]);
    await w.addStored(window(0, 0), [Uint8Array.of(1, 2), Uint8Array.of(3, 4, 5, 6)]);
    await w.addExtra("output", Uint8Array.of(42));
    await w.commit({ part: 3, window: { x: 0, y: 0, width: 6, height: 2 }, bands: 4, dtype: "float32", nodata: null });
    const f = await PartFile.open(path);
    expect(f.header).toMatchObject({ codec: "stored", form: '{"format":"GTiff"}', bands: 4 });
    expect((await f.pieces(0)).map((p) => Array.from(p))).toStrictEqual([
      [1, 2],
      [3, 4, 5, 6],
    ]);
    expect((await f.pieces(1)).map((p) => Array.from(p))).toStrictEqual([[9, 8, 7], [6]]);
    await expect(f.block(0)).rejects.toThrow(`${path}: this part keeps its output's stored blocks, not cells`);
    expect(Array.from((await f.extra("output")) ?? [])).toStrictEqual([42]);
    await f.close();
    const cells = await PartFileWriter.create(tmp("part-4.bin"));
    await expect(cells.addStored(window(0, 0), [Uint8Array.of(1)])).rejects.toThrow("keeps blocks, not stored pieces");
    await cells.abort();
  });

  it("an aborted part leaves nothing; a file that is not a part is a clear error", async () => {
    const path = tmp("part-2.bin");
    const w = await PartFileWriter.create(path);
    await w.add(window(0, 0), createGrid("uint8", [1, 2, 3]));
    await w.abort();
    expect(readdirSync(dirname(path))).toStrictEqual([]);
    writeFileSync(path, "not a part file at all");
    await expect(PartFile.open(path)).rejects.toThrow(`${path}: not a tilecast part file`);
  });

  it("a block that is not its window's size, or lies past the file's end, is a clear error naming the part", async () => {
    const write = async (name: string, codec: "none" | "deflate") => {
      const path = tmp(name);
      const w = await PartFileWriter.create(path, codec);
      const g = createGrid("float32", [2, 2, 3]);
      g.data.forEach((_, i) => {
        g.data[i] = i / 7;
      });
      await w.add(window(0, 0), g);
      await w.commit({ part: 5, window: window(0, 0), bands: 2, dtype: "float32", nodata: null });
      return path;
    };
    const none = await write("part-5.bin", "none");
    const deflated = await write("part-6.bin", "deflate");
    const read = async (path: string) => {
      const f = await PartFile.open(path);
      try {
        return await f.block(0);
      } finally {
        await f.close();
      }
    };
    expect(Array.from((await read(deflated)).data)).toStrictEqual(
      Array.from({ length: 12 }, (_, i) => Math.fround(i / 7)),
    );
    editHeader(none, (h) => {
      h.dtype = "float64";
    });
    await expect(read(none)).rejects.toThrow(`${none}: part block 0 holds 48 bytes, not 96`);
    editHeader(deflated, (h) => {
      h.bands = 1;
    });
    await expect(read(deflated)).rejects.toThrow(`${deflated}: part block 0 does not inflate to its 24 bytes (more)`);
    editHeader(none, (h) => {
      h.dtype = "float32";
      h.blocks[0].data = [8, 1 << 20];
    });
    await expect(read(none)).rejects.toThrow(`${none}: part file ends before its 1048576 bytes at 8`);
  });
});
