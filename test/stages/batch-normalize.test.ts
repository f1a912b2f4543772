import { lastValueFrom, from as rxFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import type { Stats } from "../../src/grid/band-stats.js";
import { allocate, type DType } from "../../src/grid/dtype.js";
import { createGrid } from "../../src/grid/grid.js";
import { type Batch, batch } from "../../src/stages/batch.js";
import { type NormalizeMethod, normalize } from "../../src/stages/normalize.js";
import type { Tile } from "../../src/stages/tile.js";

/** A tile of pseudo-random cells with some nodata, NaN and masked cells where asked. */
function tile(id: number, dtype: DType, bands: number, o: { nodata?: number; nan?: boolean; mask?: boolean }): Tile {
  const [h, w] = [5, 7];
  const data = allocate(dtype, bands * h * w);
  let seed = id * 7919 + bands;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) as number;
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 200) + 1;
  if (o.nodata !== undefined) for (let i = 3; i < data.length; i += 11) data[i] = o.nodata;
  if (o.nan) for (let i = 5; i < data.length; i += 13) data[i] = Number.NaN;
  const mask = o.mask ? Uint8Array.from({ length: data.length }, (_, i) => (i % 17 === 4 ? 0 : 1)) : null;
  const win = { x: id * w, y: 0, width: w, height: h };
  return {
    spec: { id, col: id, row: 0, core: win, read: win },
    grid: createGrid(dtype, [bands, h, w], { data, nodata: o.nodata ?? null, mask }),
    window: win,
    ...(id === 2 && o.nodata !== undefined ? { empty: true } : {}),
    release() {},
  };
}

const stats = (bands: number, log1p: boolean): Stats => ({
  bands: Array.from({ length: bands }, (_, b) => ({
    count: 1,
    mean: 50 + 10 * b,
    std: b === 1 ? 0 : 20 + b, // band 1 constant: only shifted
    min: b,
    max: 150 + b,
  })),
  transforms: Array.from({ length: bands }, (_, b) => (log1p && b === 0 ? "log1p" : "none")),
});

async function run(tiles: Tile[], s: Stats, method: NormalizeMethod, fused: boolean) {
  const op = normalize(s, { method });
  const stream = fused
    ? rxFrom(tiles).pipe(batch(3, { normalize: op.normalization }))
    : rxFrom(tiles).pipe(op, batch(3));
  const batches: Batch[] = await lastValueFrom(stream.pipe(toArray()));
  const out = await Promise.all(
    batches.map(async (b) => ({
      x: b.x ? Array.from(await b.x.data()) : null,
      index: b.index,
      tiles: b.tiles.map((t) => ({ id: t.spec.id, empty: t.empty, valid: t.valid ? Array.from(t.valid) : null })),
    })),
  );
  for (const b of batches) b.x?.dispose();
  return out;
}

describe("batch({ normalize }): normalizing while stacking equals normalize() then batch()", () => {
  const cases: [DType, number, { nodata?: number; nan?: boolean; mask?: boolean }, NormalizeMethod, boolean][] = [
    ["uint16", 4, {}, "zscore", false],
    ["uint16", 4, { nodata: 0 }, "zscore", false],
    ["uint16", 4, { nodata: 0, mask: true }, "minmax", false],
    ["float32", 4, { nan: true }, "zscore", false],
    ["float32", 4, {}, "zscore", true],
    ["int16", 3, { nodata: -9999 }, "zscore", true],
    ["uint8", 1, { mask: true }, "minmax", false],
    ["float64", 5, { nodata: -1, nan: true }, "none", true],
    ["int32", 2, {}, "zscore", false],
  ];
  it.each(cases)(
    "%s, %d bands, %o, %s, log1p %s: the same values and validity",
    async (dtype, bands, o, method, log) => {
      const tiles = [0, 1, 2, 3, 4].map((id) => tile(id, dtype, bands, o));
      const s = stats(bands, log);
      const want = await run(tiles, s, method, false);
      const got = await run(tiles, s, method, true);
      expect(got).toStrictEqual(want);
      // The case is not trivial: batches hold values, and the invalid cells made some pixels invalid.
      expect(want[0]?.x?.some((v) => v !== 0)).toBe(true);
      const invalid = o.nodata !== undefined || o.nan || o.mask;
      expect(want.some((b) => b.tiles.some((t) => t.valid?.includes(0)))).toBe(Boolean(invalid));
    },
  );

  it("a z-scored uint16 cell by hand: (v - mean) / std, and 0 at nodata", async () => {
    const t = tile(0, "uint16", 4, { nodata: 0 });
    const s = stats(4, false);
    const [b] = await run([t], s, "zscore", true);
    const v = t.grid.data[2 * 35 + 8] as number; // band 2, pixel 8
    expect(b?.x?.[8 * 4 + 2]).toBeCloseTo((v - 70) / 22, 6);
    expect(b?.x?.[3 * 4 + 0]).toBe(0); // cell 3 of band 0 is nodata
    expect(b?.tiles[0]?.valid?.[3]).toBe(0);
  });
});
