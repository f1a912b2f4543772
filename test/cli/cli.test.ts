import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { crsFromEpsg } from "../../src/grid/crs.js";
import { createGrid } from "../../src/grid/grid.js";
import { interrupt, tilecast } from "../helpers/cli.js";
import { gdalinfo, gdalPixels, hasGdal, sameCrsInGdal } from "../helpers/gdal.js";
import { fixture } from "../helpers/pattern.js";
import { tmp, writeWhole } from "../helpers/write.js";

describe("tilecast CLI", () => {
  it("--help lists the commands and exits 0", () => {
    const r = tilecast("--help");
    expect(r.code).toBe(0);
    for (const c of ["inspect", "convert", "demo"]) expect(r.stdout).toContain(c);
  });

  it("inspect --json prints exactly one JSON object with the documented fields", () => {
    const r = tilecast("inspect", fixture("f32.deflate.pred3.tiled.2b.nodata-nan.tif"), "--json");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({
      format: "geotiff",
      width: 40,
      height: 24,
      bands: 2,
      dtype: "float32",
      transform: [500000, 10, 0, 4600000, 0, -10],
      nodata: "nan",
      blockSize: [16, 16],
      compression: "deflate",
      overviews: [],
    });
    expect(info.crs.epsg).toBe(32633);
    expect(info.crs.wkt).toMatch(/^PROJCS\["WGS 84 \/ UTM zone 33N"/);
    const ov = JSON.parse(tilecast("inspect", fixture("u16.deflate.tiled.1b.overviews.tif"), "--json").stdout);
    expect(ov.overviews).toStrictEqual([
      { width: 20, height: 12 },
      { width: 10, height: 6 },
    ]);
  });

  it("inspect without --json is readable text", () => {
    const r = tilecast("inspect", fixture("u8.none.strip.1b.tif"));
    expect(r.stdout).toContain("40 x 24, 1 band, uint8");
    expect(r.stdout).toContain("EPSG:4326 (WGS 84)");
  });

  it("inspect --var describes a store's one variable; a GeoTIFF has none", () => {
    const store = "fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr";
    const all = JSON.parse(tilecast("inspect", store, "--json").stdout);
    const one = JSON.parse(tilecast("inspect", store, "--var", "tp", "--json").stdout);
    expect(Object.keys(all.variables).sort()).toStrictEqual(["t2m", "tp"]);
    expect(Object.keys(one.variables)).toStrictEqual(["tp"]);
    expect(one.variables.tp).toStrictEqual(all.variables.tp);
    const tif = tilecast("inspect", fixture("u8.none.strip.1b.tif"), "--var", "tp");
    expect(tif.code).not.toBe(0);
    expect(tif.stderr.trim()).toMatch(
      /u8\.none\.strip\.1b\.tif: --var is for stores; a GeoTIFF has bands, not variables$/,
    );
  });

  describe.skipIf(!hasGdal)("convert is lossless for every tile size and overlap (checked with GDAL)", () => {
    const inputs = [
      "u16.deflate.pred2.tiled.3b.tif",
      "f32.deflate.pred3.tiled.2b.nodata-nan.tif",
      "f32.deflate.tiled.1b.lcc-custom.tif",
      "i16.lzw.pred2.tiled.band.2b.tif",
      "f32.none.tiled.1b.rotated.tif",
      "u8.none.tiled.1b.point.tif",
    ];
    it.each(
      inputs.flatMap(
        (f) =>
          [
            [f, 7, 0],
            [f, 16, 5],
            [f, 25, 11],
            [f, 64, 3],
          ] as const,
      ),
    )("%s --tile %i --overlap %i", (name, tile, overlap) => {
      const out = tmp("out.tif");
      const r = tilecast(
        "convert",
        fixture(name),
        out,
        "--tile",
        String(tile),
        "--overlap",
        String(overlap),
        "--block",
        "16",
      );
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(gdalPixels(out)).toStrictEqual(gdalPixels(fixture(name)));
      const a = gdalinfo(fixture(name));
      const b = gdalinfo(out);
      expect(b.geoTransform).toStrictEqual(a.geoTransform);
      expect(sameCrsInGdal(b.coordinateSystem?.wkt ?? "", a.coordinateSystem?.wkt ?? "")).toBe(true);
      expect(b.bands.map((x) => [x.noDataValue, x.description, x.scale, x.offset])).toStrictEqual(
        a.bands.map((x) => [x.noDataValue, x.description, x.scale, x.offset]),
      );
      expect(b.metadata?.[""]?.AREA_OR_POINT).toBe(a.metadata?.[""]?.AREA_OR_POINT);
    });
  });

  it.each([
    ["notatiff.tif", "not a TIFF file"],
    ["empty.tif", "file is empty"],
    ["truncated.tif", "file is truncated"],
    ["corrupt.deflate.tif", "corrupt tile (1, 0)"],
    ["u1.ccittfax4.strip.1b.tif", "unsupported compression ccittfax4"],
    ["huge-header.tif", "header claims"],
    ["missing.tif", "no such file"],
  ])("convert %s: one line naming the file, exit 1, nothing left behind", (name, problem) => {
    const out = tmp("out.tif");
    const r = tilecast("convert", fixture(name), out);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      new RegExp(`^tilecast: ${fixture(name).replace(/[.()]/g, "\\$&")}: .*${problem.replace(/[.()]/g, "\\$&")}`),
    );
    expect(readdirSync(dirname(out))).toStrictEqual([]);
  });

  it("usage errors exit 2; an unwritable output exits 1 naming it", () => {
    expect(tilecast("convert", fixture("u8.none.strip.1b.tif"), tmp("x.tif"), "--tile", "abc").code).toBe(2);
    expect(tilecast("convert", fixture("u8.none.strip.1b.tif"), tmp("x.tif"), "--block", "20").code).toBe(2);
    expect(tilecast("convert", fixture("u8.none.strip.1b.tif"), tmp("x.png")).stderr).toMatch(
      /x\.png: cannot write this format/,
    );
    const r = tilecast("convert", fixture("u8.none.strip.1b.tif"), "/proc/nope/x.tif");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("tilecast: /proc/nope/x.tif: cannot create output (ENOENT)\n");
    expect(tilecast("inspect").code).toBe(2);
  });

  it("Ctrl-C during convert leaves neither the output nor a temporary file", async () => {
    const input = tmp("big.tif");
    const n = 3072;
    const data = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i / 977) * 1000);
    await writeWhole(
      input,
      createGrid("float32", [1, n, n], {
        data,
        georef: { transform: [0, 1, 0, 0, 0, -1], crs: crsFromEpsg(3857), rasterType: "area" },
      }),
    );
    const out = tmp("interrupted.tif");
    const r = await interrupt(
      700,
      "SIGINT",
      "convert",
      input,
      out,
      "--tile",
      "64",
      "--concurrency",
      "1",
      "--level",
      "9",
    );
    expect(r.signalled).toBe(true);
    expect(r.code).toBe(130);
    expect(readdirSync(dirname(out))).toStrictEqual([]);
  });
});
