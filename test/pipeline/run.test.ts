import { existsSync, readdirSync } from "node:fs";
import { dirname } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { createGrid } from "../../src/grid/grid.js";
import { openGeoTiff } from "../../src/io/geotiff/reader.js";
import { renderQuicklook } from "../../src/io/png/quicklook.js";
import { tilecast } from "../helpers/cli.js";
import { gdalinfo, hasGdal, py, sameCrsInGdal } from "../helpers/gdal.js";
import { tmp, writeWhole } from "../helpers/write.js";

const SCENE = "fixtures/demo/scene.s2like.u16.4b.tif";

describe.skipIf(!hasGdal)("tilecast run", () => {
  it("scene-ndvi: values equal numpy's NDVI of the input, georeferencing equals the input's", async () => {
    const out = tmp("ndvi.tif");
    const png = out.replace(".tif", ".png");
    const r = tilecast(
      "run",
      "pipelines/scene-ndvi.yaml",
      "--set",
      `output.path=${out}`,
      "--set",
      `output.quicklook=${png}`,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("16 read, 0 skipped (all nodata), 16 predicted, of 16");
    expect(r.stdout).toMatch(/backend {3}(wasm|tensorflow) 4\.\d+\.\d+ \(\d+ threads?/);
    const maxErr = py<number>(`
a = gdal.Open("${SCENE}")
red = a.GetRasterBand(3).ReadAsArray().astype(np.float64)
nir = a.GetRasterBand(4).ReadAsArray().astype(np.float64)
want = (nir - red) / (nir + red)
b = gdal.Open("${out}")
got = b.GetRasterBand(1).ReadAsArray()
print(json.dumps(float(np.abs(got - want).max())))`);
    expect(maxErr).toBeLessThan(1e-6);
    const a = gdalinfo(SCENE);
    const b = gdalinfo(out);
    expect(b.geoTransform).toStrictEqual(a.geoTransform);
    expect(sameCrsInGdal(a.coordinateSystem?.wkt ?? "", b.coordinateSystem?.wkt ?? "")).toBe(true);
    expect(b.coordinateSystem?.wkt).toContain('ID["EPSG",32633]');
    // The quicklook, sampled while writing, equals one drawn from the written file.
    const written = await openGeoTiff(out);
    const want = renderQuicklook(
      await written.readWindow({ x: 0, y: 0, width: written.meta.width, height: written.meta.height }),
    );
    await written.close();
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(512);
    expect(Buffer.from(data).equals(Buffer.from(want.rgba))).toBe(true);
  });

  it("era5-global (periodic): the output equals xarray's decoded field, placed at pixel edges", () => {
    const out = tmp("t2m.tif");
    const r = tilecast("run", "pipelines/era5-global.yaml", "--set", `output.path=${out}`, "-q");
    expect(r.code).toBe(0);
    const cmp = py<{ err: number; gt: number[] }>(`
import xarray as xr
ds = xr.open_zarr("fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr")
want = ds.t2m.isel(time=0).values.astype(np.float32)
b = gdal.Open("${out}")
got = b.GetRasterBand(1).ReadAsArray()
print(json.dumps({"err": float(np.nanmax(np.abs(got - want))), "gt": list(b.GetGeoTransform())}))`);
    expect(cmp.err).toBe(0);
    expect(cmp.gt).toStrictEqual([-5, 10, 0, 95, 0, -10]);
  });

  it("skips tiles that are entirely nodata, reports them, and writes nodata there", async () => {
    const input = tmp("half-empty.tif");
    const W = 256;
    const data = Uint16Array.from({ length: W * W }, (_, i) => (i % W < 128 ? 0 : 100 + (i % 7)));
    await writeWhole(input, createGrid("uint16", [1, W, W], { data, nodata: 0 }), { tileSize: 64 });
    const out = tmp("half-out.tif");
    const yaml = tmp("half.yaml");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(
      yaml,
      `input: {path: ${input}}\ntiling: {size: 64, overlap: 8}\nmodel: {type: identity}\noutput: {path: ${out}, dtype: uint16, nodata: 0}\n`,
    );
    const r = tilecast("run", yaml, "--log-format", "json");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect([summary.tilesTotal, summary.tilesSkipped, summary.tilesWritten]).toStrictEqual([16, 8, 8]);
    const events = r.stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).event);
    expect(events).toStrictEqual(["backend", "model", "done"]);
    const same = py<boolean>(`
a = gdal.Open("${input}").ReadAsArray()
b = gdal.Open("${out}").ReadAsArray()
print(json.dumps(bool((a == b).all())))`);
    expect(same).toBe(true);
  });

  it("a bad model option fails with one line, exit 2, and no output", () => {
    const out = tmp("never.tif");
    const r = tilecast("run", "pipelines/scene-ndvi.yaml", "--set", `output.path=${out}`, "--set", "model.nir=9");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("tilecast: pipelines/scene-ndvi.yaml: model.nir must be a band index below 4, got 9\n");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dirname(out))).toStrictEqual([]);
  });

  it("preview writes a contact sheet: one row per tile, before | after", async () => {
    const png = tmp("sheet.png");
    const r = tilecast(
      "preview",
      "pipelines/scene-identity.yaml",
      "--out",
      png,
      "--tiles",
      "3",
      "--set",
      `normalize.saveStats=${tmp("s.json")}`,
    );
    expect(r.code).toBe(0);
    const m = await sharp(png).metadata();
    expect([m.width, m.height]).toStrictEqual([2 * 160 + 3 * 4, 3 * (160 + 4) + 4]); // 128 px cores + 2 x 16 px halo
  });
});
