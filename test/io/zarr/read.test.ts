import { describe, expect, it } from "vitest";
import { openZarr } from "../../../src/io/zarr/dataset.js";
import { readSelection } from "../../../src/io/zarr/read.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { CODECS, ERA5, zfixture, zpattern } from "../../helpers/zarr-pattern.js";

const FULL = (w: number, h: number) => ({ x: 0, y: 0, width: w, height: h });

describe("Zarr v2 reading: codecs, layouts and dtypes, value by value", () => {
  const names = [
    "zlib",
    "gzip",
    "zstd",
    "lz4",
    "blosc_zstd_bitshuffle",
    "blosc_lz4_shuffle",
    "none",
    "big_endian",
    "f_order",
    "slash_separator",
  ];
  it.each(names)("%s", async (name) => {
    const src = await openZarrSource(CODECS, { variable: name });
    expect(src.meta).toMatchObject({ width: 7, height: 5, bands: 1, dtype: "float32", blockWidth: 3, blockHeight: 2 });
    const g = await src.readWindow(FULL(7, 5));
    const want = Array.from({ length: 35 }, (_, i) => zpattern([Math.floor(i / 7), i % 7]));
    expect(Array.from(g.data)).toStrictEqual(want);
  });

  it.each([
    ["u1", "uint8"],
    ["i1", "int8"],
    ["u2", "uint16"],
    ["i2", "int16"],
    ["u4", "uint32"],
    ["i4", "int32"],
    ["f8", "float64"],
  ] as const)("dtype %s reads as %s", async (code, dtype) => {
    const src = await openZarrSource(CODECS, { variable: `dtype_${code}` });
    expect(src.meta.dtype).toBe(dtype);
    const g = await src.readWindow(FULL(7, 5));
    const off = code.startsWith("u") ? 0 : -100;
    expect(Array.from(g.data)).toStrictEqual(
      Array.from({ length: 35 }, (_, i) => zpattern([Math.floor(i / 7), i % 7], 1, off)),
    );
  });

  it("missing chunks read as fill_value raw, and as missing (NaN) once decoded, as xarray does", async () => {
    const ds = await openZarr(CODECS);
    const info = ds.arrays.get("missing_chunks");
    if (!info) throw new Error("fixture lacks missing_chunks");
    const raw = await readSelection(
      info,
      [
        [0, 5],
        [0, 7],
      ],
      CODECS,
    );
    const src = await openZarrSource(CODECS, { variable: "missing_chunks" });
    const g = await src.readWindow(FULL(7, 5));
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 7; x++) {
        const present = y < 2 && x < 3;
        expect(raw.data[y * 7 + x]).toBe(present ? zpattern([y, x]) : 42);
        expect(g.data[y * 7 + x]).toStrictEqual(present ? zpattern([y, x]) : Number.NaN);
      }
    }
    if (hasGdal) {
      const ref = py<(number | null)[]>(`import xarray as xr
v = xr.open_zarr(${JSON.stringify(CODECS)}).missing_chunks.values
print(json.dumps([None if math.isnan(x) else float(x) for x in v.ravel().tolist()]))`);
      expect(Array.from(g.data, (v) => (Number.isNaN(v) ? null : v))).toStrictEqual(ref);
    }
  });

  it("lists arrays without consolidated metadata, with dims from _ARRAY_DIMENSIONS", async () => {
    const ds = await openZarr(CODECS);
    expect(ds.consolidated).toBe(false);
    expect(ds.arrays.size).toBe(18);
    expect(ds.arrays.get("slash_separator")).toMatchObject({ dims: ["y", "x"], shape: [5, 7], chunks: [2, 3] });
  });

  it("windows across chunks and past the edge (nodata-padded)", async () => {
    const src = await openZarrSource(CODECS, { variable: "zlib" });
    const g = await src.readWindow({ x: 2, y: 1, width: 4, height: 3 });
    expect(Array.from(g.data)).toStrictEqual([1, 2, 3].flatMap((y) => [2, 3, 4, 5].map((x) => zpattern([y, x]))));
    const edge = await src.readWindow({ x: 6, y: 4, width: 2, height: 2 });
    expect(Array.from(edge.data)).toStrictEqual([zpattern([4, 6]), Number.NaN, Number.NaN, Number.NaN]);
    expect(edge.mask).toBeNull(); // the fill value (0, as _FillValue) decodes to NaN nodata
  });
});

describe("ERA5-like store: CF decoding, time, georeferencing", () => {
  it("unpacks int16 t2m exactly as xarray does, NaN where _FillValue", async () => {
    const src = await openZarrSource(ERA5, { variable: "t2m" });
    expect(src.meta).toMatchObject({
      width: 36,
      height: 19,
      bands: 4,
      dtype: "float32",
      periodicX: true,
      bandDim: "time",
    });
    expect(src.meta.nodata).toBeNaN();
    expect(src.meta.attrs.bandNames).toStrictEqual([
      "2020-01-01T00:00:00.000Z",
      "2020-01-01T06:00:00.000Z",
      "2020-01-01T12:00:00.000Z",
      "2020-01-01T18:00:00.000Z",
    ]);
    expect(src.meta.georef?.transform).toStrictEqual([-5, 10, 0, 95, 0, -10]);
    expect(src.meta.georef?.crs?.epsg).toBe(4326);
    const g = await src.readWindow(FULL(36, 19));
    expect(g.data[(1 * 19 + 3) * 36 + 5]).toBeNaN();
    if (hasGdal) {
      const ref = py<(number | null)[]>(`import xarray as xr
v = xr.open_zarr(${JSON.stringify(ERA5)}).t2m.values
print(json.dumps([None if math.isnan(x) else float(x) for x in v.ravel().tolist()]))`);
      expect(Array.from(g.data, (v) => (Number.isNaN(v) ? null : v))).toStrictEqual(ref);
    }
  });

  it("fixes dims with an index and keeps the variable's attributes", async () => {
    const src = await openZarrSource(ERA5, { variable: "tp", index: { time: 2 } });
    expect(src.meta.bands).toBe(1);
    expect(src.meta.attrs.units).toBe("m");
    const g = await src.readWindow({ x: 10, y: 4, width: 2, height: 1 });
    expect(Array.from(g.data)).toStrictEqual(
      [zpattern([2, 4, 10], 0.001, 0), zpattern([2, 4, 11], 0.001, 0)].map(Math.fround),
    );
  });

  it("flips ascending latitude north-up, with edges half a step out", async () => {
    const src = await openZarrSource(zfixture("regional.lat-ascending.lon180.zarr"));
    expect(src.meta).toMatchObject({ width: 21, height: 11, flipY: true, periodicX: false, dtype: "float64" });
    expect(src.meta.georef?.transform).toStrictEqual([-10.5, 1, 0, 40.5, 0, -1]);
    const g = await src.readWindow(FULL(21, 11));
    expect(g.data[0]).toBeCloseTo(zpattern([10, 0], 0.1, 10), 12); // the northernmost row comes first
    expect(g.data[10 * 21]).toBeNaN(); // stored [0, 0] was NaN, now the bottom-left cell
  });

  it("reads a projected CRS from spatial_ref, as rioxarray writes it", async () => {
    const src = await openZarrSource(zfixture("projected.utm33n.u2.zarr"));
    expect(src.meta.georef?.crs?.epsg).toBe(32633);
    expect(src.meta.georef?.transform).toStrictEqual([500000, 10, 0, 4600000, 0, -10]);
    expect(src.meta.bands).toBe(2);
  });
});
