/**
 * Blocks as a sink stores them (`GridSink.stored`): a GeoTIFF hands back each block's compressed
 * tile (and mask tile), and a second file of the same form given those pieces is the same file,
 * byte for byte. The form names every setting the bytes depend on; pieces that do not fit are
 * refused. A tee of two sinks stores both sinks' pieces.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { blockWindow } from "../../src/grid/block-grid.js";
import type { DType } from "../../src/grid/dtype.js";
import { createGrid, type Grid } from "../../src/grid/grid.js";
import { createGeoTiffSink, type GeoTiffWriteOptions } from "../../src/io/geotiff/writer.js";
import { teeSink } from "../../src/io/tee-sink.js";
import type { GridSink, SinkSpec } from "../../src/io/types.js";
import { createZarrSink } from "../../src/io/zarr/sink.js";
import { tmp } from "../helpers/write.js";

const W = 70;
const H = 40;

function spec(o: Partial<SinkSpec> = {}): SinkSpec {
  return { width: W, height: H, bands: 2, dtype: "float32", georef: null, nodata: null, ...o };
}

/** Block (col, row) of a 2-band field, with a masked diagonal. */
function block(sink: GridSink, col: number, row: number, dtype: DType = "float32"): Grid {
  const w = blockWindow(sink.blockGrid, col, row);
  const g = createGrid(dtype, [2, w.height, w.width], { mask: new Uint8Array(2 * w.width * w.height).fill(1) });
  for (let b = 0; b < 2; b++)
    for (let y = 0; y < w.height; y++)
      for (let x = 0; x < w.width; x++)
        g.data[(b * w.height + y) * w.width + x] = ((w.x + x) * 3 + (w.y + y) * 7 + b) % 50;
  for (let y = 0; y < Math.min(w.height, w.width); y++) (g.mask as Uint8Array)[y * w.width + y] = 0; // band 0 only
  return g;
}

/** Every file under `root` by relative path, with its bytes in base64. */
function storeFiles(root: string, rel = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, storeFiles(root, r));
    else out[r] = readFileSync(join(root, r)).toString("base64");
  }
  return out;
}

const cells = (sink: GridSink) =>
  Array.from({ length: sink.blockGrid.rows }, (_, row) =>
    Array.from({ length: sink.blockGrid.cols }, (_, col) => [col, row] as const),
  ).flat();

async function storedCopy(s: SinkSpec, o: GeoTiffWriteOptions) {
  const first = await createGeoTiffSink(tmp("first.tif"), s, { tileSize: 32, ...o });
  const kept: Uint8Array[][] = [];
  for (const [col, row] of cells(first))
    kept.push(await first.stored.writeBlock(col, row, block(first, col, row, s.dtype)));
  await first.commit();
  const second = await createGeoTiffSink(tmp("second.tif"), s, { tileSize: 32, ...o });
  expect(second.stored.form).toBe(first.stored.form);
  for (const [i, [col, row]] of cells(second).entries())
    await second.stored.putBlock(col, row, kept[i] as Uint8Array[]);
  await second.commit();
  return { first, second, kept };
}

describe("stored blocks", () => {
  it.each([
    ["deflate, float32, masked", spec({ mask: true }), {}],
    ["zstd, uint16, nodata 0", spec({ dtype: "uint16", nodata: 0 }), { compress: "zstd" as const }],
    ["none, int16", spec({ dtype: "int16" }), { compress: "none" as const }],
  ])("a GeoTIFF put together from another's stored pieces is the same file (%s)", async (_n, s, o) => {
    const { first, second, kept } = await storedCopy(s, o);
    expect(kept).toHaveLength(6); // 3 x 2 tiles of 32 px, the last column and row partial
    expect(kept.every((p) => p.length === (s.mask ? 2 : 1))).toBe(true);
    expect(first.stored.pieces).toBe(s.mask ? 2 : 1);
    expect(readFileSync(second.path)).toStrictEqual(readFileSync(first.path));
  });

  it("encodeBlock gives writeBlock's pieces without writing them, after an abort too", async () => {
    const s = spec({ mask: true });
    const { kept } = await storedCopy(s, {});
    const sink = await createGeoTiffSink(tmp("encoder.tif"), s, { tileSize: 32 });
    await sink.abort();
    for (const [i, [col, row]] of cells(sink).entries())
      expect(await sink.stored.encodeBlock(col, row, block(sink, col, row))).toStrictEqual(kept[i]);
  });

  it.each([2, 3] as const)(
    "a Zarr v%i store put together from another's stored chunks has the same files",
    async (v) => {
      const s = spec({ nodata: Number.NaN });
      const paths = [tmp("first.zarr"), tmp("second.zarr")] as const;
      const first = await createZarrSink(paths[0], s, { tileSize: 32, zarrFormat: v });
      const kept: Uint8Array[][] = [];
      for (const [col, row] of cells(first))
        kept.push(await (first.stored?.writeBlock(col, row, block(first, col, row)) as Promise<Uint8Array[]>));
      await first.commit();
      const second = await createZarrSink(paths[1], s, { tileSize: 32, zarrFormat: v });
      expect(second.stored?.form).toBe(first.stored?.form);
      expect(kept.every((p) => p.length === 2)).toBe(true); // a chunk per band
      for (const [i, [col, row]] of cells(second).entries()) {
        const pieces = kept[i] as Uint8Array[];
        expect(await second.stored?.encodeBlock(col, row, block(second, col, row))).toStrictEqual(pieces);
        await second.stored?.putBlock(col, row, pieces);
      }
      await second.commit();
      expect(storeFiles(paths[1])).toStrictEqual(storeFiles(paths[0]));
      await expect(
        (await createZarrSink(tmp("third.zarr"), s, { tileSize: 32, zarrFormat: v })).stored?.putBlock(0, 0, []),
      ).rejects.toThrow("stored block (0, 0) has 0 pieces, not 2");
    },
  );

  it("the form changes with every setting the bytes depend on", async () => {
    const form = async (s: SinkSpec, o: GeoTiffWriteOptions = {}) => {
      const sink = await createGeoTiffSink(tmp("f.tif"), s, { tileSize: 32, ...o });
      await sink.abort();
      return sink.stored.form;
    };
    const base = await form(spec());
    const others = [
      await form(spec({ dtype: "float64" })),
      await form(spec({ bands: 3 })),
      await form(spec({ nodata: -9999 })),
      await form(spec({ nodata: Number.NaN })),
      await form(spec({ mask: true })),
      await form(spec(), { level: 1 }),
      await form(spec(), { compress: "zstd" }),
      await form(spec(), { predictor: 1 }),
      await form(spec(), { tileSize: 16 }),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
    expect(await form(spec({ georef: null }))).toBe(base);
  });

  it("pieces in the wrong number, or for a tile written already, are refused naming the file", async () => {
    const { kept } = await storedCopy(spec({ mask: true }), {});
    const sink = await createGeoTiffSink(tmp("third.tif"), spec({ mask: true }), { tileSize: 32 });
    await expect(sink.stored.putBlock(0, 0, (kept[0] as Uint8Array[]).slice(0, 1))).rejects.toThrow(
      `${sink.path}: stored block (0, 0) has 1 pieces, not 2`,
    );
    await sink.abort();
    const other = await createGeoTiffSink(tmp("fourth.tif"), spec({ mask: true }), { tileSize: 32 });
    await other.stored.putBlock(0, 0, kept[0] as Uint8Array[]);
    await expect(other.stored.putBlock(0, 0, kept[0] as Uint8Array[])).rejects.toThrow(
      `${other.path}: block (0, 0) written twice`,
    );
    await other.abort();
  });

  it("a tee stores the primary's pieces, then the secondary's, and puts them back into both", async () => {
    const make = async (name: string) => {
      const a = await createGeoTiffSink(tmp(`${name}.a.tif`), spec(), { tileSize: 32 });
      const b = await createGeoTiffSink(tmp(`${name}.b.tif`), spec({ dtype: "uint8", bands: 1 }), { tileSize: 32 });
      const derive = (g: Grid) =>
        createGrid("uint8", [1, g.shape[1] as number, g.shape[2] as number], {
          data: Uint8Array.from((g.data as Float32Array).subarray(0, (g.shape[1] as number) * (g.shape[2] as number))),
        });
      return { a, b, tee: teeSink(a, b, derive) };
    };
    const one = await make("one");
    expect(one.tee.stored?.pieces).toBe(2);
    const kept: Uint8Array[][] = [];
    for (const [col, row] of cells(one.tee))
      kept.push(await (one.tee.stored?.writeBlock(col, row, block(one.tee, col, row)) as Promise<Uint8Array[]>));
    await one.tee.commit();
    const two = await make("two");
    expect(two.tee.stored?.form).toBe(one.tee.stored?.form);
    for (const [i, [col, row]] of cells(two.tee).entries())
      await two.tee.stored?.putBlock(col, row, kept[i] as Uint8Array[]);
    await two.tee.commit();
    expect(readFileSync(two.a.path)).toStrictEqual(readFileSync(one.a.path));
    expect(readFileSync(two.b.path)).toStrictEqual(readFileSync(one.b.path));
    const plain = await createGeoTiffSink(tmp("p.tif"), spec(), { tileSize: 32 });
    const noStore: GridSink = {
      blockGrid: plain.blockGrid,
      writeBlock: () => Promise.resolve(),
      commit: () => Promise.resolve(),
      abort: () => plain.abort(),
    };
    expect(teeSink(plain, noStore, (g) => g).stored).toBeUndefined();
    await plain.abort();
  });
});
