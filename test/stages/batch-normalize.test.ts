import { lastValueFrom, from as rxFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import type { Stats } from "../../src/grid/band-stats.js";
import { allocate, type DType } from "../../src/grid/dtype.js";
import { createGrid } from "../../src/grid/grid.js";
import { type Batch, batch } from "../../src/stages/batch.js";
import { type NormalizeMethod, normalize } from "../../src/stages/normalize.js";
import { predict } from "../../src/stages/predict.js";
import { inputScaling, planarExact } from "../../src/stages/stack-planar.js";
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

/** What the model's graph does with a raw bands-first batch: (x - shift) * scale in float32, to NHWC. */
function scaleInGraph(
  x: number[],
  k: number,
  c: number,
  n: number,
  shift: readonly number[],
  scale: readonly number[],
) {
  const f = Math.fround;
  const out = new Array<number>(x.length);
  for (let t = 0; t < k; t++)
    for (let b = 0; b < c; b++)
      for (let i = 0; i < n; i++)
        out[(t * n + i) * c + b] = f(
          f(f(x[(t * c + b) * n + i] as number) - f(shift[b] as number)) * f(scale[b] as number),
        );
  return out;
}

describe("batch({ planar }): raw bands-first batches that the model scales give normalize()'s values", () => {
  const cases: [DType, number, { nodata?: number; nan?: boolean; mask?: boolean }, NormalizeMethod][] = [
    ["uint16", 4, {}, "zscore"],
    ["uint16", 4, { nodata: 0 }, "zscore"],
    ["uint16", 4, { nodata: 0, mask: true }, "minmax"],
    ["float32", 4, { nan: true }, "zscore"],
    ["float32", 3, { nodata: -1, nan: true, mask: true }, "zscore"],
    ["int16", 3, { nodata: -9999 }, "zscore"],
    ["uint8", 1, { mask: true }, "minmax"],
    ["int8", 2, { nodata: 7 }, "none"],
  ];
  it.each(cases)("%s, %d bands, %o, %s: the same values and validity", async (dtype, bands, o, method) => {
    expect(planarExact(dtype)).toBe(true);
    const tiles = [0, 1, 2, 3, 4].map((id) => tile(id, dtype, bands, o));
    const s = stats(bands, false);
    const want = await run(tiles, s, method, false);
    const scaling = inputScaling({ stats: s, method }, bands);
    if (!scaling) throw new Error("no scaling");
    const batches: Batch[] = await lastValueFrom(rxFrom(tiles).pipe(batch(3, { planar: scaling }), toArray()));
    const [h, w] = [5, 7];
    for (const [i, b] of batches.entries()) {
      const expected = want[i];
      expect(b.layout).toBe("nchw");
      expect(b.index).toStrictEqual(expected?.index);
      expect(b.tiles.map((t) => (t.valid ? Array.from(t.valid) : null))).toStrictEqual(
        expected?.tiles.map((t) => t.valid),
      );
      if (!b.x) {
        expect(expected?.x).toBeNull();
        continue;
      }
      expect(b.x.shape).toStrictEqual([b.index.length, bands, h, w]);
      const got = scaleInGraph(
        Array.from(await b.x.data()),
        b.index.length,
        bands,
        h * w,
        scaling.shift,
        scaling.scale,
      );
      b.x.dispose();
      const exp = expected?.x as number[];
      expect(got.length).toBe(exp.length);
      // Invalid cells are exactly 0, as normalize() leaves them; the rest agree to float32 rounding.
      for (let j = 0; j < got.length; j++) expect(Math.abs((got[j] as number) - (exp[j] as number))).toBeLessThan(2e-6);
      expect(got.filter((v) => v === 0).length).toBe(exp.filter((v) => v === 0).length);
    }
  });

  it("an invalid cell is written as its band's float32 shift, which the model turns into 0", async () => {
    const t = tile(0, "uint16", 4, { nodata: 0 });
    const scaling = inputScaling({ stats: stats(4, false), method: "zscore" }, 4);
    const [b] = await lastValueFrom(rxFrom([t]).pipe(batch(1, { planar: scaling ?? undefined }), toArray()));
    const x = (await b?.x?.data()) as Float32Array;
    expect(x[3]).toBe(Math.fround(50)); // cell 3 of band 0 is nodata; band 0's mean is 50
    expect(x[2 * 35 + 8]).toBe(t.grid.data[2 * 35 + 8]); // a valid cell stays raw
    expect(b?.tiles[0]?.valid?.[3]).toBe(0);
    b?.x?.dispose();
  });

  it("a bands-first batch is refused by a model that takes NHWC", async () => {
    const scaling = inputScaling({ stats: stats(4, false), method: "zscore" }, 4) ?? undefined;
    const tiles = [0, 1].map((id) => tile(id, "uint16", 4, {}));
    const run = rxFrom(tiles).pipe(
      batch(2, { planar: scaling }),
      predict((x) => x.clone()),
    );
    await expect(lastValueFrom(run)).rejects.toThrow(/takes NHWC batches, not bands-first ones/);
  });

  it("log1p bands, and sample types float32 does not hold exactly, stay on the host", () => {
    expect(inputScaling({ stats: stats(3, true), method: "zscore" }, 3)).toBeNull();
    expect(inputScaling({ stats: stats(3, false), method: "zscore" }, 3)).toMatchObject({ shift: [50, 60, 70] });
    for (const d of ["int32", "uint32", "float64"] as const) expect(planarExact(d)).toBe(false);
  });
});
