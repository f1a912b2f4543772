/**
 * Stores zarr-python writes with types and filters that zarrita hands over in its own way: bool
 * arrays (a BoolArray without indexed elements, which read as zeros), the quantize and delta filters,
 * 64-bit integers (read as float64) and float16 (which zarrita cannot open without a
 * Float16Array; read as float32). Every value must equal zarr-python's.
 */
import { describe, expect, it } from "vitest";
import { openSource } from "../../../src/io/registry.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/**
 * A store at `path` with a 2 x 23 x 41 variable `v` of `dtype` (seeded random values; a NaN in a
 * float one), written by zarr-python with the given create_dataset keywords (Python source), and
 * the values zarr-python reads back (NaN as null).
 */
function zarrPython(path: string, dtype: string, kw: string): (number | null)[] {
  return py(`import zarr, numcodecs, lzma
rs = np.random.default_rng(3)
dt = np.dtype(${JSON.stringify(dtype)})
a = rs.standard_normal((2, 23, 41)) * 50
if dt.kind == "f": a[0, 1, 2] = np.nan
a = (a > 0) if dt.kind == "b" else a.astype(dt)
g = zarr.open_group(${JSON.stringify(path)}, mode="w")
z = g.create_dataset("v", shape=a.shape, dtype=dt, chunks=(1, 10, 16), ${kw})
z[...] = a
z.attrs["_ARRAY_DIMENSIONS"] = ["band", "y", "x"]
b = z[...].astype(float).ravel()
print(json.dumps([None if math.isnan(v) else v for v in b.tolist()]))`);
}

async function tilecastValues(path: string) {
  const src = await openSource(path, { variable: "v" });
  try {
    const g = await src.readWindow({ x: 0, y: 0, width: src.meta.width, height: src.meta.height });
    return {
      dtype: g.dtype,
      shape: g.shape,
      values: Array.from(g.data as ArrayLike<number>, (v) => (v !== v ? null : v)),
    };
  } finally {
    await src.close();
  }
}

describe.skipIf(!hasGdal)("zarr-python stores: bool, quantize, 64-bit integers", () => {
  it.each([
    ["C order, no compressor", "order='C', compressor=None"],
    ["F order, blosc lz4", "order='F', compressor=numcodecs.Blosc('lz4')"],
    ["C order, zlib", "compressor=numcodecs.Zlib(1)"],
  ])("bool, %s: 0 and 1 where zarr-python reads False and True", async (_what, kw) => {
    const path = tmp("bool.zarr");
    const ref = zarrPython(path, "|b1", kw);
    expect(ref.filter((v) => v === 1).length).toBeGreaterThan(700); // about half of 1886
    const got = await tilecastValues(path);
    expect(got.dtype).toBe("uint8");
    expect(got.values).toStrictEqual(ref);
  });

  it.each(["<f4", "<f8"])("quantize filter, %s: the stored, rounded values", async (dtype) => {
    const path = tmp("quantize.zarr");
    const ref = zarrPython(path, dtype, `filters=[numcodecs.Quantize(2, "${dtype}")], compressor=numcodecs.Zlib(1)`);
    expect(ref[41 + 2]).toBeNull();
    expect(ref.some((v) => v !== null && !Number.isInteger(v))).toBe(true);
    const got = await tilecastValues(path);
    expect(got.values).toStrictEqual(ref);
  });

  it("a quantize filter that stores another dtype is refused by name", async () => {
    const path = tmp("quantize-astype.zarr");
    zarrPython(path, "<f8", `filters=[numcodecs.Quantize(2, "<f8", astype="<f4")]`);
    await expect(openSource(path, { variable: "v" })).rejects.toThrow(
      "array 'v' uses a quantize filter that stores <f4 values for a <f8 array",
    );
  });

  it.each([
    ["<i4", "<i4"],
    [">i2", ">i2"],
    ["<f8", "<f8"],
    ["|u1", "u1"],
  ])("delta filter in the array's own type, %s: zarr-python's values", async (dtype, filterType) => {
    const path = tmp("delta.zarr");
    const ref = zarrPython(path, dtype, `filters=[numcodecs.Delta("${filterType}")], compressor=numcodecs.Zlib(1)`);
    expect(new Set(ref).size).toBeGreaterThan(50);
    expect((await tilecastValues(path)).values).toStrictEqual(ref);
  });

  it.each([
    [
      "stores differences in a smaller type",
      "<i4",
      `numcodecs.Delta("<i4", astype="<i2")`,
      "stores <i2 values for a <i4 array",
    ],
    [
      "works in another type than the array",
      "<f4",
      `numcodecs.Delta("<u2")`,
      "for <u2 values, but the array holds <f4",
    ],
    ["works in the other byte order", ">i2", `numcodecs.Delta("<i2")`, "for <i2 values, but the array holds >i2"],
    [
      "quantizes in another type than the array",
      "<f8",
      `numcodecs.Quantize(2, "<f4")`,
      "for <f4 values, but the array holds <f8",
    ],
  ])(
    "a filter that %s is refused by name (zarrita would decode in the array's type)",
    async (_what, dtype, f, text) => {
      const path = tmp("filter-type.zarr");
      zarrPython(path, dtype, `filters=[${f}]`);
      await expect(openSource(path, { variable: "v" })).rejects.toThrow(
        `array 'v' uses a ${f.slice(10, f.indexOf("("))}`.toLowerCase(),
      );
      await expect(openSource(path, { variable: "v" })).rejects.toThrow(text);
    },
  );

  it.each([
    ["C order, zlib", "<f2", "compressor=numcodecs.Zlib(1)"],
    ["F order, blosc lz4 with shuffle", "<f2", "order='F', compressor=numcodecs.Blosc('lz4', shuffle=1)"],
    ["big-endian, no compressor", ">f2", "compressor=None"],
  ])("float16, %s: float32 values equal to zarr-python's halves", async (_what, dtype, kw) => {
    const path = tmp("f2.zarr");
    const ref = zarrPython(path, dtype, kw);
    expect(ref[41 + 2]).toBeNull();
    expect(ref.some((v) => v !== null && Math.abs(v) > 100)).toBe(true);
    const got = await tilecastValues(path);
    expect(got.dtype).toBe("float32");
    expect(got.values).toStrictEqual(ref);
  });

  it.each([
    ["NaN", "np.nan", 1.099609375],
    ["1.1 (1.099609375 as a half)", "1.1", Number.NaN],
  ])(
    "float16 with fill value %s: missing chunks and the fill value read NaN, as xarray reads them",
    async (_what, fill, first) => {
      const path = tmp("f2-missing.zarr");
      // Only the first band is written, its first value 1.1 (as a half): the second band's chunks are missing.
      py(`import zarr
g = zarr.open_group(${JSON.stringify(path)}, mode="w")
z = g.create_dataset("v", shape=(2, 23, 41), dtype="<f2", chunks=(1, 10, 16), fill_value=${fill})
b = np.arange(23 * 41).reshape(23, 41) / 8
b[0, 0] = 1.1
z[0] = b
z.attrs["_ARRAY_DIMENSIONS"] = ["band", "y", "x"]
print(json.dumps(None))`);
      const src = await openSource(path, { variable: "v" });
      try {
        expect(src.meta.nodata).toBeNaN();
        const g = await src.readWindow({ x: 0, y: 0, width: 41, height: 23 });
        expect(g.data[0]).toStrictEqual(first); // masked only where it equals the fill value
        expect(g.data[5]).toBe(5 / 8);
        expect(g.data[23 * 41 + 7]).toBeNaN();
      } finally {
        await src.close();
      }
    },
  );

  it("float16 in a v3 store (bytes codec, both byte orders): float32 values", async () => {
    const path = tmp("f2-v3.zarr");
    const ref = py<(number | null)[]>(`import os
a = (np.arange(2 * 5 * 7).reshape(2, 5, 7) - 20) / 3
a[1, 2, 3] = np.nan
h = a.astype("<f2")
for name in ["le", "be"]:
    for b in range(2): os.makedirs(f"${path}/{name}/c/{b}/0")
open(${JSON.stringify(path)} + "/zarr.json", "w").write(json.dumps({"zarr_format": 3, "node_type": "group", "attributes": {}}))
for name, end in [("le", "little"), ("be", "big")]:
    meta = {"zarr_format": 3, "node_type": "array", "shape": [2, 5, 7], "data_type": "float16",
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [1, 5, 7]}},
            "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
            "fill_value": "NaN", "codecs": [{"name": "bytes", "configuration": {"endian": end}}],
            "dimension_names": ["band", "y", "x"], "attributes": {}}
    open(f"${path}/{name}/zarr.json", "w").write(json.dumps(meta))
    for b in range(2):
        open(f"${path}/{name}/c/{b}/0/0", "wb").write(h[b].astype("<f2" if end == "little" else ">f2").tobytes())
print(json.dumps([None if math.isnan(v) else v for v in h.astype(float).ravel().tolist()]))`);
    for (const variable of ["le", "be"]) {
      const src = await openSource(path, { variable });
      try {
        const g = await src.readWindow({ x: 0, y: 0, width: 7, height: 5 });
        expect(g.dtype).toBe("float32");
        expect(Array.from(g.data as Float32Array, (v) => (v !== v ? null : v))).toStrictEqual(ref);
      } finally {
        await src.close();
      }
    }
  });

  it.each(["<i8", "<u8"])("%s: float64 values equal to zarr-python's", async (dtype) => {
    const path = tmp("i8.zarr");
    // No fill value: tilecast, as xarray, reads values equal to the fill value as no data.
    const ref = zarrPython(path, dtype, "compressor=numcodecs.Zstd(1), fill_value=None");
    expect(ref.filter((v) => v === 0).length).toBeGreaterThan(10);
    const got = await tilecastValues(path);
    expect(got.dtype).toBe("float64");
    expect(got.values).toStrictEqual(ref);
  });
});

describe.skipIf(!hasGdal)("zarr-python stores: the lzma and bz2 compressors (tilecast's own decoders)", () => {
  it.each([
    ["bz2, level 1", "numcodecs.BZ2(1)"],
    ["bz2, level 9", "numcodecs.BZ2(9)"],
    [".xz, CRC-64 (numcodecs' default)", "numcodecs.LZMA()"],
    [".xz, SHA-256, preset 9", "numcodecs.LZMA(preset=9, check=lzma.CHECK_SHA256)"],
    [".lzma", "numcodecs.LZMA(format=lzma.FORMAT_ALONE)"],
    [
      "raw LZMA2 after Delta",
      "numcodecs.LZMA(format=lzma.FORMAT_RAW, filters=[dict(id=lzma.FILTER_DELTA, dist=4), dict(id=lzma.FILTER_LZMA2, preset=1)])",
    ],
  ])("%s: zarr-python's values", async (_what, compressor) => {
    const path = tmp("lzma.zarr");
    const ref = zarrPython(path, "<f4", `compressor=${compressor}`);
    const got = await tilecastValues(path);
    expect([got.dtype, got.shape]).toStrictEqual(["float32", [2, 23, 41]]);
    expect(got.values).toStrictEqual(ref);
  });

  it("a changed byte in a chunk is refused naming the chunk, as zarr-python refuses it", async () => {
    const path = tmp("lzma-changed.zarr");
    zarrPython(path, "<f4", "compressor=numcodecs.LZMA()");
    const refused = py<boolean>(`import zarr
p = ${JSON.stringify(`${path}/v/0.1.1`)}
b = bytearray(open(p, "rb").read()); b[len(b) // 2] ^= 4; open(p, "wb").write(b)
try:
    zarr.open_group(${JSON.stringify(path)}, mode="r")["v"][...]; print("false")
except Exception:
    print("true")`);
    expect(refused).toBe(true);
    await expect(tilecastValues(path)).rejects.toThrow(/0\.1\.1.*lzma/);
  });
});

describe.skipIf(!hasGdal)("zarr-python stores: fixedscaleoffset, astype and the checksum filters", () => {
  it.each([
    ["<f4 stored as <i4, scale 10", "<f4", "FixedScaleOffset(offset=0, scale=10, dtype='<f4', astype='<i4')"],
    [
      "big-endian >f4 stored as little-endian <i4",
      ">f4",
      "FixedScaleOffset(offset=0, scale=10, dtype='>f4', astype='<i4')",
    ],
    [
      "<f8 stored as big-endian >i2, offset 5",
      "<f8",
      "FixedScaleOffset(offset=5, scale=10, dtype='<f8', astype='>i2')",
    ],
    [
      "<f4 stored as |u1, offset -200, scale 0.5",
      "<f4",
      "FixedScaleOffset(offset=-200, scale=0.5, dtype='<f4', astype='|u1')",
    ],
  ])("fixedscaleoffset, %s: zarr-python's values", async (_what, dtype, filter) => {
    const path = tmp("fso.zarr");
    const ref = zarrPython(path, dtype, `fill_value=None, compressor=numcodecs.Zlib(1), filters=[numcodecs.${filter}]`);
    const got = await tilecastValues(path);
    expect(got.values).toStrictEqual(ref);
    expect(new Set(ref).size).toBeGreaterThan(100); // quantized, not constant
  });

  it.each([
    ["<f8 stored as <f4", "<f8", "AsType(encode_dtype='<f4', decode_dtype='<f8')"],
    ["big-endian >f8 stored as little-endian <f4", ">f8", "AsType(encode_dtype='<f4', decode_dtype='>f8')"],
    ["<i4 stored as <i2", "<i4", "AsType(encode_dtype='<i2', decode_dtype='<i4')"],
  ])("astype, %s: zarr-python's values", async (_what, dtype, filter) => {
    const path = tmp("astype.zarr");
    const ref = zarrPython(path, dtype, `fill_value=None, compressor=numcodecs.Zlib(1), filters=[numcodecs.${filter}]`);
    expect((await tilecastValues(path)).values).toStrictEqual(ref);
  });

  it("astype to float16 is refused on open, by name (zarrita cannot cast from float16 on Node 20)", async () => {
    const path = tmp("astype16.zarr");
    zarrPython(path, "<f4", "fill_value=None, filters=[numcodecs.AsType(encode_dtype='<f2', decode_dtype='<f4')]");
    await expect(tilecastValues(path)).rejects.toThrow(`${path}: array 'v' stores its values as float16 in a filter`);
  });

  it.each(["CRC32", "Adler32"])(
    "%s filter: zarr-python's values; a changed byte is refused naming the chunk",
    async (f) => {
      const path = tmp(`${f}.zarr`);
      const ref = zarrPython(path, "<i4", `compressor=numcodecs.Blosc("lz4"), filters=[numcodecs.${f}()]`);
      expect((await tilecastValues(path)).values).toStrictEqual(ref);
      const refused = py<boolean>(`import zarr
p = ${JSON.stringify(`${path}/v/1.2.0`)}
z = zarr.open_group(${JSON.stringify(path)}, mode="r")["v"]
raw = bytearray(z.compressor.decode(open(p, "rb").read())); raw[9] ^= 1
open(p, "wb").write(z.compressor.encode(bytes(raw)))
try:
    z[...]; print("false")
except Exception:
    print("true")`);
      expect(refused).toBe(true);
      await expect(tilecastValues(path)).rejects.toThrow(/v\/1\.2\.0.*checksum failed/);
    },
  );
});

describe.skipIf(!hasGdal)("zarr-python stores tilecast refuses on open, by name", () => {
  it("a delta filter on a bool array", async () => {
    const path = tmp("bool-delta.zarr");
    zarrPython(path, "|b1", "filters=[numcodecs.Delta(dtype='|b1')]");
    await expect(tilecastValues(path)).rejects.toThrow(`${path}: array 'v' uses a delta filter on bool values`);
  });
});
