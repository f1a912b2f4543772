import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { TilecastError } from "../../../src/errors.js";
import { createGrid } from "../../../src/grid/grid.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { createGeoTiffSink } from "../../../src/io/geotiff/writer.js";
import { openSource } from "../../../src/io/registry.js";
import { fixture } from "../../helpers/pattern.js";
import { editTiff } from "../../helpers/tiff-edit.js";
import { tmp } from "../../helpers/write.js";

async function failure(p: Promise<unknown>): Promise<TilecastError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TilecastError);
    const err = e as TilecastError;
    expect(err.message).not.toContain("\n");
    return err;
  }
  throw new Error("expected a failure");
}

describe("bad input gets a one-line error naming the file and the problem", () => {
  it.each([
    ["notatiff.tif", "E_FORMAT", "not a TIFF file"],
    ["empty.tif", "E_TRUNCATED", "file is empty"],
    ["truncated.tif", "E_TRUNCATED", "file is truncated"],
    ["u1.ccittfax4.strip.1b.tif", "E_UNSUPPORTED", "unsupported compression ccittfax4"],
    ["huge-header.tif", "E_TOO_LARGE", "header claims 1000000x1000000x1 pixels"],
    ["does-not-exist.tif", "E_NOT_FOUND", "no such file"],
  ])("%s -> %s", async (name, code, text) => {
    for (const open of [openGeoTiff, openSource]) {
      const e = await failure(open(fixture(name)));
      expect(e.code).toBe(code);
      expect(e.message).toContain(fixture(name));
      expect(e.message).toContain(text);
    }
  });

  it.each([
    [
      "a strip file given a TileLength",
      "u8.none.strip.1b.tif",
      [{ tag: 323, type: 3 as const, values: [1] }],
      [],
      "TileLength without TileWidth",
    ],
    ["a tiled file without its TileLength", "i8.deflate.tiled.1b.tif", [], [323], "TileWidth without TileLength"],
  ])("%s is refused naming the missing tag (libtiff reads it rearranged)", async (_, from, add, drop, problem) => {
    const p = tmp("one-tile-dim.tif");
    editTiff(`fixtures/geotiff/${from}`, p, add, drop);
    await expect(openGeoTiff(p)).rejects.toThrow(`${p}: ${problem}`);
  });

  it("a corrupt block is reported with the file and the tile, on the read that touches it", async () => {
    const src = await openGeoTiff(fixture("corrupt.deflate.tif"));
    const ok = await src.readWindow({ x: 0, y: 0, width: 16, height: 16 }); // tile (0, 0) is intact
    expect(ok.shape).toStrictEqual([1, 16, 16]);
    const e = await failure(src.readWindow({ x: 16, y: 0, width: 16, height: 16 }));
    expect(e.code).toBe("E_CORRUPT");
    expect(e.message).toMatch(/^fixtures\/geotiff\/corrupt\.deflate\.tif: corrupt tile \(1, 0\)/);
    await src.close();
  });

  it("refuses absurd windows before allocating, and unknown bands", async () => {
    const src = await openGeoTiff(fixture("u8.none.strip.1b.tif"));
    expect((await failure(src.readWindow({ x: 0, y: 0, width: 100_000, height: 100_000 }))).code).toBe("E_TOO_LARGE");
    expect((await failure(src.readWindow({ x: 0, y: 0, width: 2, height: 2 }, { bands: [3] }))).message).toContain(
      "band 3 does not exist",
    );
    await src.close();
  });

  it("an unwritable output fails at creation with E_WRITE and leaves nothing", async () => {
    const e = await failure(
      createGeoTiffSink("/proc/nope/out.tif", {
        width: 16,
        height: 16,
        bands: 1,
        dtype: "uint8",
        georef: null,
        nodata: null,
      }),
    );
    expect(e.code).toBe("E_WRITE");
    expect(e.message).toContain("/proc/nope/out.tif: cannot create output");
  });

  it("abort() and a failed block leave no file behind, not even the temporary one", async () => {
    const path = tmp("aborted.tif");
    const sink = await createGeoTiffSink(
      path,
      { width: 32, height: 32, bands: 1, dtype: "uint8", georef: null, nodata: null },
      { tileSize: 16 },
    );
    await sink.writeBlock(0, 0, createGrid("uint8", [1, 16, 16]));
    expect(readdirSync(dirname(path))).toHaveLength(1); // the temporary file
    const e = await failure(sink.writeBlock(1, 0, createGrid("uint8", [1, 8, 16])));
    expect(e.message).toContain("expected 1x16x16");
    await sink.abort();
    expect(readdirSync(dirname(path))).toStrictEqual([]);
  });

  it("commit makes the output appear at once under its name", async () => {
    const path = tmp("done.tif");
    const sink = await createGeoTiffSink(
      path,
      { width: 16, height: 16, bands: 1, dtype: "uint8", georef: null, nodata: null },
      { tileSize: 16 },
    );
    await sink.writeBlock(0, 0, createGrid("uint8", [1, 16, 16]));
    expect(readdirSync(dirname(path)).some((f) => f === "done.tif")).toBe(false);
    await sink.commit();
    expect(readdirSync(dirname(path))).toStrictEqual(["done.tif"]);
    expect((await failure(sink.writeBlock(0, 0, createGrid("uint8", [1, 16, 16])))).code).toBe("E_WRITE");
  });
});
