/**
 * Satellite scenes placed by RPCs (not yet orthorectified): their RPCs read from the tag or from
 * the `.RPB` and `_RPC.TXT` sidecars GDAL reads, moved with a window and scaled with a resampling
 * as `gdal_translate` moves and scales them, and written to GeoTIFF and COG outputs so the outputs
 * can still be orthorectified.
 */
import { copyFileSync, rmSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { windowGeoref } from "../../../src/grid/grid.js";
import { scaleRpc, windowRpc } from "../../../src/grid/rpc.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { parseRpb, parseRpcTxt } from "../../../src/io/geotiff/rpc-sidecars.js";
import { resampleSource } from "../../../src/io/resample.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { editTiff } from "../../helpers/tiff-edit.js";
import { tmp } from "../../helpers/write.js";

const NAMES = [
  "ERR_BIAS",
  "ERR_RAND",
  "LINE_OFF",
  "SAMP_OFF",
  "LAT_OFF",
  "LONG_OFF",
  "HEIGHT_OFF",
  "LINE_SCALE",
  "SAMP_SCALE",
  "LAT_SCALE",
  "LONG_SCALE",
  "HEIGHT_SCALE",
];
const LISTS = ["LINE_NUM_COEFF", "LINE_DEN_COEFF", "SAMP_NUM_COEFF", "SAMP_DEN_COEFF"];

/** GDAL's RPC domain of a raster as tilecast's 92 numbers, or null when it has none; and its geotransform. */
const gdalRpc = (path: string): { rpc: number[] | null; gt: number[] | null } =>
  py(`ds = gdal.Open(${JSON.stringify(path)})
m = ds.GetMetadata("RPC")
rpc = None
if m:
    rpc = [float(m[k]) for k in ${JSON.stringify(NAMES)}]
    for k in ${JSON.stringify(LISTS)}:
        rpc += [float(x) for x in m[k].split()]
print(json.dumps({"rpc": rpc, "gt": ds.GetGeoTransform(can_return_null=True)}))`);

/**
 * `got` equals GDAL's `want` to the 15 digits GDAL prints them with (its RPC domain is text; the
 * tag and tilecast hold the doubles).
 */
function expectSameRpc(got: readonly number[] | undefined, want: number[] | null): void {
  expect(got?.length).toBe(92);
  expect(want?.length).toBe(92);
  const off = (got ?? []).map((v, i) => Math.abs(v - (want?.[i] as number)) / Math.max(1e-300, Math.abs(v)));
  expect(Math.max(...off)).toBeLessThan(1e-14);
}

/** A 1000 x 1200 Byte scene with RPCs in GDAL's RPC domain, written by GDAL with `options`. */
function gdalScene(path: string, options: string[] = []): void {
  py(`rpc = {"ERR_BIAS": "0.5", "ERR_RAND": "0.1", "LINE_OFF": "500", "SAMP_OFF": "600", "LAT_OFF": "45.5",
  "LONG_OFF": "7.25", "HEIGHT_OFF": "300", "LINE_SCALE": "510", "SAMP_SCALE": "610", "LAT_SCALE": "0.05",
  "LONG_SCALE": "0.07", "HEIGHT_SCALE": "500",
  "LINE_NUM_COEFF": " ".join(str((i + 1) * 0.001) for i in range(20)), "LINE_DEN_COEFF": "1 " + " ".join("0" for i in range(19)),
  "SAMP_NUM_COEFF": " ".join(str((i + 2) * 0.002) for i in range(20)), "SAMP_DEN_COEFF": "1 " + " ".join("0.0001" for i in range(19))}
ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, 1000, 1200, 1, gdal.GDT_Byte, ${JSON.stringify(options)})
ds.SetMetadata(rpc, "RPC")
ds.GetRasterBand(1).Fill(9)
ds = None
print("null")`);
}

describe("RPCs", () => {
  it("move with a window and scale with a factor: offsets less the corner, offsets and scales over the factor", () => {
    const rpc = Array.from({ length: 92 }, (_, i) => i + 1);
    expect(windowRpc(rpc, 10, 20).slice(0, 9)).toStrictEqual([1, 2, 3 - 20, 4 - 10, 5, 6, 7, 8, 9]);
    expect(scaleRpc(rpc, 2).slice(0, 9)).toStrictEqual([1, 2, 1.5, 2, 5, 6, 7, 4, 4.5]);
    const g = windowGeoref(
      { transform: [0, 1, 0, 0, 0, 1], crs: null, rasterType: "area", noTransform: true, rpc },
      { x: 10, y: 20 },
    );
    expect(g.rpc?.slice(2, 4)).toStrictEqual([3 - 20, 4 - 10]);
  });

  it("sidecars: a missing key or a short list is an error naming the file and the key", () => {
    expect(() => parseRpcTxt("ERR_BIAS: 1\n", "/d/a_RPC.TXT")).toThrow("its RPCs lack ERR_RAND");
    expect(() => parseRpb("errBias = 1; errRand = x;", "/d/a.RPB")).toThrow("its RPC errRand is not a number ('x')");
    const scalars =
      "errBias = 1; errRand = 1; lineOffset = 1; sampOffset = 1; latOffset = 1; longOffset = 1; heightOffset = 1; lineScale = 1; sampScale = 1; latScale = 1; longScale = 1; heightScale = 1;";
    // A key repeated with no ';' after it, by the hundred thousand: one pass, an error.
    expect(() => parseRpb("errBias = ".repeat(100_000), "/d/b.RPB")).toThrow(
      "its RPC errBias is not a number ('errBias = errBias = errBias = ')",
    );
    expect(() => parseRpb(`${scalars} lineNumCoef = (1, 2);`, "/d/a.RPB")).toThrow(
      "its RPC lineNumCoef has 2 coefficients, not 20",
    );
  });

  it.skipIf(!hasGdal)("from the tag: read as GDAL reads them, and written back to GeoTIFF and COG", async () => {
    const path = tmp("rpc.tif");
    gdalScene(path);
    const want = gdalRpc(path);
    expect(want.gt).toBeNull();
    expect(want.rpc?.length).toBe(92);
    const src = await openGeoTiff(path);
    expectSameRpc(src.meta.georef?.rpc, want.rpc);
    expect(src.meta.georef?.crs).toBeNull();
    // Resampled by a factor of 2, as gdal_translate -outsize 500 600 scales them.
    const half = tmp("half.tif");
    py(`gdal.Translate(${JSON.stringify(half)}, ${JSON.stringify(path)}, width=500, height=600)
print("null")`);
    expectSameRpc(resampleSource(src, { factor: 2 }).meta.georef?.rpc, gdalRpc(half).rpc);
    await src.close();
    for (const flags of [[], ["--cog"]]) {
      const out = tmp("out.tif");
      expect(tilecast("convert", path, out, ...flags, "-q").code).toBe(0);
      expect(gdalRpc(out)).toStrictEqual(want);
    }
    const info = JSON.parse(tilecast("inspect", path, "--json").stdout);
    expect([info.transform, info.rpc?.length]).toStrictEqual([null, 92]);
  });

  it.skipIf(!hasGdal)(
    "from a sidecar's RPC domain (set on a read-only file), after the tag and the .RPB, as GDAL reads them",
    async () => {
      const tagged = tmp("tagged.tif");
      gdalScene(tagged);
      const want = gdalRpc(tagged);
      const path = tmp("plain.tif");
      editTiff(tagged, path, [], [50844]);
      py(`ds = gdal.Open(${JSON.stringify(path)})
ds.SetMetadata(gdal.Open(${JSON.stringify(tagged)}).GetMetadata("RPC"), "RPC")
ds = None
print("null")`);
      expect(gdalRpc(path).rpc).toStrictEqual(want.rpc);
      const src = await openGeoTiff(path);
      await src.close();
      expectSameRpc(src.meta.georef?.rpc, want.rpc);
      // The tag goes before the sidecar's domain: another LINE_OFF there changes nothing.
      const both = tmp("both.tif");
      gdalScene(both);
      py(`ds = gdal.Open(${JSON.stringify(both)})
m = ds.GetMetadata("RPC"); m["LINE_OFF"] = "777"; ds.SetMetadata(m, "RPC")
ds = None
print("null")`);
      expect(gdalRpc(both).rpc?.[2]).toBe(500);
      const b = await openGeoTiff(both);
      await b.close();
      expect(b.meta.georef?.rpc?.[2]).toBe(500);
    },
  );

  it.skipIf(!hasGdal).each([
    ["RPB=YES", ".RPB"],
    ["RPCTXT=YES", "_RPC.TXT"],
  ])("from the sidecar GDAL writes with %s, as GDAL reads it", async (option, suffix) => {
    const made = tmp("scene.tif");
    gdalScene(made, [option]);
    const want = gdalRpc(made);
    // GDAL writes the tag as well: a copy without it has the sidecar's RPCs only.
    const path = tmp("untagged.tif");
    editTiff(made, path, [], [50844]);
    expect(gdalRpc(path).rpc).toBeNull();
    const sidecar = path.replace(/\.tif$/, suffix);
    copyFileSync(made.replace(/\.tif$/, suffix), sidecar);
    expect(gdalRpc(path).rpc).toStrictEqual(want.rpc);
    const src = await openGeoTiff(path);
    await src.close();
    expectSameRpc(src.meta.georef?.rpc, want.rpc);
    // A sidecar cut short is an error that names it.
    writeFileSync(sidecar, suffix === ".RPB" ? "errBias = 0.5;\n" : "ERR_BIAS: 0.5\n");
    const bad = tilecast("inspect", path);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(sidecar);
    rmSync(sidecar);
  });
});
