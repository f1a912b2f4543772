/**
 * Cloud-Optimized GeoTIFF output: GDAL's validator passes it (--full-check), GDAL reads the full
 * resolution equal to the input and the overviews equal to `gdaladdo`'s (average, nearest, mode,
 * with nodata and odd sizes), pipelines and `convert --cog` write it, and a COG over http opens
 * with at most two range requests before its first tile.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { createGrid, type Grid, validMask } from "../../../src/grid/grid.js";
import { createCogSink } from "../../../src/io/geotiff/cog.js";
import { OverviewPyramid } from "../../../src/io/geotiff/overview.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { createSink } from "../../../src/io/registry.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, PYTHON, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/** GDAL's own COG validator; returns its output, and whether it passed. */
function validate(path: string): { ok: boolean; text: string } {
  const r = spawnSync(
    PYTHON,
    ["-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff", "--full-check=yes", path],
    { encoding: "utf8" },
  );
  return { ok: r.status === 0, text: r.stdout + r.stderr };
}

/**
 * Make a GeoTIFF with GDAL (odd size, a nodata block, EPSG:32633), a copy with `gdaladdo`
 * overviews of `method`, and return both paths.
 */
function sourceWithReference(type: string, bands: number, method: string, w = 301, h = 203) {
  const src = tmp("src.tif");
  const ref = `${dirname(src)}/ref.tif`;
  py(`import shutil
rng = np.random.default_rng(7)
types = {"Float32": np.float32, "Byte": np.uint8, "Int16": np.int16}
ds = gdal.GetDriverByName("GTiff").Create("${src}", ${w}, ${h}, ${bands}, gdal.GDT_${type}, ["TILED=YES", "COMPRESS=DEFLATE"])
ds.SetGeoTransform([500000, 10, 0, 4600000, 0, -10])
s = osr.SpatialReference(); s.ImportFromEPSG(32633); ds.SetProjection(s.ExportToWkt())
for b in range(${bands}):
    a = rng.random((${h}, ${w})) * 200 - 50 if "${type}" != "Byte" else rng.integers(0, 4, (${h}, ${w}))
    a[10:31, 20:45] = -9999 if "${type}" != "Byte" else 255
    ds.GetRasterBand(b + 1).WriteArray(a.astype(types["${type}"]))
    ds.GetRasterBand(b + 1).SetNoDataValue(-9999 if "${type}" != "Byte" else 255)
ds = None
shutil.copy("${src}", "${ref}")
ds = gdal.Open("${ref}", gdal.GA_Update)
ds.BuildOverviews("${method.toUpperCase()}", [2, 4, 8, 16][:${levelsFor(w, h, 64) - 1}])
ds = None
print(1)`);
  return { src, ref };
}

/** How many resolution levels a COG of w x h with this tile size has (halving until one tile). */
function levelsFor(w: number, h: number, tile: number): number {
  let n = 1;
  for (; w > tile || h > tile; n++) {
    w = Math.ceil(w / 2);
    h = Math.ceil(h / 2);
  }
  return n;
}

/** Largest difference between two files' overviews (and full resolution), as GDAL reads them. */
function overviewDiffs(a: string, b: string): { sizes: number[][]; full: number; overviews: number[] } {
  return py(`a = gdal.Open("${a}"); b = gdal.Open("${b}")
def arr(band, i):
    x = (band if i < 0 else band.GetOverview(i)).ReadAsArray().astype(np.float64)
    return x
out = {"sizes": [], "full": 0.0, "overviews": []}
n = a.GetRasterBand(1).GetOverviewCount()
for i in range(-1, n):
    worst = 0.0
    for k in range(1, a.RasterCount + 1):
        x = arr(a.GetRasterBand(k), i); y = arr(b.GetRasterBand(k), i)
        if x.shape != y.shape: worst = float("inf"); continue
        same_nan = np.isnan(x) == np.isnan(y)
        if not same_nan.all(): worst = float("inf"); continue
        d = np.abs(np.nan_to_num(x) - np.nan_to_num(y))
        worst = max(worst, float(d.max()))
    if i < 0: out["full"] = worst
    else:
        out["overviews"].append(worst)
        o = a.GetRasterBand(1).GetOverview(i); out["sizes"].append([o.XSize, o.YSize])
print(json.dumps(out))`);
}

describe.skipIf(!hasGdal)("Cloud-Optimized GeoTIFF output", () => {
  it.each([
    ["Float32", 3, "average", undefined, 1e-4],
    ["Int16", 1, "average", "average", 1],
    ["Byte", 1, "nearest", undefined, 0],
    ["Byte", 1, "mode", "mode", 0],
  ] as const)(
    "%s x%d, %s overviews: GDAL's validator passes; pixels equal GDAL's and gdaladdo's",
    async (type, bands, method, option, tol) => {
      const { src, ref } = sourceWithReference(type, bands, method);
      const out = `${dirname(src)}/out.tif`;
      await convertRaster(src, out, {
        format: "cog",
        outputTileSize: 64,
        tileSize: 96,
        ...(option ? { write: { overviews: option } } : {}),
      });
      const v = validate(out);
      expect(v.text).toContain("is a valid cloud optimized GeoTIFF");
      expect(v.ok).toBe(true);
      const d = overviewDiffs(out, ref);
      expect(d.full).toBe(0);
      expect(d.sizes).toStrictEqual([
        [151, 102],
        [76, 51],
        [38, 26],
      ]);
      for (const worst of d.overviews) expect(worst).toBeLessThanOrEqual(tol);
      const info = py<{ gt: number[]; epsg: string; nodata: number; layout: string }>(`ds = gdal.Open("${out}")
print(json.dumps({"gt": ds.GetGeoTransform(), "epsg": ds.GetSpatialRef().GetAuthorityCode(None),
  "nodata": ds.GetRasterBand(1).GetNoDataValue(), "layout": ds.GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE")}))`);
      expect(info).toStrictEqual({
        gt: [500000, 10, 0, 4600000, 0, -10],
        epsg: "32633",
        nodata: type === "Byte" ? 255 : -9999,
        layout: "COG",
      });
      // Nothing but the output is left beside it (no spool, no temporary).
      expect(readdirSync(dirname(out)).sort()).toStrictEqual(["out.tif", "ref.tif", "src.tif"]);
    },
  );

  it.each([
    ["Float32", "average"],
    ["Byte", "nearest"],
  ] as const)(
    "%s with an internal mask, %s overviews: every level's mask is its values' validity, as GDAL's; the COG validates",
    async (type, method) => {
      // 301 x 203 (odd: overview cells straddle source cells) with a random mask, a masked collar
      // and a masked 70 x 50 block; the reference is a copy with gdaladdo's overviews (and masks).
      const src = tmp("masked-src.tif");
      const ref = `${dirname(src)}/masked-ref.tif`;
      const out = `${dirname(src)}/masked-out.tif`;
      py(`import shutil
gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
rng = np.random.default_rng(11)
ds = gdal.GetDriverByName("GTiff").Create("${src}", 301, 203, 2, gdal.GDT_${type}, ["TILED=YES", "COMPRESS=DEFLATE"])
ds.SetGeoTransform([500000, 10, 0, 4600000, 0, -10])
for b in range(2):
    ds.GetRasterBand(b + 1).WriteArray((rng.random((203, 301)) * 200).astype(np.${type === "Byte" ? "uint8" : "float32"}))
ds.CreateMaskBand(gdal.GMF_PER_DATASET)
m = np.where(rng.random((203, 301)) < 0.3, 0, 255).astype(np.uint8)
m[:, :9] = 0
m[100:150, 200:270] = 0
ds.GetRasterBand(1).GetMaskBand().WriteArray(m)
ds = None
shutil.copy("${src}", "${ref}")
ds = gdal.Open("${ref}", gdal.GA_Update)
ds.BuildOverviews("${method.toUpperCase()}", [2, 4, 8])
ds = None
print(1)`);
      await convertRaster(src, out, { format: "cog", outputTileSize: 64, tileSize: 96, write: { overviews: method } });
      const v = validate(out);
      expect(v.text).toContain("is a valid cloud optimized GeoTIFF");
      expect(v.ok).toBe(true);
      // Each level's mask against gdaladdo's, and (nearest) against the nearest cell of the level
      // below: gdaladdo takes nearest masks from full resolution, unlike its nearest values (and
      // GDAL's COG driver), so past the first overview its masks are not its values' validity.
      const got = py<{
        flags: number[];
        levels: number;
        gdal: number[];
        chained: number[];
        masked: number[];
        valueDiff: number;
      }>(`a = gdal.Open("${out}"); b = gdal.Open("${ref}")
out = {"flags": [a.GetRasterBand(k).GetMaskFlags() for k in (1, 2)], "levels": a.GetRasterBand(1).GetOverviewCount(),
  "gdal": [], "chained": [], "masked": [], "valueDiff": 0.0}
prev = None
for i in range(-1, a.GetRasterBand(1).GetOverviewCount()):
    for k in (1, 2):
        x = a.GetRasterBand(k) if i < 0 else a.GetRasterBand(k).GetOverview(i)
        y = b.GetRasterBand(k) if i < 0 else b.GetRasterBand(k).GetOverview(i)
        mx = x.GetMaskBand().ReadAsArray() > 0; my = y.GetMaskBand().ReadAsArray() > 0
        valid = mx & my
        d = np.abs(x.ReadAsArray().astype(np.float64) - y.ReadAsArray().astype(np.float64))[valid]
        out["valueDiff"] = max(out["valueDiff"], float(d.max()))
        if k > 1: continue
        out["gdal"].append(int((mx != my).sum())); out["masked"].append(int((~mx).sum()))
        if prev is not None:
            (h, w), (ph, pw) = mx.shape, prev.shape
            near = lambda n, pn: np.floor(np.arange(n) * (pn / n) + 0.5).astype(int).clip(0, pn - 1)
            out["chained"].append(int((mx != prev[np.ix_(near(h, ph), near(w, pw))]).sum()))
        prev = mx
print(json.dumps(out))`);
      expect(got.flags).toStrictEqual([2, 2]); // GMF_PER_DATASET, as the source's
      expect(got.levels).toBe(3);
      if (method === "average")
        expect(got.gdal).toStrictEqual([0, 0, 0, 0]); // full resolution and every overview
      else {
        expect(got.gdal.slice(0, 2)).toStrictEqual([0, 0]);
        expect(got.chained).toStrictEqual([0, 0, 0]);
      }
      for (const n of got.masked) expect(n).toBeGreaterThan(0);
      expect(got.valueDiff).toBeLessThanOrEqual(type === "Byte" ? 0 : 1e-4);
      // GDAL's own COG of the source has the same structural metadata, byte for byte: it says
      // each mask tile follows its image tile.
      const gdalCog = `${dirname(src)}/masked-gdal-cog.tif`;
      py(`gdal.Translate("${gdalCog}", "${src}", format="COG", creationOptions=["BLOCKSIZE=128"])
print(1)`);
      const ghost = (path: string) => {
        const text = readFileSync(path).subarray(8, 400).toString("latin1");
        return text.slice(0, text.indexOf("\n") + 1 + Number(text.slice(30, 36)));
      };
      expect(ghost(out)).toContain("MASK_INTERLEAVED_WITH_IMAGERY=YES\n");
      expect(ghost(out)).toBe(ghost(gdalCog));
      // tilecast reads the COG's mask back: the same cells masked in every band as GDAL's mask.
      const cog = await openGeoTiff(out);
      expect(cog.meta.maskSource).toBe("internal");
      const valid = validMask(await cog.readWindow({ x: 0, y: 0, width: 301, height: 203 }));
      await cog.close();
      expect(valid.length - valid.reduce((n, v) => n + v, 0)).toBe(2 * (got.masked[0] as number));
    },
  );

  it("an uncompressed BigTIFF COG and one written with blocks missing both validate", async () => {
    const spec = { width: 200, height: 130, bands: 1, dtype: "uint16" as const, georef: null, nodata: 0 };
    const big = tmp("big.tif");
    const sink = await createCogSink(big, spec, { tileSize: 64, compress: "none", bigTiff: true });
    for (let r = 0; r < sink.blockGrid.rows; r++)
      for (let c = 0; c < sink.blockGrid.cols; c++) {
        const w = Math.min(64, 200 - c * 64);
        const h = Math.min(64, 130 - r * 64);
        await sink.writeBlock(
          c,
          r,
          createGrid("uint16", [1, h, w], { data: new Uint16Array(w * h).fill(100 + c + r) }),
        );
      }
    await sink.commit();
    expect(validate(big).ok).toBe(true);
    expect(readFileSync(big).subarray(0, 4)).toStrictEqual(Buffer.from([0x49, 0x49, 0x2b, 0x00]));
    const sparse = tmp("sparse.tif");
    const s2 = await createCogSink(sparse, spec, { tileSize: 64 });
    await s2.writeBlock(1, 1, createGrid("uint16", [1, 64, 64], { data: new Uint16Array(4096).fill(7) }));
    await s2.commit();
    expect(validate(sparse).ok).toBe(true);
    const px = py<number[]>(`ds = gdal.Open("${sparse}"); b = ds.GetRasterBand(1)
print(json.dumps([int(b.ReadAsArray()[70, 70]), int(b.ReadAsArray()[0, 0]), int(b.GetOverview(0).ReadAsArray()[35, 35]), int(b.GetOverview(0).ReadAsArray()[0, 0])]))`);
    expect(px).toStrictEqual([7, 0, 7, 0]);
  });

  it("a pipeline's output.format: cog and the CLI's --cog write COGs; a cog path that is not a .tif is refused", async () => {
    const out = tmp("scene.cog.tif");
    const r = tilecast(
      "convert",
      "fixtures/demo/scene.s2like.u16.4b.tif",
      out,
      "--cog",
      "--overviews",
      "average",
      "-q",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(validate(out).ok).toBe(true);
    const bad = tilecast("convert", "fixtures/demo/scene.s2like.u16.4b.tif", tmp("x.zarr"), "--cog");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim()).toMatch(/x\.zarr: a Cloud-Optimized GeoTIFF output needs a \.tif or \.tiff path$/);
    const ndvi = tmp("ndvi.tif");
    const run = tilecast(
      "run",
      "pipelines/scene-ndvi.yaml",
      "--set",
      `output.path=${ndvi}`,
      "--set",
      "output.format=cog",
      "--set",
      `output.quicklook=${ndvi}.png`,
      "-q",
    );
    expect(run.code, run.stderr).toBe(0);
    expect(validate(ndvi).ok).toBe(true);
    expect(
      py<number[]>(`ds = gdal.Open("${ndvi}"); b = ds.GetRasterBand(1)
print(json.dumps([b.GetBlockSize()[0], b.GetOverviewCount()]))`),
    ).toStrictEqual([512, 0]); // 512 x 512: one tile
    const zarrCog = tilecast(
      "run",
      "pipelines/scene-ndvi.yaml",
      "--set",
      `output.path=${tmp("n.zarr")}`,
      "--set",
      "output.format=cog",
    );
    expect(zarrCog.code).not.toBe(0);
    expect(zarrCog.stderr).toMatch(
      /scene-ndvi\.yaml: line \d+: output\.format: a Cloud-Optimized GeoTIFF output needs a \.tif or \.tiff path/,
    );
    const o = tilecast("convert", "fixtures/demo/scene.s2like.u16.4b.tif", tmp("plain.tif"), "--overviews", "mode");
    expect(o.stderr).toMatch(/--overviews applies to Cloud-Optimized GeoTIFF outputs/);
    await expect(createSink(tmp("y.tif"), { ...sinkSpec }, { format: "png" })).rejects.toThrow(
      /unknown output format 'png' \(formats: geotiff, zarr, cog\)/,
    );
  });

  it("opens over http with at most two range requests before the first tile", async () => {
    const path = tmp("remote.tif");
    const sink = await createCogSink(
      path,
      { ...sinkSpec, width: 2000, height: 1500 },
      { tileSize: 256, compress: "none" },
    );
    for (let r = 0; r < sink.blockGrid.rows; r++)
      for (let c = 0; c < sink.blockGrid.cols; c++) {
        const w = Math.min(256, 2000 - c * 256);
        const h = Math.min(256, 1500 - r * 256);
        await sink.writeBlock(
          c,
          r,
          createGrid("float32", [1, h, w], { data: new Float32Array(w * h).fill(r * 10 + c) }),
        );
      }
    await sink.commit();
    const body = readFileSync(path);
    const seen: string[] = [];
    const beside: string[] = []; // the sidecars GDAL would look for too
    const server = createServer((req, res) => {
      const m = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? "");
      if (req.url !== "/remote.tif") {
        beside.push(req.url ?? "");
        res.writeHead(404).end();
        return;
      }
      seen.push(req.headers.range ?? "whole file");
      if (!m) {
        res.writeHead(200, { "Content-Length": body.length }).end(body);
        return;
      }
      const start = Number(m[1]);
      const end = Math.min(body.length - 1, m[2] ? Number(m[2]) : body.length - 1);
      res.writeHead(206, {
        "Content-Range": `bytes ${start}-${end}/${body.length}`,
        "Content-Length": end - start + 1,
      });
      res.end(body.subarray(start, end + 1));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/remote.tif`;
      const src = await openGeoTiff(url);
      const before = seen.length;
      const g = await src.readWindow({ x: 256 * 3, y: 256 * 2, width: 4, height: 4 });
      expect(Array.from(g.data)).toStrictEqual(Array(16).fill(23));
      expect(before, seen.join(" ")).toBeLessThanOrEqual(2);
      expect(seen.every((s) => s.startsWith("bytes="))).toBe(true);
      // Another window in the same tile comes from the decoded-block cache: no new request.
      const after = seen.length;
      await src.readWindow({ x: 256 * 3 + 100, y: 256 * 2 + 50, width: 8, height: 8 });
      expect(seen.length).toBe(after);
      src.cacheBytes = 0; // without the cache, each read of a new tile fetches it again
      await src.readWindow({ x: 10, y: 10, width: 8, height: 8 });
      await src.readWindow({ x: 20, y: 20, width: 8, height: 8 });
      expect(seen.length).toBe(after + 2);
      await src.close();
      // Besides: one request each for the .aux.xml, the .msk, the four RPC names and (the file
      // has no transform) the six world-file names, unless GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR
      // says there are none.
      const names = [".tif.aux.xml", ".tif.msk", ".RPB", ".rpb", "_RPC.TXT", "_rpc.txt"];
      const world = ["tfw", "tifw", "wld"].flatMap((e) => [`.${e}`, `.${e.toUpperCase()}`]);
      expect(beside.sort()).toStrictEqual([...names, ...world].map((n) => `/remote${n}`).sort());
      beside.length = 0;
      process.env.GDAL_DISABLE_READDIR_ON_OPEN = "EMPTY_DIR";
      await openGeoTiff(url)
        .then((s) => s.close())
        .finally(() => delete process.env.GDAL_DISABLE_READDIR_ON_OPEN);
      expect(beside).toStrictEqual([]);
      await expect(openGeoTiff(`${url}.missing`)).rejects.toThrow(/remote\.tif\.missing: server answered HTTP 404/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("an aborted COG leaves nothing behind", async () => {
    const path = tmp("aborted.tif");
    const sink = await createCogSink(path, sinkSpec, { tileSize: 32 });
    await sink.writeBlock(0, 0, createGrid("float32", [1, 32, 32]));
    await sink.abort();
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dirname(path))).toStrictEqual([]);
  });
});

const sinkSpec = { width: 100, height: 70, bands: 1, dtype: "float32" as const, georef: null, nodata: null };

describe("overview pyramid", () => {
  it("holds about one row of partial tiles per level when tiles arrive row by row", () => {
    const p = new OverviewPyramid(
      { width: 64 * 40, height: 64 * 24, bands: 1, dtype: "float32", nodata: null },
      64,
      "average",
    );
    expect(p.grids.map((g) => [g.cols, g.rows])).toStrictEqual([
      [40, 24],
      [20, 12],
      [10, 6],
      [5, 3],
      [3, 2],
      [2, 1],
      [1, 1],
    ]);
    let most = 0;
    let finished = 0;
    const tile = createGrid("float32", [1, 64, 64], { data: new Float32Array(4096).fill(1) });
    const feed = (level: number, col: number, row: number, grid: Grid = tile): void => {
      for (const t of p.add(level, col, row, grid)) {
        finished++;
        expect(Array.from(new Set(t.grid.data))).toStrictEqual([1]);
        feed(t.level, t.col, t.row, t.grid);
      }
    };
    for (let r = 0; r < 24; r++)
      for (let c = 0; c < 40; c++) {
        feed(0, c, r);
        most = Math.max(most, p.pendingTiles);
      }
    expect(finished).toBe(20 * 12 + 10 * 6 + 5 * 3 + 3 * 2 + 2 + 1);
    expect(p.pendingTiles).toBe(0);
    expect(most).toBeLessThanOrEqual(20 + 10 + 5 + 3 + 2 + 1);
  });

  it("averages valid cells only, rounds integers half up, and marks all-missing groups", () => {
    const p = new OverviewPyramid({ width: 4, height: 2, bands: 1, dtype: "int16", nodata: -1 }, 2, "average");
    // 4 x 2 -> 2 x 1 with tiles of 2: the one overview tile draws on both tiles of row 0.
    const left = createGrid("int16", [1, 2, 2], { data: Int16Array.from([1, 2, 2, -1]), nodata: -1 });
    const right = createGrid("int16", [1, 2, 2], { data: Int16Array.from([-1, -1, -1, -1]), nodata: -1 });
    expect(p.add(0, 0, 0, left)).toStrictEqual([]);
    const [up] = p.add(0, 1, 0, right);
    expect(up?.grid.shape).toStrictEqual([1, 1, 2]);
    expect(up?.grid.data[0]).toBe(2); // (1 + 2 + 2) / 3 = 1.67 -> 2
    expect(Array.from(up?.grid.mask ?? [])).toStrictEqual([1, 0]);
  });
});
