import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { crsFromEpsg } from "../../../src/grid/crs.js";
import { createGrid } from "../../../src/grid/grid.js";
import { parseCompressor } from "../../../src/io/zarr/codecs.js";
import { createZarrSink } from "../../../src/io/zarr/sink.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const run = promisify(execFile);
const SCENE = "fixtures/demo/scene.s2like.u16.4b.tif";

/** What xarray sees in a store we wrote. */
function xarrayView(path: string, variable = "band_data") {
  return py<{
    dims: string[];
    shape: number[];
    dtype: string;
    x: number[];
    y: number[];
    crs: string;
    gt: string;
    sum: number;
    first: number[];
    attrs: Record<string, unknown>;
  }>(`import xarray as xr
ds = xr.open_zarr(${JSON.stringify(path)}, consolidated=True)
v = ds[${JSON.stringify(variable)}]
a = v.values.astype("float64")
print(json.dumps({"dims": list(v.dims), "shape": list(v.shape), "dtype": str(v.dtype), "x": ds.x.values[:2].tolist(), "y": ds.y.values[:2].tolist(),
  "crs": ds.spatial_ref.attrs.get("crs_wkt", ""), "gt": ds.spatial_ref.attrs.get("GeoTransform", ""), "sum": float(np.nansum(a)), "first": a.ravel()[:5].tolist(),
  "attrs": {k: (v if not isinstance(v, np.ndarray) else v.tolist()) for k, v in v.attrs.items()}}))`);
}

describe.skipIf(!hasGdal)("writing Zarr that xarray reads", () => {
  it.each(["blosc-zstd", "blosc-lz4", "zlib", "gzip", "zstd", "lz4", "none"])(
    "GeoTIFF -> Zarr v2 with %s: same values, x/y at pixel centres, CRS attributes",
    async (name) => {
      const out = tmp("scene.zarr");
      await convertRaster(SCENE, out, { outputTileSize: 200, write: { compressor: parseCompressor(name) } });
      const v = xarrayView(out);
      expect(v).toMatchObject({
        dims: ["band", "y", "x"],
        shape: [4, 512, 512],
        dtype: "uint16",
        x: [600005, 600015],
        y: [4999995, 4999985],
        gt: "600000 10 0 5000000 0 -10",
      });
      expect(v.crs).toContain('AUTHORITY["EPSG","32633"]');
      expect(v.attrs).toMatchObject({ grid_mapping: "spatial_ref", band_names: ["blue", "green", "red", "nir"] });
      const ref = py<{ sum: number; first: number[] }>(`ds = gdal.Open(${JSON.stringify(SCENE)})
a = ds.ReadAsArray().astype("float64")
print(json.dumps({"sum": float(a.sum()), "first": a.ravel()[:5].tolist()}))`);
      expect([v.sum, v.first]).toStrictEqual([ref.sum, ref.first]);
    },
  );

  it("NaN nodata becomes the fill value, and reads back as NaN", async () => {
    const data = Float32Array.from({ length: 16 * 20 }, (_, i) => (i % 7 === 0 ? Number.NaN : i / 4));
    const out = tmp("nan.zarr");
    const sink = await createZarrSink(
      out,
      {
        width: 20,
        height: 16,
        bands: 1,
        dtype: "float32",
        georef: { transform: [0, 0.5, 0, 60, 0, -0.5], crs: crsFromEpsg(4326), rasterType: "area" },
        nodata: Number.NaN,
      },
      { tileSize: 16 },
    );
    await sink.writeBlock(
      0,
      0,
      createGrid("float32", [1, 16, 16], {
        data: Float32Array.from({ length: 256 }, (_, i) => data[Math.floor(i / 16) * 20 + (i % 16)] as number),
      }),
    );
    await sink.writeBlock(
      1,
      0,
      createGrid("float32", [1, 16, 4], {
        data: Float32Array.from({ length: 64 }, (_, i) => data[Math.floor(i / 4) * 20 + 16 + (i % 4)] as number),
      }),
    );
    await sink.commit();
    const meta = JSON.parse(readFileSync(`${out}/band_data/.zarray`, "utf8"));
    expect(meta.fill_value).toBe("NaN");
    const ref = py<(number | null)[]>(`import xarray as xr
print(json.dumps([None if math.isnan(x) else float(x) for x in xr.open_zarr(${JSON.stringify(out)}).band_data.values.ravel().tolist()]))`);
    expect(ref).toStrictEqual(Array.from(data, (v) => (Number.isNaN(v) ? null : v)));
    const back = await openZarrSource(out);
    expect(back.meta.georef?.transform).toStrictEqual([0, 0.5, 0, 60, 0, -0.5]);
    expect(back.meta.georef?.crs?.epsg).toBe(4326);
  });

  it("two processes fill disjoint chunk rows of one store at once; xarray sees every value", async () => {
    const out = tmp("shared.zarr");
    const sink = await createZarrSink(
      out,
      { width: 50, height: 40, bands: 1, dtype: "float32", georef: null, nodata: Number.NaN },
      { tileSize: 16, compressor: parseCompressor("zlib") },
    );
    await sink.commit(); // metadata only: chunks come from the workers
    const worker = (r0: number, r1: number) =>
      run(process.execPath, [
        "--import",
        "tsx",
        "test/helpers/region-writer.ts",
        out,
        "band_data",
        String(r0),
        String(r1),
      ]);
    await Promise.all([worker(0, 1), worker(1, 3)]);
    const values = py<number[]>(`import xarray as xr
print(json.dumps(xr.open_zarr(${JSON.stringify(out)}).band_data.values.ravel().tolist()))`);
    expect(values).toStrictEqual(Array.from({ length: 40 * 50 }, (_, i) => Math.floor(i / 50) * 1000 + (i % 50)));
    expect(readdirSync(`${out}/band_data`).filter((f) => f.includes("tmp-"))).toStrictEqual([]);
  });

  it("a (y, x) variable of a stacked store is filled the same way; its neighbour stays fill", async () => {
    const out = tmp("stacked-regions.zarr");
    const attrs = { bandNames: ["a", "b"], bandVariables: ["a", "b"] };
    const spec = { width: 50, height: 40, bands: 2, dtype: "float32" as const, georef: null, nodata: Number.NaN };
    await (await createZarrSink(out, { ...spec, attrs }, { tileSize: 16 })).commit();
    const worker = (r0: number, r1: number) =>
      run(process.execPath, ["--import", "tsx", "test/helpers/region-writer.ts", out, "a", String(r0), String(r1)]);
    await Promise.all([worker(0, 1), worker(1, 3)]);
    const got = py<{ a: number[]; dims: string[]; b: number }>(`import xarray as xr
o = xr.open_zarr(${JSON.stringify(out)})
print(json.dumps({"a": o.a.values.ravel().tolist(), "dims": list(o.a.dims), "b": int(o.b.isnull().sum())}))`);
    expect(got).toStrictEqual({
      a: Array.from({ length: 40 * 50 }, (_, i) => Math.floor(i / 50) * 1000 + (i % 50)),
      dims: ["y", "x"],
      b: 40 * 50,
    });
  });
});

describe("Zarr v3 and round trips", () => {
  it("GeoTIFF -> Zarr v3 -> GeoTIFF is lossless, georeferencing included", async () => {
    const z = tmp("scene.v3.zarr");
    await convertRaster(SCENE, z, { outputTileSize: 128, write: { zarrFormat: 3 } });
    const root = JSON.parse(readFileSync(`${z}/zarr.json`, "utf8"));
    expect(root).toMatchObject({ zarr_format: 3, node_type: "group", consolidated_metadata: { kind: "inline" } });
    expect(JSON.parse(readFileSync(`${z}/band_data/zarr.json`, "utf8"))).toMatchObject({
      dimension_names: ["band", "y", "x"],
      codecs: [{ name: "bytes" }, { name: "blosc" }],
    });
    const back = tmp("back.tif");
    await convertRaster(z, back, { variable: "band_data" });
    const [a, b] = await Promise.all([
      openZarrSource(z),
      (await import("../../../src/io/geotiff/reader.js")).openGeoTiff(back),
    ]);
    const orig = await (await import("../../../src/io/geotiff/reader.js")).openGeoTiff(SCENE);
    const w = { x: 0, y: 0, width: 512, height: 512 };
    const [ga, gb, go] = await Promise.all([a.readWindow(w), b.readWindow(w), orig.readWindow(w)]);
    expect(Buffer.from(gb.data.buffer).equals(Buffer.from(go.data.buffer))).toBe(true);
    expect(Buffer.from(ga.data.buffer).equals(Buffer.from(go.data.buffer))).toBe(true);
    expect(b.meta.georef?.transform).toStrictEqual(orig.meta.georef?.transform);
    expect(b.meta.georef?.crs?.epsg).toBe(32633);
  });

  it.each([
    ["zlib", "numcodecs.zlib", { level: 5 }],
    ["lz4", "numcodecs.lz4", { acceleration: 1 }],
    ["gzip", "gzip", { level: 5 }],
  ] as const)(
    "v3 with %s: the codec is named as zarr-python 3 names it (%s), and reads back equal",
    async (c, name, conf) => {
      const z = tmp(`scene.v3.${c}.zarr`);
      await convertRaster(SCENE, z, { write: { zarrFormat: 3, compressor: c } });
      const doc = JSON.parse(readFileSync(`${z}/band_data/zarr.json`, "utf8"));
      expect(doc.codecs).toStrictEqual([
        { name: "bytes", configuration: { endian: "little" } },
        { name, configuration: conf },
      ]);
      const w = { x: 0, y: 0, width: 512, height: 512 };
      const orig = await (await import("../../../src/io/geotiff/reader.js")).openGeoTiff(SCENE);
      const got = await (await openZarrSource(z)).readWindow(w);
      expect(Buffer.from(got.data.buffer).equals(Buffer.from((await orig.readWindow(w)).data.buffer))).toBe(true);
    },
  );

  it("Zarr -> Zarr keeps values and georeferencing", async () => {
    const out = tmp("t2m.zarr");
    await convertRaster("fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr", out, {
      variable: "t2m",
      outputTileSize: 16,
    });
    const a = await openZarrSource("fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr", { variable: "t2m" });
    const b = await openZarrSource(out, { variable: "t2m" });
    const w = { x: 0, y: 0, width: 36, height: 19 };
    expect(Array.from((await b.readWindow(w)).data)).toStrictEqual(Array.from((await a.readWindow(w)).data));
    expect(b.meta.georef?.transform).toStrictEqual([-5, 10, 0, 95, 0, -10]);
    expect(b.meta.periodicX).toBe(true);
  });

  it("a failed conversion leaves no store and no temporary directory", async () => {
    const out = tmp("fail.zarr");
    await expect(convertRaster("fixtures/geotiff/f32.none.tiled.1b.rotated.tif", out)).rejects.toThrow(
      /rotated transform/,
    );
    expect(readdirSync(dirname(out))).toStrictEqual([]);
  });
});
